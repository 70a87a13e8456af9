"""Matching across languages: a Russian or Kazakh demand finds a Chinese offer on the same
subject (and the reverse), ranked above offers on other subjects, with the reasons shown."""

from __future__ import annotations

from cooperation.services import matching, public
from cooperation.services.lexicon import concept_name
from tests.cooperation.factories import make_poster, make_profile

DRIP_ZH = {"zh": "棉田膜下滴灌节水技术"}
DRIP_ZH_TEXT = {"zh": "适用于干旱地区棉花种植的膜下滴灌系统，节水40%以上。"}


async def _offers() -> dict[str, dict]:
    institute = await make_poster("institute", country="CN", city_en="Urumqi", language="zh")
    other = await make_poster("university", country="CN", city_en="Urumqi", language="zh")
    drip = await make_profile(
        institute, "offer", title=DRIP_ZH, description=DRIP_ZH_TEXT, city="urumqi", country="CN"
    )
    solar = await make_profile(
        other,
        "offer",
        title={"zh": "光伏组件自动清洁机器人"},
        description={"zh": "用于沙漠光伏电站的无水清洁设备。"},
        field="energy",
        city="urumqi",
        country="CN",
    )
    wheat = await make_profile(
        other,
        "offer",
        title={"zh": "耐盐碱小麦新品种", "ru": "Новые солеустойчивые сорта пшеницы"},
        description={"ru": "Сорта пшеницы для засоленных почв, урожайность выше на 15 %."},
        source="zh",
        field="agriculture",
        city="urumqi",
        country="CN",
    )
    return {"drip": drip, "solar": solar, "wheat": wheat}


async def test_a_russian_demand_finds_the_chinese_drip_irrigation_offer_first() -> None:
    offers = await _offers()
    company = await make_poster()
    demand = await make_profile(
        company,
        title={"ru": "Системы капельного орошения для хлопковых полей"},
        description={"ru": "Ищем технологию капельного орошения хлопка в засушливых районах."},
    )

    found = await matching.suggestions(demand)

    assert found[0].profile_id == offers["drip"]["id"]
    assert offers["solar"]["id"] not in [m.profile_id for m in found]
    assert {"drip_irrigation", "cotton", "drought"} <= set(found[0].concepts)
    assert found[0].same_field


async def test_a_kazakh_demand_finds_the_chinese_offer_and_the_reason_names_the_subject() -> None:
    offers = await _offers()
    company = await make_poster(language="kk")
    demand = await make_profile(
        company,
        title={"kk": "Мақта алқаптарына арналған тамшылатып суару жүйелері"},
        description={"kk": "Құрғақшылық жағдайында суды үнемдеу технологиясы керек."},
    )

    [best, *_rest] = await public.suggestions(demand)

    assert best.profile["id"] == offers["drip"]["id"]
    shown = [concept_name(key, "kk") for key in best.match.concepts]
    assert "тамшылатып суару" in shown


async def test_the_chinese_offer_finds_the_russian_and_kazakh_demands_in_return() -> None:
    offers = await _offers()
    ru = await make_profile(
        await make_poster(language="ru"),
        title={"ru": "Капельное орошение хлопка"},
    )
    kk = await make_profile(
        await make_poster(language="kk"),
        title={"kk": "Мақтаны тамшылатып суару"},
    )
    unrelated = await make_profile(
        await make_poster(language="ru"),
        title={"ru": "Вакцина против ящура для крупного рогатого скота"},
        field="animal_husbandry",
    )

    found = [m.profile_id for m in await matching.suggestions(offers["drip"])]

    assert set(found[:2]) == {ru["id"], kk["id"]}
    assert unrelated["id"] not in found


async def test_a_translated_title_lets_a_russian_demand_match_by_wording() -> None:
    offers = await _offers()
    demand = await make_profile(
        await make_poster(language="ru"),
        title={"ru": "Сорта пшеницы для засоленных почв"},
        field="agriculture",
    )

    [best, *_rest] = await public.suggestions(demand)

    assert best.profile["id"] == offers["wheat"]["id"]
    assert best.match.text > 0.2
    assert "пшеницы" in best.words


async def test_words_outside_the_lexicon_still_match_through_character_ngrams() -> None:
    institute = await make_poster("institute", country="CN", city_en="Urumqi")
    offer = await make_profile(
        institute,
        "offer",
        title={"zh": "沙棘油加工技术", "ru": "Технология получения облепихового масла"},
        source="zh",
        field="other",
        city="urumqi",
        country="CN",
    )
    demand = await make_profile(
        await make_poster(language="ru"),
        title={"ru": "Переработка облепихи в масло"},
        field="medicine",
    )

    [best] = await public.suggestions(demand)

    assert best.profile["id"] == offer["id"]
    assert not best.match.same_field
    assert any(word.startswith("облепих") for word in best.words)


async def test_profiles_of_ones_own_organization_are_never_suggested() -> None:
    institute = await make_poster("institute", country="CN", city_en="Urumqi")
    await make_profile(institute, "offer", title=DRIP_ZH)
    demand = await make_profile(institute, title={"ru": "Капельное орошение"})

    assert await matching.suggestions(demand) == []


async def test_unpublished_offers_are_not_suggested_and_a_publication_is_seen_at_once() -> None:
    institute = await make_poster("institute", country="CN", city_en="Urumqi")
    draft = await make_profile(institute, "offer", title=DRIP_ZH, status="submitted")
    demand = await make_profile(await make_poster(), title={"ru": "Капельное орошение"})
    assert await matching.suggestions(demand) == []

    from cooperation.tables import Profile

    await Profile.update({Profile.status: "published"}).where(Profile.id == draft["id"])

    assert [m.profile_id for m in await matching.suggestions(demand)] == [draft["id"]]


def test_chinese_text_is_cut_into_character_bigrams_and_trigrams() -> None:
    features = matching.text_features("滴灌技术")
    assert {"滴灌", "灌技", "技术", "滴灌技", "灌技术"} <= set(features)
    cyrillic = matching.text_features("Орошение")
    assert {"_ор", "оро", "ние", "ие_"} <= set(cyrillic)
