"""Tables of `events`."""
