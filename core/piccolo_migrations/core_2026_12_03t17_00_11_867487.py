"""Audit entries outlive their author: the actor link is set to null when the account is
deleted, and the actor's name and address are kept as text (filled in for older entries).

SQLite cannot change a foreign key in place, so there the table is rebuilt with the new rule
(the documented twelve-step way); PostgreSQL swaps the constraint as Piccolo does.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T17:00:11:867487"
VERSION = "1.38.0"
DESCRIPTION = "Keep audit entries when their author is deleted"

_CASCADE = 'REFERENCES "account" ("id") ON DELETE CASCADE'
_SET_NULL = 'REFERENCES "account" ("id") ON DELETE SET NULL'


async def _rebuild_sqlite_audit_table(old_rule: str, new_rule: str) -> None:
    engine = engine_finder()
    rows = await engine.run_ddl(
        "SELECT type, name, sql FROM sqlite_master "
        "WHERE tbl_name = 'audit_entry' AND sql IS NOT NULL"
    )
    table_sql = next(row["sql"] for row in rows if row["type"] == "table")
    if old_rule not in table_sql:
        return
    index_sql = [row["sql"] for row in rows if row["type"] == "index"]
    new_sql = table_sql.replace('"audit_entry"', '"audit_entry_rebuilt"', 1)
    await engine.run_ddl(new_sql.replace(old_rule, new_rule))
    await engine.run_ddl('INSERT INTO "audit_entry_rebuilt" SELECT * FROM "audit_entry"')
    await engine.run_ddl('DROP TABLE "audit_entry"')
    await engine.run_ddl('ALTER TABLE "audit_entry_rebuilt" RENAME TO "audit_entry"')
    for sql in index_sql:
        await engine.run_ddl(sql)


async def _copy_actor_names() -> None:
    await engine_finder().run_ddl(
        'UPDATE "audit_entry" SET '
        '"actor_name" = (SELECT "name" FROM "account" WHERE "account"."id" = "audit_entry"."actor"), '
        '"actor_email" = (SELECT "email" FROM "account" WHERE "account"."id" = "audit_entry"."actor") '
        'WHERE "actor" IS NOT NULL'
    )


class _AuditActorMigration(MigrationManager):
    async def _run_alter_columns(self, backwards: bool = False) -> None:
        if engine_finder().engine_type != "sqlite":
            await super()._run_alter_columns(backwards=backwards)
        elif backwards:
            await _rebuild_sqlite_audit_table(_SET_NULL, _CASCADE)
        else:
            await _rebuild_sqlite_audit_table(_CASCADE, _SET_NULL)
        if not backwards:
            await _copy_actor_names()


async def forwards():
    manager = _AuditActorMigration(
        migration_id=ID, app_name="core", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="AuditEntry",
        tablename="audit_entry",
        column_name="actor_email",
        db_column_name="actor_email",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 254,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="AuditEntry",
        tablename="audit_entry",
        column_name="actor_name",
        db_column_name="actor_name",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 200,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="AuditEntry",
        tablename="audit_entry",
        column_name="actor",
        db_column_name="actor",
        params={"on_delete": OnDelete.set_null},
        old_params={"on_delete": OnDelete.cascade},
        column_class=ForeignKey,
        old_column_class=ForeignKey,
        schema=None,
    )

    return manager
