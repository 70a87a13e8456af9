"""Who may do what: one small policy used by every route and service.

A rule answers "may this viewer do `action` to this object?". Admins may do everything.
Domains register their own rules next to their services. Denials on a specific object are
404 (its existence is nobody else's business); denials of a whole area are 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException

from core.i18n import lazy_gettext
from core.tables import Role


@dataclass(frozen=True)
class Viewer:
    """The person behind a request or a job; anonymous when `id` is None."""

    id: int | None = None
    email: str = ""
    name: str = ""
    role: str = ""
    language: str = "zh"
    timezone: str = "Asia/Urumqi"
    organization_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.id is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def acts_for(self, organization_id: int | None) -> bool:
        return organization_id is not None and organization_id in self.organization_ids


ANONYMOUS = Viewer()

ROLE_LABELS = {
    Role.admin: lazy_gettext("Organizer"),
    Role.fao: lazy_gettext("Foreign-affairs office"),
    Role.coordinator: lazy_gettext("Coordinator"),
    Role.reviewer: lazy_gettext("Reviewer"),
    Role.member: lazy_gettext("Member"),
}


def role_labels() -> dict[str, str]:
    return {role.value: str(label) for role, label in ROLE_LABELS.items()}


Rule = Callable[[Viewer, Any], bool]
_rules: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(check: Rule) -> Rule:
        if action in _rules:
            raise ValueError(f"A rule for {action!r} is already registered")
        _rules[action] = check
        return check

    return register


def can(viewer: Viewer, action: str, obj: Any = None) -> bool:
    if not viewer.is_authenticated:
        return False
    if viewer.is_admin:
        return True
    check = _rules.get(action)
    return bool(check and check(viewer, obj))


def require(viewer: Viewer, action: str, obj: Any = None) -> None:
    """Raise the right refusal: sign in first, not here at all, or not yours to see."""
    if can(viewer, action, obj):
        return
    if not viewer.is_authenticated:
        raise NotAuthorizedException()
    if obj is not None:
        raise NotFoundException()
    raise PermissionDeniedException()


# --- core rules ---------------------------------------------------------------------------


@rule("organization.create")
def _create_organization(_viewer: Viewer, _obj: Any) -> bool:
    return False  # organizers only (admins pass every rule)


@rule("organization.edit")
def _edit_organization(viewer: Viewer, organization: Any) -> bool:
    return viewer.has_role(Role.coordinator) and viewer.acts_for(_id(organization))


@rule("organization.view_private")
def _view_organization_back_office(viewer: Viewer, organization: Any) -> bool:
    return viewer.has_role(Role.fao) or viewer.acts_for(_id(organization))


def _id(obj: Any) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get("id")
    return getattr(obj, "id", obj if isinstance(obj, int) else None)
