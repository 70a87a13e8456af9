"""Projects: joint-lab projects, their teams, milestones, progress reports and outputs."""

from core.domains import Domain

domain = Domain(name="projects")
