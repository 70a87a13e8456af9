"""What projects give search: joint-lab projects, found by everybody when public, otherwise by
organizers and the project's own team."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, time
from typing import Any

from core.content import Translated, json_value
from core.hooks import SearchDocument, SearchKind
from core.i18n import N_
from core.search import index
from projects.tables import Project, TeamMember

KINDS = (SearchKind("project", N_("Projects"), order=40),)


def project_document(project: dict[str, Any], team: list[int]) -> SearchDocument:
    name = Translated.load(json_value(project["name"]))
    summary = Translated.load(json_value(project["summary"]))
    description = Translated.load(json_value(project["description"]))
    languages = set(name.text) | set(summary.text) | set(description.text)
    public = bool(project["is_public"])
    return SearchDocument(
        kind="project",
        object_id=project["id"],
        path=f"projects/{project['slug']}/" if public else f"account/projects/{project['slug']}/",
        title=dict(name.text),
        body={
            lang: f"{summary.show(lang).text} {description.show(lang).text}".strip()
            for lang in languages
        },
        public=public,
        readers=tuple(f"user:{user_id}" for user_id in team),
        sort_at=datetime.combine(project["starts_on"], time(), tzinfo=UTC),
        aliases=project["slug"],
    )


async def _documents(projects: list[dict[str, Any]]) -> list[SearchDocument]:
    ids = [project["id"] for project in projects] or [0]
    teams: dict[int, list[int]] = {}
    for row in await TeamMember.select(TeamMember.project, TeamMember.user).where(
        TeamMember.project.is_in(ids)
    ):
        teams.setdefault(row["project"], []).append(row["user"])
    return [project_document(project, teams.get(project["id"], [])) for project in projects]


def _projects() -> Any:
    return Project.select(
        Project.id,
        Project.slug,
        Project.name,
        Project.summary,
        Project.description,
        Project.is_public,
        Project.starts_on,
    )


async def documents() -> AsyncIterator[SearchDocument]:
    for document in await _documents(await _projects()):
        yield document


async def projects_changed(project_ids: Iterable[int]) -> None:
    ids = list(project_ids)
    documents = await _documents(await _projects().where(Project.id.is_in(ids or [0])))
    await index.replace([f"project:{project_id}" for project_id in ids], documents)


async def project_changed(project_id: int) -> None:
    await projects_changed([project_id])
