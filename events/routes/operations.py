"""Event pages: operations."""

pages: list[object] = []
api: list[object] = []
routes: list[object] = []
