"""Paging, sorting and searching for lists: every list page uses the same Page and rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from piccolo.columns import Column
from piccolo.query import Select

PER_PAGE = 25


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def parse_page(raw: str | int | None) -> int:
    try:
        return max(1, int(raw or 1))
    except (TypeError, ValueError):
        return 1


def order(query: Select, sort: str, columns: dict[str, Column], default: str) -> tuple[Select, str]:
    """Apply `sort` ("name" or "-name") if it names an allowed column, else the default."""
    key = sort if sort.lstrip("-") in columns else default
    return query.order_by(columns[key.lstrip("-")], ascending=not key.startswith("-")), key


def query_string(values: dict[str, str]) -> str:
    """`a=1&b=2&` for the non-empty values: ready for pager and sort links to extend."""
    shown = {key: value for key, value in values.items() if value}
    return urlencode(shown) + "&" if shown else ""


def contains(column: Column, text: str) -> Any:
    """A case-insensitive "contains" filter for a list's search box."""
    # ILIKE is PostgreSQL's; SQLite's LIKE already ignores (ASCII) case.
    pattern = f"%{text}%"
    if column._meta.table._meta.db.engine_type == "sqlite":
        return column.like(pattern)
    return column.ilike(pattern)


async def paginate(query: Select, count_query: Any, number: int, per_page: int = PER_PAGE) -> Page:
    total = await count_query
    last = max(1, math.ceil(total / per_page))
    number = min(number, last)
    items = await query.limit(per_page).offset((number - 1) * per_page)
    return Page(items=items, number=number, per_page=per_page, total=total)
