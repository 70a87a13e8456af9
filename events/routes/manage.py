"""Event pages: manage."""

pages: list[object] = []
api: list[object] = []
routes: list[object] = []
