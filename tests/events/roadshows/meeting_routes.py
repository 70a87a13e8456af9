"""The matchmaking routes and who may use each: shared by the matchmaking access tests and
the roadshow matrix's check that every guarded route has a row."""

from __future__ import annotations

from typing import Any

from tests.access_matrix import Endpoint

ROLES = (
    "anonymous",
    "investor",
    "registrant",
    "other_investor",
    "team",
    "other_applicant",
    "admin",
)
TITLE = "Биоудобрение для хлопка Бета"
INVESTORS = frozenset({"investor", "admin"})
SCHEDULE = frozenset({"investor", "team", "admin"})
TEAM = frozenset({"team", "admin"})
ADMIN = frozenset({"admin"})
MINE = "/en/account/roadshows/{e}/matchmaking/"


def manage(path: str, **kw: Any) -> Endpoint:
    return Endpoint("POST", "/en/manage/events/{e}/roadshow/meetings/" + path, ADMIN, 403, **kw)


MEETING_ENDPOINTS = [
    Endpoint("GET", MINE, INVESTORS, 403),
    Endpoint("POST", MINE + "{s}/interest", INVESTORS, 403),
    Endpoint("POST", MINE + "{s}/request", INVESTORS, 403, form={"message": "Can we meet?"}),
    Endpoint("GET", MINE + "schedule", SCHEDULE, 403),
    Endpoint("POST", MINE + "schedule", SCHEDULE, 403, form={"away": "{slot}"}),
    Endpoint("GET", MINE + "schedule.ics", SCHEDULE, 403),
    Endpoint("GET", "/en/account/roadshows/submissions/{s}/meetings/", TEAM, 404),
    Endpoint(
        "POST",
        "/en/account/roadshows/submissions/{s}/meetings/{asked}",
        TEAM,
        404,
        form={"answer": "accept"},
    ),
    Endpoint("GET", "/en/manage/events/{e}/roadshow/meetings/", ADMIN, 403),
    manage("investors", form={"registration": "{guest}", "investor": "1"}),
    manage("schedule", form={"tables": "3"}),
    manage("{agreed}/move", form={"slot": "{slot}", "table": "2"}),
    manage("{agreed}/no-show", form={"no_show": "1"}),
]
