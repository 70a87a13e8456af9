"""Helpers shared by the tests of every package; no tests live here.

- `factories`: organizations, people and audit entries; acting as a browser would (CSRF,
  forms, signing in).
- `access_matrix`: rows of "who may open what", sending them, and the check that every
  guarded route has a row.
- `smtp`: a real SMTP server (aiosmtpd on 127.0.0.1) that keeps what it receives, with the
  app's mail pointed at it.
- `ports`: a free TCP port on 127.0.0.1.
- `live_server`: `hongshan serve` in a subprocess for browser journeys.
- `clock`: fixed moments for tests that must not depend on the wall clock.
"""
