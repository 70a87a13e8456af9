"""The demo board loads once, with the promised content, and its suggestions work across
languages: the Kazakh company's drip-irrigation demand finds the Chinese institute's offer."""

from __future__ import annotations

from cooperation.demo import load_cooperation_demo
from cooperation.services import matching
from cooperation.tables import Guide, GuideVersion, InterestRequest, Profile
from core.content import Translated
from core.demo import load_core_demo


async def test_the_demo_board_loads_once_and_its_suggestions_cross_languages() -> None:
    await load_core_demo()
    await load_cooperation_demo()
    await load_cooperation_demo()

    assert await Profile.count().where(Profile.kind == "offer") == 20
    assert await Profile.count().where(Profile.kind == "demand") == 15
    assert {g["city"] for g in await Guide.select(Guide.city)} == {"urumqi", "almaty", "tashkent"}
    assert await GuideVersion.count() == 4
    assert await InterestRequest.count() == 2

    rows = await Profile.select().output(load_json=True).where(Profile.kind == "demand")
    [demand] = [r for r in rows if "тамшылатып" in Translated.load(r["title"]).show("kk").text]
    [best, *_rest] = await matching.suggestions(demand)
    offer = (
        await Profile.select().output(load_json=True).where(Profile.id == best.profile_id).first()
    )
    assert Translated.load(offer["title"]).show("zh").text == "棉田膜下滴灌水肥一体化技术"
