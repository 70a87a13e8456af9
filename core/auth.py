"""Who is asking: the session cookie becomes `request.user`, a Viewer (anonymous by default)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from core import sessions
from core.access import ANONYMOUS, Viewer
from core.tables import Membership, User


async def load_viewer(user_id: int) -> Viewer | None:
    user = await User.select().where((User.id == user_id) & (User.is_active == True)).first()
    if user is None:
        return None
    memberships = await Membership.select(Membership.organization).where(Membership.user == user_id)
    return Viewer(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        role=user["role"],
        language=user["language"],
        timezone=user["timezone"],
        organization_ids=frozenset(row["organization"] for row in memberships),
    )


class SessionAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token = connection.cookies.get(sessions.cookie_name(), "")
        session = await sessions.load(token) if token else None
        viewer = await load_viewer(session.user_id) if session else None
        if viewer is None:
            return AuthenticationResult(user=ANONYMOUS, auth=None)
        return AuthenticationResult(user=viewer, auth=session)
