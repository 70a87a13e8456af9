"""Roadshow routes, one controller per audience: `pages` under /<lang>/, `api` under /api/v1/."""

from events.roadshows.routes.applicant import ApplicantController
from events.roadshows.routes.organizer import OrganizerController
from events.roadshows.routes.reviewer import ReviewerController

pages = [OrganizerController, ApplicantController, ReviewerController]
api: list[type] = []
