"""The rules of events, as plain async functions called by routes, jobs and the CLI."""
