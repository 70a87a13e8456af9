"""Who may open which matchmaking page, every role against every route.

The investors' pages are for registrants of this roadshow flagged as investors (and
organizers): a registrant without the flag and an investor registered for another roadshow
get a 403. A schedule is also for the pitching team. A pitch's meeting requests are for its
own organization's people (404 for anyone else); the grid is for organizers (403).
"""

from __future__ import annotations

from typing import Any

import pytest

from core.content import Translated
from core.tables import Membership
from events.roadshows.tables import Meeting
from tests.access_matrix import Endpoint, visit
from tests.events.roadshows.factories import (
    make_investor,
    make_meeting_slots,
    make_roadshow,
    make_submission,
)
from tests.events.roadshows.meeting_routes import (
    MEETING_ENDPOINTS,
    ROLES,
    TITLE,
)
from tests.support.factories import make_organization, make_user, sign_in


@pytest.fixture
async def world() -> dict[str, Any]:
    event, call = await make_roadshow(meeting_tables=3)
    other_event, _other_call = await make_roadshow()
    home = await make_organization("home-lab", kind="university")
    other = await make_organization("other-lab", kind="company")
    pitch = await make_submission(
        call, home["id"], decision="accepted", title=Translated.of("ru", ru=TITLE).dump()
    )
    (slot,) = await make_meeting_slots(event, 1)
    guest = await make_investor(event, "guest@example.org", investor=False)
    meetings = {}
    for name, status in (("asked", "requested"), ("agreed", "accepted")):
        requester = await make_investor(event, f"{name}@example.org")
        row = Meeting(
            event=event["id"],
            submission=pitch["id"],
            requester=requester["id"],
            key=f"{pitch['id']}:{requester['id']}",
            message=f"{TITLE}?",
            status=status,
        )
        await row.save()
        meetings[name] = row.id
    return {
        "event": event,
        "other_event": other_event,
        "e": event["slug"],
        "s": pitch["id"],
        "slot": slot["id"],
        "guest": guest["registration"],
        "o1": home["id"],
        "o2": other["id"],
        **meetings,
    }


async def act_as(client, role: str, world: dict[str, Any]) -> None:
    if role == "anonymous":
        return
    email = f"{role}@example.org"
    if role == "investor":
        user = await make_investor(world["event"], email)
    elif role == "registrant":
        user = await make_investor(world["event"], email, investor=False)
    elif role == "other_investor":
        user = await make_investor(world["other_event"], email)
    elif role == "admin":
        user = await make_user("admin", email=email)
    else:
        user = await make_user(email=email)
        organization = world["o1"] if role == "team" else world["o2"]
        await Membership(user=user["id"], organization=organization).save()
    await sign_in(client, user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", MEETING_ENDPOINTS, ids=lambda endpoint: endpoint.id)
async def test_access(client, world, endpoint: Endpoint, role: str) -> None:
    await act_as(client, role, world)
    form = {k: str(v).format(**world) for k, v in endpoint.form.items()}

    response = await visit(client, endpoint, role, endpoint.url(world), form)

    if role not in endpoint.allowed:
        assert TITLE not in response.text
