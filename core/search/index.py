"""Keeping the index in step: a domain's service calls `replace` with an object's documents
after changing it (or `remove`), and `reindex_all` rebuilds everything from the domains'
`search_documents` hooks (the `hongshan search reindex` command and the demo loader)."""

from __future__ import annotations

from collections.abc import Iterable

from piccolo.table import Table

from core.db import write_transaction
from core.domains import load_domains
from core.hooks import SearchDocument
from core.search.text import fold, index_text
from core.tables import SearchEntry

BODY_CHARS = 4000  # enough for every summary; long descriptions are cut, not dropped
BATCH = 500


def _rows(document: SearchDocument) -> list[SearchEntry]:
    readers = f" {' '.join(document.readers)} " if document.readers else ""
    fallback_title = next(iter(document.title.values()), "")
    rows = []
    for lang in document.languages():
        title = document.title.get(lang) or fallback_title
        body = (document.body.get(lang) or "")[:BODY_CHARS]
        rows.append(
            SearchEntry(
                object_key=document.key,
                kind=document.kind,
                object_id=str(document.object_id),
                language=lang,
                path=document.path,
                title=title,
                body=body,
                title_key=fold(title),
                terms=index_text(title, body, document.aliases),
                is_public=document.public,
                readers=readers,
                sort_at=document.sort_at,
            )
        )
    return rows


async def _insert(documents: Iterable[SearchDocument]) -> int:
    rows = [row for document in documents for row in _rows(document)]
    for start in range(0, len(rows), BATCH):
        await SearchEntry.insert(*rows[start : start + BATCH])
    return len(rows)


async def replace(keys: Iterable[str], documents: Iterable[SearchDocument]) -> int:
    """Index `documents` in place of whatever was indexed under `keys` ("<kind>:<id>"):
    an object that is gone or hidden simply has no document any more. Returns the rows
    written."""
    keys = list(keys)
    async with write_transaction():
        if keys:
            await SearchEntry.delete().where(SearchEntry.object_key.is_in(keys))
        return await _insert(documents)


async def remove(*keys: str) -> None:
    if keys:
        await SearchEntry.delete().where(SearchEntry.object_key.is_in(list(keys)))


async def forget_missing(kind: str, table: type[Table]) -> None:
    """Drop the documents of `kind` whose row in `table` is gone."""
    indexed = await SearchEntry.select(SearchEntry.object_id).where(SearchEntry.kind == kind)
    present = {str(row["id"]) for row in await table.select(table._meta.primary_key.as_alias("id"))}
    gone = {row["object_id"] for row in indexed} - present
    await remove(*(f"{kind}:{object_id}" for object_id in gone))


async def reindex_all() -> int:
    """Rebuild the whole index from every domain; returns the number of rows written."""
    written = 0
    async with write_transaction():
        await SearchEntry.delete(force=True)
        for domain in load_domains():
            if domain.search_documents is None:
                continue
            batch: list[SearchDocument] = []
            async for document in domain.search_documents():
                batch.append(document)
                if len(batch) >= BATCH:
                    written += await _insert(batch)
                    batch = []
            written += await _insert(batch)
    return written
