"""The test database as a whole: emptying it, taking every row, and putting rows back."""

from __future__ import annotations

from typing import Any

from piccolo.conf.apps import Finder
from piccolo.table import Table, sort_table_classes

from core import db
from core.settings import get_settings

Snapshot = dict[str, list[dict[str, Any]]]


def tables() -> list[type[Table]]:
    """Every table, parents before the tables that point at them."""
    return sort_table_classes(Finder().get_table_classes())


async def empty_tables() -> None:
    """Delete every row. Only tables that hold rows are emptied: truncating dozens of empty
    tables per test dominated the PostgreSQL run."""
    engine = db.engine()
    probes = " UNION ALL ".join(
        f"SELECT '{name}' AS name WHERE EXISTS (SELECT 1 FROM \"{name}\")"
        for name in (table._meta.tablename for table in tables())
    )
    used = [row["name"] for row in await engine.run_ddl(probes)]
    if used and get_settings().is_sqlite:
        for name in used:  # foreign keys cascade, so the order does not matter
            await engine.run_ddl(f'DELETE FROM "{name}"')
    elif used:
        quoted = ", ".join(f'"{name}"' for name in used)
        await engine.run_ddl(f"TRUNCATE {quoted} CASCADE")


async def snapshot() -> Snapshot:
    """Every row of every table, read in one transaction (one connection on SQLite)."""
    async with db.engine().transaction():
        return {
            table._meta.tablename: await table.select().order_by(table._meta.primary_key)
            for table in tables()
        }


async def restore(wanted: Snapshot) -> None:
    """Put the database back as `wanted` had it: rows added since are deleted (children
    first), rows removed are inserted again (parents first) and changed rows updated."""
    current = await snapshot()
    ordered = tables()
    async with db.write_transaction():
        for table in reversed(ordered):
            name, key = table._meta.tablename, table._meta.primary_key
            keep = {row[key._meta.name] for row in wanted[name]}
            extra = [row[key._meta.name] for row in current[name]]
            extra = [value for value in extra if value not in keep]
            if extra:
                await table.delete().where(key.is_in(extra))
        for table in ordered:
            await _put_back(table, wanted[table._meta.tablename], current[table._meta.tablename])


async def _put_back(table: type[Table], wanted: list[dict], current: list[dict]) -> None:
    key = table._meta.primary_key
    # Rows are keyed by the columns' names in the database (`campaign_id` for `campaign`).
    columns = {column._meta.db_column_name: column for column in table._meta.columns}
    now = {row[key._meta.name]: row for row in current}
    for row in wanted:
        found = now.get(row[key._meta.name])
        if found is None:
            await table.insert(table(**{columns[k]._meta.name: v for k, v in row.items()}))
        elif found != row:
            changed = {
                columns[column]: value
                for column, value in row.items()
                if column != key._meta.name and found[column] != value
            }
            await table.update(changed).where(key == row[key._meta.name])


def differences(wanted: Snapshot, found: Snapshot) -> list[str]:
    """What differs between two snapshots, row by row, for a readable failure."""
    lines = []
    for name, rows in wanted.items():
        if rows == found[name]:
            continue
        keys = {row["id"]: row for row in found[name]}
        for row in rows:
            other = keys.pop(row["id"], None)
            if other is None:
                lines.append(f"{name} {row['id']} missing")
            elif other != row:
                changed = {k: (v, other[k]) for k, v in row.items() if other[k] != v}
                lines.append(f"{name} {row['id']} {changed}")
        lines.extend(f"{name} {key} added" for key in keys)
    return lines
