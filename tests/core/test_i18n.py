"""Language negotiation, locale-aware formatting and translated content."""

from datetime import UTC, datetime, timedelta

import pytest

from core import i18n
from core.content import Translated


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("fr-FR,kk;q=0.5,en;q=0.7", "en"),
        ("de, kk-KZ;q=0.9", "kk"),
        ("zh-CN", "zh"),
        ("fr-FR, de;q=0.9", None),
        ("en;q=0, ru;q=0.1", "ru"),
        ("", None),
    ],
)
def test_accept_language_picks_the_best_supported_language(header: str, expected: str) -> None:
    assert i18n.negotiate(header) == expected


def test_times_are_shown_in_the_event_zone_with_the_zone_named() -> None:
    moment = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
    with i18n.language("ru"):
        shown = " ".join(i18n.format_datetime(moment, "Asia/Urumqi").split())
        assert shown == "1 сент. 2026 г., 08:00 (Урумчи, UTC+06:00)"
    with i18n.language("en"):
        shown = " ".join(i18n.format_datetime(moment, "Asia/Tashkent").split())
        assert shown == "Sep 1, 2026, 7:00 AM (Tashkent, UTC+05:00)"
    with i18n.language("zh"):
        assert "乌鲁木齐" in i18n.format_datetime(moment, "Asia/Urumqi")


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(days=1), "через 1 день"),
        (timedelta(days=2), "через 2 дня"),
        (timedelta(days=5), "через 5 дней"),
        (timedelta(hours=21), "через 21 час"),
    ],
)
def test_russian_relative_times_use_all_three_plural_forms(delta: timedelta, expected: str) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with i18n.language("ru"):
        assert i18n.format_relative(now + delta, now) == expected


def test_numbers_follow_the_page_locale() -> None:
    with i18n.language("ru"):
        assert i18n.format_number(12345.5) == "12\xa0345,5"
    with i18n.language("en"):
        assert i18n.format_number(12345.5) == "12,345.5"


def test_translated_content_falls_back_requested_then_source_then_en_then_zh() -> None:
    text = Translated.of("ru", ru="Конференция", en="Conference", zh="年会")
    assert text.show("kk").text == "Конференция"
    assert text.show("kk").is_fallback
    assert not text.show("zh").is_fallback
    only_zh = Translated.of("zh", zh="年会")
    assert only_zh.show("en").lang == "zh"
    assert only_zh.missing() == ["ru", "kk", "en"]


def test_translated_content_round_trips_through_json_and_drops_blank_values() -> None:
    text = Translated.of("en", en="  Roadshow ", ru="   ")
    assert Translated.load(text.dump()).text == {"en": "Roadshow"}
    with pytest.raises(ValueError, match="source language"):
        Translated.of("fr", fr="Salon")
