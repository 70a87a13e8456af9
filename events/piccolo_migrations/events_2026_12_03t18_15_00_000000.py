"""One head per delegation, kept by the database: a unique index on `delegate.delegation`
over the rows that are heads (a partial index; SQLite and PostgreSQL both have them, Piccolo
has no column option for one, hence raw SQL). Delegations that have several heads today keep
the first one added."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-03T18:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One head per delegation"

INDEX = "delegate_one_head"


async def _one_head() -> None:
    engine = engine_finder()
    # `(1 = 0)` is false on both engines (SQLite keeps booleans as 0 and 1).
    await engine.run_ddl(
        'UPDATE "delegate" SET "is_head" = (1 = 0) WHERE "is_head" AND "id" NOT IN '
        '(SELECT MIN("id") FROM "delegate" WHERE "is_head" GROUP BY "delegation")'
    )
    await engine.run_ddl(
        f'CREATE UNIQUE INDEX IF NOT EXISTS "{INDEX}" ON "delegate" ("delegation") '
        'WHERE "is_head"'
    )


async def _drop_index() -> None:
    await engine_finder().run_ddl(f'DROP INDEX IF EXISTS "{INDEX}"')


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    manager.add_raw(_one_head)
    manager.add_raw_backwards(_drop_index)
    return manager
