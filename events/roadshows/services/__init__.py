"""The rules of roadshows; no HTTP objects in here (routes, jobs and the demo call them)."""
