"""Event pages: public."""

pages: list[object] = []
api: list[object] = []
routes: list[object] = []
