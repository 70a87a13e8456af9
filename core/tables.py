"""Tables of `core`."""
