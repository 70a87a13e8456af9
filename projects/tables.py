"""Tables of `projects`."""
