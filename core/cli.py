"""The `hongshan` command: serve, worker, migrate, demo, createuser, backup, restore, i18n."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from core import i18n_catalogs
from core.datafiles import PRIVATE_UMASK
from core.log import configure_logging
from core.settings import get_settings

log = logging.getLogger("hongshan")


def _raise_system_exit(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def _embedded_redis_or_configured() -> tuple[str, Any]:
    """The configured Redis, or a freshly started embedded server (returned for stopping)."""
    settings = get_settings()
    if settings.redis_url:
        return settings.redis_url, None
    from core.redis_server import EmbeddedRedis

    server = EmbeddedRedis(settings.redis_socket)
    return server.start(), server


async def _migrate() -> None:
    from core.migrations import migrate

    await migrate()


def server_config(app: Any, host: str, port: int) -> Any:
    """uvicorn's settings. It reads no forwarded headers itself: its `proxy_headers` believes
    them from any peer its allow-list admits; the app does that against
    HONGSHAN_TRUSTED_PROXIES instead (core.proxies)."""
    import uvicorn

    return uvicorn.Config(
        app, host=host, port=port, log_config=None, proxy_headers=False, server_header=False
    )


async def _serve(host: str, port: int, redis_url: str, demo: bool) -> None:
    import uvicorn

    from core import jobqueue
    from core.app import create_app

    await _prepare(demo)
    server = uvicorn.Server(server_config(create_app(redis_url), host, port))
    worker_task = asyncio.create_task(jobqueue.run_worker(redis_url))
    try:
        await server.serve()
    finally:
        worker_task.cancel()
        await asyncio.gather(worker_task, return_exceptions=True)


def _serve_processes(args: argparse.Namespace, redis_url: str) -> None:
    """Several web processes on one socket (uvicorn's supervisor restarts any that dies), the
    embedded Redis and one job worker process shared by all of them."""
    import uvicorn

    asyncio.run(_prepare(args.demo))
    os.environ["HONGSHAN_REDIS_URL"] = redis_url  # the web processes and the worker inherit it
    get_settings.cache_clear()
    worker = subprocess.Popen([sys.executable, "-m", "core.cli", "worker"])
    try:
        uvicorn.run(
            "core.app:create_app",
            factory=True,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_config=None,
            proxy_headers=False,
            server_header=False,
            # A busy machine can take longer than uvicorn's 5 s to start a process.
            timeout_worker_healthcheck=60,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=15)


async def _prepare(demo: bool) -> None:
    await _migrate()
    if demo:
        from core.demo import load_demo

        await load_demo()


def cmd_serve(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if args.demo:
        os.environ["HONGSHAN_DEMO"] = "true"
        get_settings.cache_clear()
    settings = get_settings()
    configure_logging(settings.log_level)
    signal.signal(signal.SIGTERM, _raise_system_exit)
    redis_url, embedded = _embedded_redis_or_configured()
    log.info(
        "starting",
        extra={
            "url": f"http://{args.host}:{args.port}",
            "data_dir": str(settings.data_dir),
            "startup_s": round(time.perf_counter() - started, 3),
        },
    )
    try:
        if args.workers > 1:
            _serve_processes(args, redis_url)
        else:
            asyncio.run(_serve(args.host, args.port, redis_url, args.demo))
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        # A terminal's Ctrl-C may arrive twice (from the shell and from `uv run`); let the
        # server flush its data to disk undisturbed.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if embedded is not None:
            embedded.stop()
    return 0


def cmd_worker(_args: argparse.Namespace) -> int:
    from core import jobqueue
    from core.redis_server import answers_ping

    settings = get_settings()
    configure_logging(settings.log_level)
    url = settings.redis_url
    if url is None and answers_ping(settings.redis_socket):
        url = f"unix://{settings.redis_socket}"
    if url is None:
        print("No Redis: set HONGSHAN_REDIS_URL or run `hongshan serve` first.", file=sys.stderr)
        return 2

    async def run() -> None:
        from core import db

        await db.start_pool()
        worker = jobqueue.create_worker(url)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(worker.close()))
        try:
            await worker.async_run()
        except asyncio.CancelledError:
            pass
        finally:
            await db.close_pool()

    asyncio.run(run())
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    configure_logging(get_settings().log_level)
    asyncio.run(_migrate())
    return 0


def cmd_demo(_args: argparse.Namespace) -> int:
    from core.demo import load_demo

    configure_logging(get_settings().log_level)

    async def run() -> None:
        await _migrate()
        await load_demo()

    asyncio.run(run())
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    """Create an account and print a link to set its password (or set it from a prompt)."""
    import getpass

    from core.accounts import create_user
    from core.errors import ValidationFailed
    from core.tables import Organization

    configure_logging(get_settings().log_level)
    password = getpass.getpass("Password (empty: none yet): ") if args.password_prompt else None

    async def run() -> int:
        await _migrate()
        organization_id = None
        if args.org:
            row = (
                await Organization.select(Organization.id)
                .where(Organization.slug == args.org)
                .first()
            )
            if row is None:
                print(f"No organization with the short name {args.org!r}.", file=sys.stderr)
                return 2
            organization_id = row["id"]
        try:
            user_id = await create_user(
                args.email,
                role=args.role,
                name=args.name,
                language=args.language,
                password=password or None,
                organization_id=organization_id,
            )
        except ValidationFailed as error:
            for field, message in error.errors.items():
                print(f"{field or 'error'}: {message}", file=sys.stderr)
            return 2
        print(f"Created {args.email} ({args.role}), id {user_id}.")
        return 0

    return asyncio.run(run())


def cmd_archive(args: argparse.Namespace) -> int:
    """`backup PATH` or `restore PATH` (core.backup), with a one-line report."""
    from pathlib import Path

    from core import backup

    settings = get_settings()
    configure_logging(settings.log_level)
    started = time.perf_counter()
    operation = backup.backup if args.command == "backup" else backup.restore
    try:
        summary = operation(settings, Path(args.path))
    except backup.BackupError as error:
        print(error, file=sys.stderr)
        return 2
    what = f"the {summary.database} database, {summary.files} uploaded files and the secret key"
    if args.command == "backup":
        print(
            f"Wrote {args.path}: {what}; {summary.size_bytes / 1_048_576:.1f} MiB in "
            f"{time.perf_counter() - started:.1f} s. Keep it as safe as the secret key."
        )
    else:
        print(
            f"Restored {what} into {settings.data_dir}. Where HONGSHAN_SECRET_KEY is set, it "
            "wins over the restored key file: set it to the backed-up site's key."
        )
    return 0


def cmd_i18n(args: argparse.Namespace) -> int:
    return i18n_catalogs.run(args.action)


def cmd_feeds(args: argparse.Namespace) -> int:
    from core.feeds import cli as feeds_cli

    configure_logging(get_settings().log_level)
    return feeds_cli.run(args)


def cmd_search(_args: argparse.Namespace) -> int:
    from core.search.index import reindex_all

    configure_logging(get_settings().log_level)

    async def run() -> int:
        await _migrate()
        written = await reindex_all()
        print(f"Indexed {written} entries.")
        return 0

    return asyncio.run(run())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hongshan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> Any:
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        return sub

    serve = add("serve", cmd_serve, "run the site and an in-process worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load demo content once")
    serve.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="web processes (default: the machine's cores); 1 runs the job worker in-process",
    )
    add("worker", cmd_worker, "run a standalone job worker")
    add("migrate", cmd_migrate, "apply database migrations")
    add("demo", cmd_demo, "load demo content (once)")
    create = add("createuser", cmd_createuser, "create an account")
    create.add_argument("email")
    create.add_argument(
        "--role", required=True, choices=["admin", "fao", "coordinator", "reviewer", "member"]
    )
    create.add_argument("--org", help="short name (slug) of the organization the person acts for")
    create.add_argument("--name", default="")
    create.add_argument("--language", default="zh", choices=["zh", "ru", "kk", "en"])
    create.add_argument(
        "--password",
        dest="password_prompt",
        action="store_true",
        help="prompt for a password (otherwise use `Forgot your password?` to set one)",
    )
    backup = add("backup", cmd_archive, "write one archive: database, uploads, secret key")
    backup.add_argument("path", help="the archive to write (.tar.gz)")
    restore = add("restore", cmd_archive, "restore an archive into an empty database")
    restore.add_argument("path", help="an archive written by `hongshan backup`")
    i18n = add("i18n", cmd_i18n, "translation catalogs")
    i18n.add_argument("action", choices=i18n_catalogs.ACTIONS)
    from core.feeds import cli as feeds_cli

    feeds_cli.configure(add("feeds", cmd_feeds, "partner news and calendar feeds"))
    search = add("search", cmd_search, "the search index")
    search.add_argument("action", choices=["reindex"], help="rebuild the index from all content")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Everything the commands create (database, mail, uploads, backups, Redis data) is
    # private to the account that runs the site.
    os.umask(PRIVATE_UMASK)
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
