"""The digest: one mail per subscriber and period in their language, with what is new in
their fields and countries, exactly once however often the job runs, and a one-click
List-Unsubscribe that works without a session or a form of ours."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime
from email import policy

from cooperation.services import digest, guides
from cooperation.tables import Subscription
from core.access import Viewer
from core.tables import OutboxMessage
from tests.cooperation.factories import make_poster, make_profile
from tests.support.factories import make_user, post_form, sign_in

# Monday 7 December 2026: the digest covers the week of 30 November to 6 December.
RUN_ON = date(2026, 12, 7)
IN_WEEK = datetime(2026, 12, 2, 5, tzinfo=UTC)
BEFORE_WEEK = datetime(2026, 11, 20, 5, tzinfo=UTC)


async def _subscriber(language: str, fields: list[str], countries: list[str]) -> Viewer:
    user = await make_user("member", language=language)
    viewer = Viewer(id=user["id"], email=user["email"], language=language)
    await digest.subscribe(viewer, fields, countries, "weekly", language)
    return viewer


async def _id(subscriber: Viewer) -> int:
    """The subscription's id, which names its mail files (other tests leave theirs)."""
    row = await Subscription.select(Subscription.id).where(Subscription.email == subscriber.email)
    return row[0]["id"]


async def _news() -> None:
    company = await make_poster()
    await make_profile(
        company,
        title={"ru": "Капельное орошение", "zh": "滴灌"},
        source="ru",
        field="water",
        published_at=IN_WEEK,
    )
    await make_profile(
        company, title={"ru": "Вакцина для овец"}, field="animal_husbandry", published_at=IN_WEEK
    )
    await make_profile(
        company, title={"ru": "Старый запрос"}, field="water", published_at=BEFORE_WEEK
    )


def test_the_period_is_the_whole_week_or_month_before() -> None:
    week = digest.previous_period("weekly", RUN_ON)
    assert (week.key, week.starts.date(), week.ends.date()) == (
        "2026-W49",
        date(2026, 11, 30),
        date(2026, 12, 7),
    )
    month = digest.previous_period("monthly", date(2026, 12, 1))
    assert (month.key, month.starts.date(), month.ends.date()) == (
        "2026-11",
        date(2026, 11, 1),
        date(2026, 12, 1),
    )


async def test_each_subscriber_gets_what_is_new_in_their_fields_in_their_language() -> None:
    await _news()
    water = await _subscriber("zh", ["water"], [])
    everything = await _subscriber("ru", [], [])
    await _subscriber("en", ["energy"], [])  # nothing new for them: no mail

    assert await digest.send_digests("weekly", RUN_ON) == 2

    mails = {m["recipient"]: m for m in await OutboxMessage.select().output(load_json=True)}
    assert set(mails) == {water.email, everything.email}
    assert [item["title"] for item in mails[water.email]["context"]["demands"]] == ["滴灌"]
    titles = [item["title"] for item in mails[everything.email]["context"]["demands"]]
    assert titles == ["Капельное орошение", "Вакцина для овец"]


async def test_a_rerun_of_the_same_period_sends_nothing_twice(run_jobs, mail_dir) -> None:
    await _news()
    subscriber = await _subscriber("ru", [], [])
    assert await digest.send_digests("weekly", RUN_ON) == 1
    # A rerun after a crash that lost the subscription's bookmark still finds the outbox row.
    await Subscription.update({Subscription.last_period: ""}).where(Subscription.id > 0)
    await digest.send_digests("weekly", RUN_ON)
    await digest.send_digests("weekly", RUN_ON)
    await run_jobs()

    rows = await OutboxMessage.select().where(OutboxMessage.recipient == subscriber.email)
    assert len(rows) == 1 and rows[0]["status"] == "sent"
    assert len(list(mail_dir.glob(f"cooperation-digest_{await _id(subscriber)}_*.eml"))) == 1


async def test_the_digest_mail_carries_a_one_click_unsubscribe(client, run_jobs, mail_dir) -> None:
    await _news()
    subscriber = await _subscriber("kk", [], [])
    await digest.send_digests("weekly", RUN_ON)
    await run_jobs()

    [path] = mail_dir.glob(f"cooperation-digest_{await _id(subscriber)}_*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://testserver.local/kk/cooperation/unsubscribe/")

    # What a mail client does on "unsubscribe": a bare POST, no cookies, no CSRF token.
    response = await client.post(
        link.removeprefix("http://testserver.local"),
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    row = await Subscription.select().where(Subscription.email == subscriber.email).first()
    assert row["active"] is False
    await _an_unsubscribed_reader_gets_nothing_the_next_week(subscriber)


async def _an_unsubscribed_reader_gets_nothing_the_next_week(subscriber: Viewer) -> None:
    await make_profile(
        await make_poster(),
        title={"en": "Next week"},
        published_at=datetime(2026, 12, 9, tzinfo=UTC),
    )
    assert await digest.send_digests("weekly", date(2026, 12, 14)) == 0


async def test_a_new_guide_version_is_in_the_digest_of_its_countrys_subscribers() -> None:
    admin = Viewer(id=(await make_user("admin"))["id"], role="admin")
    await guides.publish_version(
        admin,
        {
            "city": "almaty",
            "year": "2026",
            "source_language": "en",
            "title_en": "Almaty guide",
            "priorities_en": "Water.",
        },
        None,
    )
    kazakhstan = await _subscriber("en", [], ["KZ"])
    await _subscriber("en", [], ["UZ"])
    on = datetime.now(UTC).date()
    sent = await digest.send_digests("weekly", date.fromordinal(on.toordinal() + 7))
    assert sent == 1
    [mail] = await OutboxMessage.select().output(load_json=True)
    assert mail["recipient"] == kazakhstan.email
    assert mail["context"]["guides"][0]["title"] == "Almaty guide"


async def test_people_set_their_digest_from_their_account(client) -> None:
    user = await make_user("member", language="ru")
    await sign_in(client, user)
    saved = await post_form(
        client,
        "/ru/account/cooperation/digest",
        {"frequency": "monthly", "language": "kk", "fields": "water", "digest_countries": "KZ"},
    )
    assert saved.status_code == 200
    row = await Subscription.select().output(load_json=True).first()
    assert (row["frequency"], row["language"], row["fields"], row["countries"]) == (
        "monthly",
        "kk",
        ["water"],
        ["KZ"],
    )
