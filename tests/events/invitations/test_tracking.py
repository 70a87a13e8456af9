"""The organizers' tracking table: filters, exports of what it shows, and who may see it."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from core.tables import AuditEntry
from events.invitations.tables import InvitationCampaign
from tests.events.factories import make_event
from tests.events.invitations.factories import base, draft, organizer, send_draft
from tests.events.invitations.mailbox import links, mails
from tests.support.factories import make_organization, make_user, post_form, sign_in


async def test_the_tracking_table_filters_and_exports_what_it_shows(
    client, run_jobs, mail_dir
) -> None:
    await organizer(client)
    event = await make_event()
    await draft(
        client,
        event,
        {
            "people": "Sara Ali, sara@example.org, en\nLi Na, li.na@example.cn, zh\n"
            "Иван Петров, ivan@example.ru, ru"
        },
    )
    await send_draft(client, event)
    await run_jobs()
    li = links(mails(mail_dir)["li.na@example.cn"][0])
    await post_form(client, li["decline"])

    table = (await client.get(base(event))).text
    assert all(name in table for name in ("Sara Ali", "Li Na", "Иван Петров"))
    assert "Declined: 1" in table and "No answer yet: 2" in table
    declined = (await client.get(base(event) + "?answer=declined")).text
    assert "Li Na" in declined and "Sara Ali" not in declined
    russian = (await client.get(base(event) + "?language=ru&delivery=sent")).text
    assert "Иван Петров" in russian and "Li Na" not in russian

    exported = await client.get(
        f"/en/manage/events/{event['slug']}/invitations.csv?answer=declined"
    )
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "E-mail address", "Language"]
    assert [row[1] for row in rows[1:]] == ["li.na@example.cn"]
    assert rows[1][6] == "Sent" and rows[1][9] == "Declined"

    workbook = await client.get(f"/en/manage/events/{event['slug']}/invitations.xlsx?sort=name")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Li Na",
        "Sara Ali",
        "Иван Петров",
    ]
    assert isinstance(sheet.cell(row=2, column=6).value, datetime)
    assert await AuditEntry.count().where(AuditEntry.action == "invitation.export") == 2


@pytest.mark.parametrize("role", ["coordinator", "fao", "member"])
async def test_only_organizers_reach_the_invitation_pages(client, role) -> None:
    event = await make_event()
    organization = await make_organization()
    user = await make_user(
        role, organization_id=organization["id"] if role == "coordinator" else None
    )
    await sign_in(client, user)

    for path in (
        base(event),
        base(event) + "new",
        f"/en/manage/events/{event['slug']}/invitations.csv",
    ):
        assert (await client.get(path)).status_code == 403
    refused = await draft(client, event, {"people": "Sara Ali, sara@example.org, en"})
    assert refused.status_code == 403
    assert await InvitationCampaign.count() == 0


async def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    event = await make_event()
    response = await client.get(base(event), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/en/account/login")
