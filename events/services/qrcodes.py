"""QR images of personal check-in codes, for the registrant's page and the confirmation mail."""

from __future__ import annotations

import io

import segno

# Large enough modules to scan from a phone screen or a cheap print-out; the quiet zone is
# the four modules the standard asks for.
SCALE = 8
BORDER = 4


def qr_png(code: str, *, scale: int = SCALE) -> bytes:
    """A PNG of `code` as a QR symbol (medium error correction, never a Micro QR)."""
    symbol = segno.make(code, error="m", micro=False)
    buffer = io.BytesIO()
    symbol.save(buffer, kind="png", scale=scale, border=BORDER)
    return buffer.getvalue()
