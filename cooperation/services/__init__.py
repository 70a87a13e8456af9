"""The cooperation board's rules; each module is one service (see the package docstring)."""
