"""Logging on stderr: readable lines on a terminal (what happened, then its data), one JSON
object per line otherwise or when asked (HONGSHAN_LOG_FORMAT=json), for log shippers."""

from __future__ import annotations

import json
import logging
import logging.config
import sys
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else was passed through `extra=` and is data.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Libraries that narrate their work at INFO (fontTools logs hundreds of lines per subset font).
QUIET_LIBRARIES = ("fontTools", "fpdf", "httpx", "httpcore", "asyncio", "aiosmtplib")


def _data(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_data(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class ReadableFormatter(logging.Formatter):
    """`12:04:05 info  starting  url=http://127.0.0.1:8000 …` — for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        data = " ".join(f"{k}={v}" for k, v in _data(record).items())
        line = f"{moment} {record.levelname.lower():<7} {record.getMessage()}"
        line = f"{line}  {data}" if data else line
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def _formatter() -> str:
    from core.settings import get_settings

    wanted = get_settings().log_format
    if wanted in ("json", "text"):
        return wanted
    return "text" if sys.stderr.isatty() else "json"


def configure_logging(level: str = "INFO") -> None:
    quiet = {name: {"level": "WARNING"} for name in QUIET_LIBRARIES}
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": JsonFormatter}, "text": {"()": ReadableFormatter}},
            "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": _formatter()}},
            "root": {"handlers": ["stderr"], "level": level},
            "loggers": {
                "uvicorn": {"level": level},
                "uvicorn.access": {"level": level},
                "arq": {"level": level},
                **quiet,
            },
        }
    )
