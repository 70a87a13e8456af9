"""Partner feeds: fetching partner news and calendars (RSS, Atom, JSON Feed, iCalendar) safely,
keeping them in FeedSource/FeedItem rows, and publishing Hongshan's news as feeds.

Rooms: `guard` (which addresses may be fetched), `fetch` (one bounded HTTP fetch), `parse`
(bytes → items), `sanitize` (feed HTML → safe HTML), `sync` (the service the worker, the
back office and the CLI call), `sources` (adding and editing sources, with access rules),
`queries` (what the public pages read), `publish` (our Atom and JSON Feed), `jobs` (arq).
"""
