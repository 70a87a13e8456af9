"""The public face of projects: /<lang>/projects/ (public projects by the countries of their
partners) and /<lang>/projects/<slug>/ (a project with its partners, images and timeline).
An internal project is a 404 for everyone but its team and the bureau."""

from __future__ import annotations

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from core.pagecache import PUBLIC_CACHE
from core.pages import viewer_of
from projects.services import public, vocabulary


@get("/projects/", opt=PUBLIC_CACHE)
async def project_list() -> Template:
    return Template(
        "projects/public/list.html",
        context={"groups": await public.by_country(), "labels": vocabulary.all_labels()},
    )


@get("/projects/{slug:str}/", opt=PUBLIC_CACHE)
async def project_detail(request: Request, slug: FromPath[str]) -> Template:
    found = await public.visible(viewer_of(request), slug)
    if found is None:
        raise NotFoundException()
    return Template(
        "projects/public/detail.html",
        context={
            "current": found,
            **await public.details(found),
            "labels": vocabulary.all_labels(),
        },
    )


pages = [project_list, project_detail]
