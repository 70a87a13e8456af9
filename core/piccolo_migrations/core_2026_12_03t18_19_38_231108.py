"""The trigram index beside search_entry: an FTS5 table kept in step by triggers on SQLite,
a pg_trgm GIN index on PostgreSQL. Written by hand: Piccolo does not know either."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-03T18:19:38:231108"
VERSION = "1.38.0"
DESCRIPTION = "Trigram search over search_entry.terms"

SQLITE_FORWARDS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "terms, content='search_entry', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END",
)
SQLITE_BACKWARDS = (
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_fts",
)
POSTGRES_FORWARDS = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_entry_terms_trgm ON search_entry USING gin (terms gin_trgm_ops)",
)
POSTGRES_BACKWARDS = ("DROP INDEX IF EXISTS search_entry_terms_trgm",)


async def _run(sqlite: tuple[str, ...], postgres: tuple[str, ...]) -> None:
    engine = engine_finder()
    statements = sqlite if isinstance(engine, SQLiteEngine) else postgres
    for statement in statements:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def run():
        await _run(SQLITE_FORWARDS, POSTGRES_FORWARDS)

    async def run_backwards():
        await _run(SQLITE_BACKWARDS, POSTGRES_BACKWARDS)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
