"""The board's read API under /api/v1/cooperation/: published demands and offers, and the
current cooperation guides. Nothing unpublished and no contact details ever appear here."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath, QueryParameter

from cooperation import schemas
from cooperation.services import guides, public
from cooperation.tables import Profile, ProfileStatus
from core.vocabulary import field_labels

_LANG_DOC = (
    "Language of translated fields. A field missing in it falls back to the text's source "
    "language, then English, then Chinese, and says so (`fallback: true`)."
)
Lang = Annotated[schemas.Language, QueryParameter(name="lang", description=_LANG_DOC)]


class CooperationApi(Controller):
    path = "/cooperation"
    tags = ["cooperation"]

    @get(
        "/profiles",
        summary="List published technology demands and offers",
        description="Newest first; filter by kind, field, country and city.",
        responses={
            200: ResponseSpec(
                data_container=schemas.ProfileList,
                description="One page of published demands and offers.",
                generate_examples=False,
                examples=[Example(summary="A page with one offer", value=schemas.EXAMPLE_LIST)],
            )
        },
    )
    async def profiles(
        self,
        lang: Lang = "en",
        kind: Annotated[
            Literal["demand", "offer"] | None, QueryParameter(description="Only this kind.")
        ] = None,
        field: Annotated[str | None, QueryParameter(description="A field key.")] = None,
        country: Annotated[str | None, QueryParameter(description="ISO 3166-1 alpha-2.")] = None,
        city: Annotated[str | None, QueryParameter(description="A city key.")] = None,
        page: Annotated[int, QueryParameter(ge=1, description="Page number.")] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=100, description="Items per page.")] = 20,
    ) -> schemas.ProfileList:
        raw = {
            "kind": kind or "",
            "field": field or "",
            "country": country or "",
            "city": city or "",
        }
        filters = public.Filters.parse(raw, field_labels())
        listing = await public.listing(filters, page, per_page)
        return schemas.ProfileList(
            items=[schemas.summary(row, lang) for row in listing.items],
            page=listing.number,
            per_page=listing.per_page,
            total=listing.total,
            pages=listing.pages,
        )

    @get(
        "/profiles/{profile_id:int}",
        summary="One published demand or offer",
        responses={
            200: ResponseSpec(
                data_container=schemas.ProfileDetail,
                description="The profile, without contact details.",
                generate_examples=False,
                examples=[Example(summary="An offer", value=schemas.EXAMPLE_DETAIL)],
            ),
            404: ResponseSpec(
                data_container=schemas.ApiError,
                description="No published profile has this id.",
                generate_examples=False,
                examples=[Example(summary="Unknown profile", value=schemas.EXAMPLE_NOT_FOUND)],
            ),
        },
    )
    async def profile(self, profile_id: FromPath[int], lang: Lang = "en") -> schemas.ProfileDetail:
        row = (
            await Profile.select()
            .output(load_json=True)
            .where((Profile.id == profile_id) & (Profile.status == ProfileStatus.published.value))
            .first()
        )
        if row is None:
            raise NotFoundException()
        await public.attach_organizations([row])
        return schemas.detail(row, lang)

    @get(
        "/guides",
        summary="Published cooperation guides",
        description="Each city's guide per year, in its current version.",
        responses={
            200: ResponseSpec(
                data_container=list[schemas.GuideSummary],
                description="All published guides, by city and the newest year.",
                generate_examples=False,
                examples=[Example(summary="One guide", value=schemas.EXAMPLE_GUIDES)],
            )
        },
    )
    async def guides(self, lang: Lang = "en") -> list[schemas.GuideSummary]:
        return [schemas.guide(row, lang) for row in await guides.published_guides()]


handlers = [CooperationApi]
