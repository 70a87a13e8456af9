"""Helpers shared by the tests of every package; no tests live here.

- `factories`: organizations, people and audit entries; acting as a browser would (CSRF,
  forms, signing in).
- `app`: the app's lifespan held open on the test's loop, and browser-like clients.
- `database`: emptying every table, a snapshot of every row, and putting rows back.
- `access_matrix`: rows of "who may open what", checking them for every role against a world
  built once per module, and the check that every guarded route has a row.
- `smtp`: a real SMTP server (aiosmtpd on 127.0.0.1) that keeps what it receives, with the
  app's mail pointed at it.
- `ports`: a free TCP port on 127.0.0.1.
- `live_server`: `hongshan serve` in a subprocess for browser journeys.
- `clock`: the suite's fixed starting moment, so no test depends on when it runs.
"""
