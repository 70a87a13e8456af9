"""Apply every domain's Piccolo migrations, in dependency order."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards


async def migrate() -> None:
    # Piccolo prints progress to stdout; the CLI stays quiet unless something fails.
    with contextlib.redirect_stdout(io.StringIO()) as output:
        result = await run_forwards("all")
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}\n{output.getvalue()}")
