"""One head per delegation, kept by the database whatever the concurrency, with a clear
message for the save that loses."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest

from core import db, i18n
from core.errors import ValidationFailed
from events.delegations.services import members
from events.delegations.tables import Delegate
from tests.events.delegations.factories import city, conference, delegation_with, member

HEAD_TAKEN = "Someone else named another head of this delegation at the same moment."


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with i18n.language("en"):
        yield


async def heads_of(delegation: dict) -> list[str]:
    rows = await Delegate.select(Delegate.name_native).where(
        (Delegate.delegation == delegation["id"]) & (Delegate.is_head == True)
    )
    return [row["name_native"] for row in rows]


async def test_the_database_refuses_a_second_head_in_one_delegation() -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty, member(event, is_head="yes"))
    first = (await Delegate.select().first()) or {}
    second = {k: v for k, v in first.items() if k not in ("id", "passport_index")}

    with pytest.raises(Exception) as refused:
        await Delegate.insert(Delegate(**{**second, "name_native": "Второй"}))

    assert "delegate" in str(refused.value).lower()
    assert await heads_of(delegation) == [first["name_native"]]


async def test_naming_a_new_head_passes_the_role_on() -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(
        event, almaty, member(event, is_head="yes", name_native="А"), member(event, name_native="Б")
    )
    second = await Delegate.select().where(Delegate.name_native == "Б").first()

    await members.save_member(
        almaty["viewer"], delegation, member(event, is_head="yes", name_native="Б"), second
    )

    assert await heads_of(delegation) == ["Б"]


async def test_two_saves_naming_heads_at_once_leave_one_head() -> None:
    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty, member(event, name_native="А"))

    outcomes = await asyncio.gather(
        *(
            members.save_member(
                almaty["viewer"], delegation, member(event, is_head="yes", name_native=name)
            )
            for name in ("Б", "В")
        ),
        return_exceptions=True,
    )

    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            assert isinstance(outcome, ValidationFailed)
            assert HEAD_TAKEN in outcome.errors["is_head"]
    assert len(await heads_of(delegation)) == 1


@pytest.mark.skipif(
    not os.environ.get("HONGSHAN_DATABASE_URL", "").startswith("postgres"),
    reason="SQLite has one writer at a time: a second head cannot be written meanwhile",
)
async def test_a_head_named_meanwhile_in_another_transaction_gets_a_clear_message() -> None:
    import asyncpg

    from core.settings import get_settings

    event = await conference()
    almaty = await city("almaty")
    delegation = await delegation_with(event, almaty, member(event, name_native="А"))
    first = await Delegate.select().first()
    other = await asyncpg.connect(get_settings().database_url)
    try:
        meanwhile = other.transaction()
        await meanwhile.start()
        # Another save adds a head and has not committed yet: this save cannot see it.
        await other.execute(
            'INSERT INTO "delegate" ("delegation", "event", "is_head", "name_native") '
            "VALUES ($1, $2, true, 'Г')",
            delegation["id"],
            first["event"],
        )
        saving = asyncio.create_task(
            members.save_member(
                almaty["viewer"], delegation, member(event, is_head="yes", name_native="Б")
            )
        )
        while not await db.engine().run_ddl(
            "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        ):
            await asyncio.sleep(0.02)  # until this save waits for the other one
        await meanwhile.commit()
        with pytest.raises(ValidationFailed) as refused:
            await saving
    finally:
        await other.close()

    assert HEAD_TAKEN in refused.value.errors["is_head"]
    assert await heads_of(delegation) == ["Г"]
