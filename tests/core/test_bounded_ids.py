"""Ids in addresses beyond what a database id can hold lead to "not found", on every route."""

from __future__ import annotations

import pytest

from core.db import largest_integer
from core.settings import get_settings
from tests.support.factories import make_user, post_form, sign_in

TOO_BIG = 2**63  # 9223372036854775808
TOO_SMALL = -(2**63) - 1
BEYOND_INT32 = 2**31  # PostgreSQL's SERIAL and INTEGER end just below

PAGES = [
    "/en/manage/feeds/{id}/",
    "/ru/manage/delegations/{id}",
    "/en/manage/events/annual-conference/registrations/{id}",
    "/en/manage/events/annual-conference/agenda/speakers/{id}/edit",
    "/en/account/projects/pamir-lab/files/{id}",
    "/en/account/projects/pamir-lab/reports/2026-Q1/versions/{id}",
]
FORMS = [
    "/en/manage/outbox/{id}/resend",
    "/en/manage/feeds/{id}/disable",
    "/en/manage/events/annual-conference/registrations/{id}/approve",
    "/en/manage/projects/pamir-lab/team/{id}/remove",
]


@pytest.fixture
async def admin(client) -> None:
    await sign_in(client, await make_user("admin", email="bureau@example.org"))


@pytest.mark.parametrize("number", [TOO_BIG, TOO_SMALL, BEYOND_INT32])
async def test_pages_with_an_out_of_range_id_are_not_found(client, admin, number: int) -> None:
    for template in PAGES:
        response = await client.get(template.format(id=number))
        assert response.status_code == 404, template
    assert "Страница не найдена" in (await client.get(PAGES[1].format(id=number))).text


async def test_forms_posted_to_an_out_of_range_id_are_not_found(client, admin) -> None:
    for template in FORMS:
        response = await post_form(client, template.format(id=TOO_BIG))
        assert response.status_code == 404, template


async def test_the_largest_id_the_database_holds_is_simply_not_found(client, admin) -> None:
    largest = largest_integer(get_settings().database_url)
    for number in (largest, -largest - 1):
        response = await client.get(PAGES[0].format(id=number))
        assert response.status_code == 404
