"""One fixed starting moment for the whole suite, so no test depends on when it runs.

The clock starts at `SUITE_START` when the test process starts and then runs on as usual
(`tick=True`: timeouts, backoffs and expiries still pass). A suite of a few hours never
crosses a day boundary in UTC, Urumqi (UTC+6), Beijing (UTC+8) or Central Asia (UTC+5..6),
and tests that build "in thirty days" build the same day at the same hour every time.
Browser journeys talk to servers in other processes, which keep the real clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

SUITE_START = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # 09:00 in Urumqi, 11:00 in Beijing

_traveller = time_machine.travel(SUITE_START, tick=True)


def start() -> None:
    _traveller.start()


def stop() -> None:
    _traveller.stop()
