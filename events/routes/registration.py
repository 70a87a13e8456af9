"""Event pages: registration."""

pages: list[object] = []
api: list[object] = []
routes: list[object] = []
