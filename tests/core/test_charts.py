"""The portfolio's charts as drawn on the server: the values are in the picture, every chart
names and describes itself for screen readers, numbers follow the page language, and
nothing in them needs an inline style or a script (the site's CSP allows neither)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from core import charts
from core.i18n import language
from projects.services.portfolio import Point

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def texts(markup: str) -> list[str]:
    return [element.text or "" for element in parsed(markup).iter(f"{SVG}text")]


def assert_accessible(markup: str, chart_id: str, title: str, desc: str) -> None:
    root = parsed(markup)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.find(f"{SVG}title").text == title
    assert root.find(f"{SVG}title").get("id") == f"{chart_id}-title"
    assert root.find(f"{SVG}desc").text == desc
    assert "style=" not in str(markup) and "<script" not in str(markup)


def test_columns_show_each_value_over_its_quarter_with_a_title_and_description() -> None:
    points = [Point("2026-Q1", "Q1 2026", 3), Point("2026-Q2", "Q2 2026", 0), Point("", "Q3", 12)]
    with language("en"):
        drawn = charts.columns(
            points, chart_id="c1", title="Papers per quarter", desc="15 papers in all."
        )
    assert_accessible(drawn, "c1", "Papers per quarter", "15 papers in all.")
    shown = texts(drawn)
    for expected in ("3", "0", "12", "Q1 2026", "Q3"):
        assert expected in shown
    heights = [float(rect.get("height")) for rect in parsed(drawn).iter(f"{SVG}rect")]
    assert heights[2] > heights[0] > heights[1] == 0  # 12 is drawn taller than 3


def test_numbers_in_charts_follow_the_page_language() -> None:
    points = [Point("KZ", "Казахстан", 1234.5), Point("TJ", "Таджикистан", 20)]
    with language("ru"):
        drawn = charts.bars(points, chart_id="c2", title="Финансирование", desc="Всего 1254,5.")
    shown = texts(drawn)
    assert "1\xa0234,5" in shown  # Russian groups thousands with a space and uses a comma
    assert "Казахстан" in shown and "Таджикистан" in shown
    widths = [float(rect.get("width")) for rect in parsed(drawn).iter(f"{SVG}rect")]
    assert widths[0] > widths[1]


def test_stacked_bar_shows_counts_and_shares_in_its_legend() -> None:
    parts = [("Done on time", 2), ("Done late", 1), ("Overdue", 1), ("Not yet due", 0)]
    with language("en"):
        drawn = charts.stacked(
            parts, chart_id="c3", title="Milestones", desc="Of 4 milestones, 2 on time."
        )
    assert_accessible(drawn, "c3", "Milestones", "Of 4 milestones, 2 on time.")
    shown = texts(drawn)
    assert "Done on time: 2 (50%)" in shown
    assert "Overdue: 1 (25%)" in shown
    assert "Not yet due: 0 (0%)" in shown
    # The overdue part is hatched so it differs from "on time" without colour vision.
    assert 'fill="url(#c3-hatch)"' in str(drawn)
    assert '<pattern id="c3-hatch"' in str(drawn)


def test_an_empty_stacked_bar_still_draws_its_legend() -> None:
    with language("en"):
        drawn = charts.stacked([("Done on time", 0)], chart_id="c4", title="M", desc="None yet.")
    assert "Done on time: 0" in texts(drawn)


def test_labels_and_texts_are_escaped() -> None:
    points = [Point("x", "<script>alert(1)</script>", 1)]
    drawn = charts.bars(points, chart_id="c5", title="<b>t</b>", desc='"d" & <i>')
    assert "<script>" not in str(drawn) and "&lt;script&gt;" in str(drawn)
    assert parsed(drawn).find(f"{SVG}desc").text == '"d" & <i>'


def test_colours_are_dark_enough_to_read_against_white() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in (charts.BAR, charts.INK, charts.MUTED, *charts.PARTS):
        assert re.fullmatch(r"#[0-9a-f]{6}", colour)
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, colour


def test_gridlines_fall_on_round_numbers() -> None:
    assert charts.nice_step(7) == 2
    assert charts.nice_step(1800) == 500
    assert charts.nice_step(0) == 1
    assert charts.nice_step(0.4, whole=False) == 0.1
