"""The yardstick for bench/pages.py: a bare Litestar + Jinja2 page listing 20 rows read from
a SQLite file on every request, served by uvicorn in one process — what this stack does with
no sessions, translations or middleware. Run as `python bench/bare_page.py PORT DB_PATH`."""

from __future__ import annotations

import sqlite3
import sys

import uvicorn
from jinja2 import Environment
from litestar import Litestar, MediaType, get

PAGE = Environment(autoescape=True).from_string(
    "<!doctype html><html lang=en><title>Rows</title><ul>"
    "{% for id, name in rows %}<li>{{ id }}: {{ name }}</li>{% endfor %}</ul>"
)


def make_app(db_path: str) -> Litestar:
    with sqlite3.connect(db_path) as setup:
        setup.execute("CREATE TABLE IF NOT EXISTS row (id INTEGER PRIMARY KEY, name TEXT)")
        if not setup.execute("SELECT count(*) FROM row").fetchone()[0]:
            setup.executemany(
                "INSERT INTO row (name) VALUES (?)", [(f"row {n}",) for n in range(20)]
            )

    @get("/", media_type=MediaType.HTML)
    async def rows() -> str:
        with sqlite3.connect(db_path) as connection:
            found = connection.execute("SELECT id, name FROM row ORDER BY id LIMIT 20").fetchall()
        return PAGE.render(rows=found)

    return Litestar([rows])


if __name__ == "__main__":
    uvicorn.run(make_app(sys.argv[2]), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
