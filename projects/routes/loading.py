"""What every project page needs from a request: the project as this viewer meets it (or a
404), the uploaded files as plain values, and ids from the form."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException

from core.access import require
from core.pages import viewer_of
from projects.services import projects, reports
from projects.services.forms import Upload
from projects.services.projects import ProjectScope


async def project_scope(request: Request, slug: str, action: str) -> ProjectScope:
    """The project with the viewer's team role, after checking `action` (404 for those who
    may not see it: its existence is nobody else's business)."""
    viewer = viewer_of(request)
    found = await projects.scope(viewer, slug)
    if found is None:
        raise NotFoundException()
    require(viewer, action, found)
    return found


async def report_or_404(current: ProjectScope, period: str) -> dict[str, Any]:
    report = await reports.get(current, period)
    if report is None and reports.parse_period(period) is not None:
        await reports.ensure_reports(current.project)
        report = await reports.get(current, period)
    if report is None:
        raise NotFoundException()
    return report


async def uploads(request: Request, name: str) -> list[Upload]:
    form = await request.form()
    found = []
    for item in form.getall(name, []):
        if isinstance(item, UploadFile) and item.filename:
            found.append(Upload(name=item.filename, content=await item.read()))
    return found


async def image_upload(request: Request, name: str) -> bytes | None:
    form = await request.form()
    item = form.get(name)
    if isinstance(item, UploadFile) and item.filename:
        return await item.read()
    return None


async def int_list(request: Request, name: str) -> list[int]:
    form = await request.form()
    values = []
    for raw in form.getall(name, []):
        if isinstance(raw, str) and raw.strip().isdigit():
            values.append(int(raw))
    return values


async def str_list(request: Request, name: str) -> list[str]:
    form = await request.form()
    return [str(v).strip() for v in form.getall(name, []) if isinstance(v, str) and v.strip()]
