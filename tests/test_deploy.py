"""The deployment files in deploy/ name commands and options that really exist (no Docker or
systemd is needed to check that)."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml
from uvicorn.importer import import_from_string

from core.cli import build_parser

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UVICORN = str(Path(sys.executable).parent / "uvicorn")


def hongshan_commands() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)


def uvicorn_options(text: str) -> set[str]:
    return set(re.findall(r"(--[a-z-]+)", text.split("uvicorn", 1)[1]))


def test_compose_runs_postgres_redis_migrations_web_and_workers() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker"}
    assert services["migrate"]["command"] == ["hongshan", "migrate"]
    assert services["worker"]["command"] == ["hongshan", "worker"]
    for name in ("web", "worker"):
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully"
    web = " ".join(services["web"]["command"])
    assert "--workers" in web and "--no-proxy-headers" in web


def test_every_hongshan_command_in_deploy_exists() -> None:
    known = hongshan_commands()
    for path in [*DEPLOY.rglob("*.service"), DEPLOY / "compose.yaml", DEPLOY / "Containerfile"]:
        text = path.read_text()
        for command in re.findall(r"bin/hongshan\s+([a-z]+)|\"hongshan\", \"([a-z]+)\"", text):
            assert (command[0] or command[1]) in known, path.name


def test_the_web_command_is_an_app_factory_and_options_uvicorn_knows() -> None:
    assert callable(import_from_string("core.app:create_app"))
    help_text = subprocess.run(
        [UVICORN, "--help"], capture_output=True, text=True, check=True
    ).stdout
    for path in (DEPLOY / "compose.yaml", DEPLOY / "systemd" / "hongshan-web.service"):
        for option in uvicorn_options(path.read_text()):
            assert option in help_text, (path.name, option)


def test_systemd_units_parse_and_keep_data_private() -> None:
    units = sorted((DEPLOY / "systemd").glob("hongshan-*.service"))
    assert {u.name for u in units} >= {
        "hongshan-migrate.service",
        "hongshan-web.service",
        "hongshan-worker@.service",
        "hongshan-backup.service",
    }
    for unit in units:
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read_string(unit.read_text())
        service = parser["Service"]
        assert service["UMask"] == "0077", unit.name
        assert service["User"] == "hongshan", unit.name
        assert shlex.split(service["ExecStart"].replace("\\\n", " "))[0].startswith("/")
