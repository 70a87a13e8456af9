"""Tests of joint-lab projects: teams, milestones, progress reports, files, reminders."""
