"""Project images by their stored names: anyone may see a public project's images, only the
team and organizers an internal one's."""

from __future__ import annotations

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File

from core.pages import viewer_of
from core.uploads import stored_path
from projects.services import projects

# Stored names end in the extension of their sniffed format (core.uploads.store_image).
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}


@get("/media/project-images/{name:str}", include_in_schema=False)
async def project_image(request: Request, name: FromPath[str]) -> File:
    path = stored_path(projects.IMAGE_FOLDER, name)
    if path is None or path.suffix not in _IMAGE_TYPES:
        raise NotFoundException()
    found = await projects.image_for(viewer_of(request), name)
    if found is None:
        raise NotFoundException()
    return File(
        path,
        media_type=_IMAGE_TYPES[path.suffix],
        content_disposition_type="inline",
        headers={
            "Cache-Control": "public, max-age=86400" if found["is_public"] else "private, no-store",
            "Content-Security-Policy": "default-src 'none'",
        },
    )


routes = [project_image]
