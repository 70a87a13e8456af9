"""When Redis goes away: the embedded server comes back by itself, and meanwhile pages say
"try again shortly" in the reader's language instead of failing with an error of ours."""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core import jobqueue, outbox
from core.redis_server import EmbeddedRedis, answers_ping
from core.tables import OutboxMessage
from tests.support.factories import make_user, post_form, sign_in

RESTART_WAIT_S = 20.0


async def restarted(server: EmbeddedRedis) -> bool:
    """Wait (bounded) until the supervisor has started a new server process."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RESTART_WAIT_S
    while loop.time() < deadline:
        if server.restarts and answers_ping(server.socket_path):
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.fixture
async def own_redis(redis_url: str) -> AsyncIterator[EmbeddedRedis]:
    """The site's Redis is a server of this test's own, so the test may kill or stop it."""
    server = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="hs-redis-")) / "redis.sock")
    server.start()
    await jobqueue.close_queue()
    await jobqueue.open_queue(server.url)
    try:
        yield server
    finally:
        server.stop()
        await jobqueue.close_queue()
        await jobqueue.open_queue(redis_url)


async def test_a_killed_embedded_server_is_started_again(own_redis, client) -> None:
    user = await make_user(language="ru")
    old_pid = own_redis.process.pid
    os.kill(old_pid, signal.SIGKILL)

    assert await restarted(own_redis)
    assert own_redis.restarts == 1 and own_redis.process.pid != old_pid
    # The site's connections from before the restart recover without an error page.
    await sign_in(client, user)
    assert (await client.get("/ru/account/")).status_code == 200


async def test_with_redis_down_pages_answer_503_in_the_readers_language(own_redis, client) -> None:
    user = await make_user(language="ru")
    await sign_in(client, user)
    own_redis.stop()

    page = await client.get("/ru/account/")
    assert page.status_code == 503
    assert int(page.headers["retry-after"]) > 0
    assert "Сайт ненадолго недоступен" in page.text
    login = await post_form(
        client, "/en/account/login", {"email": user["email"], "password": "whatever-it-is"}
    )
    assert login.status_code == 503
    assert "The site is briefly unavailable" in login.text
    client.cookies.clear()  # a visitor without a session still reads the public pages
    assert (await client.get("/ru/events/")).status_code == 200


async def test_mail_queued_while_redis_is_down_is_kept_for_the_sweeper(own_redis) -> None:
    own_redis.stop()
    message_id = await outbox.queue_mail(
        key="outage-1",
        recipient="aigerim@example.org",
        language="kk",
        template="password_reset",
        context={"name": "", "link": "/kk/account/reset/x", "valid_minutes": 60},
    )
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert row["status"] == "queued"


async def test_the_in_process_worker_carries_on_after_redis_comes_back(own_redis) -> None:
    worker = asyncio.create_task(jobqueue.run_worker(own_redis.url))
    try:
        old_pid = own_redis.process.pid
        os.kill(old_pid, signal.SIGKILL)
        assert await restarted(own_redis)
        message_id = await outbox.queue_mail(
            key="after-restart",
            recipient="timur@example.org",
            language="ru",
            template="password_reset",
            context={"name": "", "link": "/ru/account/reset/x", "valid_minutes": 60},
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RESTART_WAIT_S
        status = "queued"
        while status != "sent" and loop.time() < deadline:
            await asyncio.sleep(0.1)
            row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
            status = row["status"]
        assert status == "sent"
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
