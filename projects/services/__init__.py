"""Rules of joint-lab projects: projects and teams, milestones, progress reports, files.

Plain async functions with explicit arguments; no HTTP objects. Routes, jobs, the demo loader
and the bureau's portfolio call the same functions.
"""
