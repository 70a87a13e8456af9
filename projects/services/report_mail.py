"""Mail about progress reports to the bureau: its reviewers hear of every submitted version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core import outbox
from core.access import Viewer
from core.content import plain_text
from core.i18n import LANGUAGES, language
from core.tables import Role, User
from projects.services.projects import ProjectScope


async def reviewers() -> list[dict[str, Any]]:
    """The bureau's people who review reports: its active organizers."""
    return (
        await User.select(User.id, User.email, User.name, User.language)
        .where((User.role == Role.admin.value) & (User.is_active == True))
        .order_by(User.id)
    )


async def submitted(
    current: ProjectScope,
    report: dict[str, Any],
    number: int,
    actor: Viewer,
    period_label: Callable[[str], str],
) -> None:
    """Tell every reviewer, in their language, once per submitted version (call it inside the
    transaction that submits)."""
    for person in await reviewers():
        lang = person["language"] if person["language"] in LANGUAGES else "en"
        with language(lang):
            label = period_label(report["period"])
        await outbox.queue_mail(
            key=f"report-submitted:{report['id']}:{number}:{person['id']}",
            recipient=person["email"],
            language=lang,
            template="project_report_submitted",
            context={
                "name": person["name"],
                "submitter": actor.name or actor.email,
                "project": plain_text(current.project["name"], lang),
                "period": label,
                "version": number,
                "link": f"/{lang}/manage/projects/{current.slug}/reports/{report['period']}/",
            },
        )
