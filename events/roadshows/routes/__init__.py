"""Roadshow routes, one controller per audience: `pages` under /<lang>/, `api` under /api/v1/."""

from events.roadshows.routes.applicant import ApplicantController
from events.roadshows.routes.meetings import (
    MatchmakingController,
    MeetingsController,
    TeamMeetingsController,
)
from events.roadshows.routes.organizer import (
    OrganizerController,
    OutcomesController,
    PitchesController,
)
from events.roadshows.routes.public import PitchesApi, PublicController
from events.roadshows.routes.reviewer import ReviewerController

pages = [
    OrganizerController,
    PitchesController,
    OutcomesController,
    ApplicantController,
    ReviewerController,
    PublicController,
    MeetingsController,
    MatchmakingController,
    TeamMeetingsController,
]
api = [PitchesApi]
