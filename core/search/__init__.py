"""Search across every domain in four languages, on one index table (SearchEntry) with a
trigram index: SQLite FTS5 (trigram tokenizer) embedded, pg_trgm on PostgreSQL.

Domains hand over documents (core.hooks) through their `search_documents` hook.
Rooms: `text` (how text becomes searchable: folding, Chinese bigrams, Latin spellings of
Cyrillic, Russian and Kazakh endings), `index` (keeping the index in step), `queries`
(finding, grouped by kind, within what the reader may see), `presenting` and `snippets`
(labels, addresses, escaped passages with the hits marked), `schemas` (the API's JSON),
`partners` (the core's own documents: partner organizations and their news).
"""
