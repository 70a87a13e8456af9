"""Password resets: one set password retires every other link, and asking reveals nothing."""

from __future__ import annotations

import httpx

from core import jobqueue
from core.tables import AccountToken, OutboxMessage
from tests.support.factories import PASSWORD, make_user, post_form, sign_in
from tests.support.mailbox import link_path, mails_to

NEW_PASSWORD = "saxaul-tulip-caravan-42"
OTHER_PASSWORD = "apricot-valley-mountain-77"


async def request_reset(client: httpx.AsyncClient, address: str) -> httpx.Response:
    return await post_form(client, "/en/account/forgot", {"email": address})


async def two_reset_links(client, run_jobs, mail_dir, address: str) -> list[str]:
    await request_reset(client, address)
    await request_reset(client, address)
    await run_jobs()
    links = [link_path(message, "reset") for message in mails_to(mail_dir, address)]
    assert len(set(links)) == 2
    return links


async def test_using_one_reset_link_retires_the_others(client, run_jobs, mail_dir) -> None:
    user = await make_user("member", email="aigerim@example.org")
    first, second = await two_reset_links(client, run_jobs, mail_dir, user["email"])

    done = await post_form(
        client, first, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert done.url.path == "/en/account/"
    await post_form(client, "/en/account/logout")

    assert (await client.get(second)).status_code == 410
    refused = await post_form(
        client, second, {"password": OTHER_PASSWORD, "password_again": OTHER_PASSWORD}
    )
    assert "This link has expired or was already used." in refused.text
    await sign_in(client, {"email": user["email"], "password": NEW_PASSWORD})


async def test_changing_the_password_retires_outstanding_reset_links(
    client, run_jobs, mail_dir
) -> None:
    user = await make_user("member", email="timur@example.org")
    links = await two_reset_links(client, run_jobs, mail_dir, user["email"])
    await sign_in(client, user)
    await post_form(
        client,
        "/en/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    await post_form(client, "/en/account/logout")

    for link in links:
        page = await client.get(link)
        assert page.status_code == 410
        assert 'name="password"' not in page.text
    await sign_in(client, {"email": user["email"], "password": NEW_PASSWORD})


async def test_a_reset_request_does_the_same_work_for_unknown_and_known_addresses(
    client, run_jobs, mail_dir
) -> None:
    """Nothing about the account is looked up while the visitor waits: both requests only
    queue one job, so they take the same time; the job decides whether to mail."""
    await make_user("member", email="known@example.org")
    queued = []
    for address in ("known@example.org", "nobody@example.org"):
        await request_reset(client, address)
        queued.append(await jobqueue.redis().queued_jobs())
        assert await AccountToken.count() == 0 and await OutboxMessage.count() == 0
    assert [len(jobs) for jobs in queued] == [1, 2]

    await run_jobs()
    assert len(mails_to(mail_dir, "known@example.org")) == 1
    assert mails_to(mail_dir, "nobody@example.org") == []


async def test_a_reset_job_run_twice_mails_once_with_one_link(client, run_jobs, mail_dir) -> None:
    from core.accounts import mail_password_reset

    await make_user("member", email="dilnoza@example.org")
    assert await mail_password_reset("dilnoza@example.org", "request-1")
    assert await mail_password_reset("dilnoza@example.org", "request-1")
    await run_jobs()
    assert len(mails_to(mail_dir, "dilnoza@example.org")) == 1
    assert await AccountToken.count() == 1
