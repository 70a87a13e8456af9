"""PDF documents of delegations: visa invitation letters and sheets of name badges.

A letter is in Chinese plus Russian or English (the second language goes by the member's
country: vocabulary.letter_language). Its wording is an official document's, fixed per language
here, not interface text: it must read the same whatever language the person who generates it
uses, and the embassy reads Chinese whatever our catalogs hold.

Fonts are the subsets vendored in `events/delegations/fonts/` (see build_fonts.py there):
DejaVu Sans for Latin and Cyrillic (Kazakh, Kyrgyz, Tajik and Uzbek letters included), Noto
Sans SC for Chinese as its fallback; the PDF embeds the glyphs it uses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from babel import dates as babel_dates
from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from core import i18n
from core.content import Translated

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
SANS = "hs-sans"
CJK = "hs-cjk"
RED = (155, 28, 28)
INK = (31, 35, 40)
MUTED = (87, 96, 106)
LINE = (208, 215, 222)

# fpdf2 names characters a font lacks in its warnings; names are personal, logs are not for them.
logging.getLogger("fpdf").setLevel(logging.ERROR)


def _font(pdf: FPDF, style: str, size: float) -> None:
    """Select the text font, always for real. fpdf2 leaves its fallback (CJK) font current
    after a line that starts with a fallback glyph, and skips a `set_font` to the font it
    believes is set; selecting another font first makes the switch happen."""
    pdf.set_font(CJK, "", size)
    pdf.set_font(SANS, style, size)


def _document() -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(SANS, "", FONT_DIR / "DejaVuSans-subset.ttf")
    pdf.add_font(SANS, "B", FONT_DIR / "DejaVuSans-Bold-subset.ttf")
    pdf.add_font(CJK, "", FONT_DIR / "NotoSansSC-subset.otf")
    pdf.set_fallback_fonts([CJK], exact_match=False)
    for font in pdf.fonts.values():
        # The embedded subsets keep the full fonts' bounding boxes (valid for any subset):
        # recomputing them from every CFF outline was a fifth of a letter's rendering time.
        font.ttfont.recalcBBoxes = False
    pdf.set_text_color(*INK)
    pdf.set_creator("Hongshan")
    return pdf


# --- wording -----------------------------------------------------------------------------------

GENDER_WORDS = {
    "zh": {"f": "女", "m": "男", "x": "未注明"},
    "ru": {"f": "женский", "m": "мужской", "x": "не указан"},
    "en": {"f": "female", "m": "male", "x": "unspecified"},
}
TEXTS = {
    "zh": {
        "title": "邀请函",
        "ref": "编号",
        "date": "日期",
        "to": "中华人民共和国驻{country}使（领）馆：",
        "body": (
            "兹邀请下列人员于{arrival}至{departure}来华，出席{start}至{end}在{city}举办的"
            "“{event}”（地点：{venue}）。请贵馆为其办理赴华签证为盼。"
        ),
        "head": "该人员为代表团团长。",
        "closing": "特此邀请。",
        "inviter": "邀请单位",
        "signed": "签发人",
        "seal": "（盖章）",
    },
    "ru": {
        "title": "ПРИГЛАШЕНИЕ ДЛЯ ОФОРМЛЕНИЯ ВИЗЫ",
        "ref": "Исх. №",
        "date": "Дата",
        "to": "В Посольство (Генеральное консульство) Китайской Народной Республики. "
        "Страна: {country}.",
        "body": (
            "Настоящим приглашаем нижеуказанное лицо посетить Китайскую Народную Республику "
            "с {arrival} по {departure} для участия в мероприятии «{event}», которое "
            "состоится с {start} по {end} в городе {city} (место проведения: {venue}). "
            "Просим оформить визу."
        ),
        "head": "Приглашаемый возглавляет делегацию.",
        "closing": "С уважением,",
        "inviter": "Приглашающая сторона",
        "signed": "Подписал",
        "seal": "(печать)",
    },
    "en": {
        "title": "VISA INVITATION LETTER",
        "ref": "Ref. No.",
        "date": "Date",
        "to": "To the Embassy (Consulate General) of the People's Republic of China in {country}",
        "body": (
            "We hereby invite the person named below to visit the People's Republic of China "
            "from {arrival} to {departure} to attend {event}, held in {city} ({venue}) from "
            "{start} to {end}. We kindly ask you to issue the appropriate visa."
        ),
        "head": "The invitee heads the delegation.",
        "closing": "Yours faithfully,",
        "inviter": "Inviting organization",
        "signed": "Signed by",
        "seal": "(seal)",
    },
}
# Each row of the particulars: a label per language.
PARTICULARS = {
    "name_latin": {
        "zh": "姓名（护照）",
        "ru": "Имя (как в паспорте)",
        "en": "Name (as in passport)",
    },
    "name_native": {
        "zh": "本国文字姓名",
        "ru": "Имя на родном языке",
        "en": "Name in native script",
    },
    "name_zh": {"zh": "中文姓名", "ru": "Имя по-китайски", "en": "Chinese name"},
    "gender": {"zh": "性别", "ru": "Пол", "en": "Sex"},
    "date_of_birth": {"zh": "出生日期", "ru": "Дата рождения", "en": "Date of birth"},
    "nationality": {"zh": "国籍", "ru": "Гражданство", "en": "Nationality"},
    "passport_number": {"zh": "护照号码", "ru": "Номер паспорта", "en": "Passport number"},
    "passport_expires": {
        "zh": "护照有效期至",
        "ru": "Паспорт действителен до",
        "en": "Passport valid until",
    },
    "job_title": {"zh": "职务", "ru": "Должность", "en": "Position"},
    "organization": {"zh": "工作单位", "ru": "Место работы", "en": "Organization"},
    "delegation": {"zh": "所属代表团", "ru": "Делегация", "en": "Delegation"},
    "stay": {"zh": "在华停留", "ru": "Пребывание в КНР", "en": "Stay in China"},
    "places": {"zh": "访问地点", "ru": "Места посещения", "en": "Places to visit"},
}
BADGE_ROLES = {
    "head": {"zh": "代表团团长", "ru": "Глава делегации", "en": "Head of delegation"},
    "member": {"zh": "代表团成员", "ru": "Член делегации", "en": "Delegation member"},
}


def long_date(day: date, lang: str) -> str:
    return babel_dates.format_date(day, "long", locale=i18n.locale(lang))


def country(code: str, lang: str) -> str:
    return i18n.locale(lang).territories.get(code.upper(), code) if code else ""


def in_language(content: Translated, lang: str) -> str:
    return content.show(lang).text


# --- visa letters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterData:
    reference: str
    issued_on: date
    second_language: str  # "ru" or "en"
    issuer: Translated
    event_title: Translated
    event_city: Translated
    event_venue: Translated
    event_starts: date
    event_ends: date
    arrival: date | None
    departure: date | None
    name_latin: str
    name_native: str
    name_zh: str
    gender: str
    date_of_birth: str  # ISO date
    nationality: str
    passport_number: str
    passport_expires: date | None
    job_title: str
    organization: str
    delegation: Translated
    is_head: bool
    signatory_name: str
    signatory_title: str


def _paragraph(
    pdf: FPDF, text: str, *, size: float = 10.5, bold: bool = False, gap: float = 2
) -> None:
    _font(pdf, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _values(data: LetterData, second: str) -> dict[str, str]:
    arrival = data.arrival or data.event_starts
    departure = data.departure or data.event_ends
    return {
        "name_latin": data.name_latin.upper(),
        "name_native": data.name_native,
        "name_zh": data.name_zh,
        "gender": " / ".join(
            GENDER_WORDS[lang].get(data.gender, "") for lang in ("zh", second)
        ).strip(" /"),
        "date_of_birth": data.date_of_birth,
        "nationality": f"{country(data.nationality, 'zh')} / {country(data.nationality, second)}",
        "passport_number": data.passport_number,
        "passport_expires": data.passport_expires.isoformat() if data.passport_expires else "",
        "job_title": data.job_title,
        "organization": data.organization,
        "delegation": " / ".join(
            dict.fromkeys(in_language(data.delegation, lang) for lang in ("zh", second))
        ),
        "stay": f"{arrival.isoformat()} — {departure.isoformat()}",
        "places": " / ".join(
            dict.fromkeys(in_language(data.event_city, lang) for lang in ("zh", second))
        ),
    }


def _body(data: LetterData, lang: str) -> str:
    text = TEXTS[lang]
    arrival = data.arrival or data.event_starts
    departure = data.departure or data.event_ends
    return text["body"].format(
        arrival=long_date(arrival, lang),
        departure=long_date(departure, lang),
        start=long_date(data.event_starts, lang),
        end=long_date(data.event_ends, lang),
        city=in_language(data.event_city, lang),
        venue=in_language(data.event_venue, lang),
        event=in_language(data.event_title, lang),
    )


def _signature_block(pdf: FPDF, data: LetterData, second: str, issuer: list[str]) -> None:
    """Right half of the page: who invites, who signs, the date, and a place for the seal."""
    zh, other = TEXTS["zh"], TEXTS[second]
    x, width = 110.0, 80.0

    def line(text: str, style: str, size: float, color: tuple[int, int, int] = INK) -> None:
        pdf.set_text_color(*color)
        _font(pdf, style, size)
        pdf.set_x(x)
        pdf.multi_cell(width, size * 0.5, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(f"{zh['inviter']} / {other['inviter']}", "", 8.5, MUTED)
    for name in issuer:
        line(name, "B", 10)
    pdf.ln(1.5)
    line(f"{zh['signed']} / {other['signed']}", "", 8.5, MUTED)
    line(data.signatory_name, "B", 10)
    line(data.signatory_title, "", 9.5)
    line(f"{long_date(data.issued_on, 'zh')} / {long_date(data.issued_on, second)}", "", 9.5)
    top = pdf.get_y() + 2
    if top + 26 > pdf.h - pdf.b_margin:
        return
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.4)
    pdf.set_dash_pattern(dash=1.5, gap=1.2)
    pdf.ellipse(x + 2, top, 25, 25)
    pdf.set_dash_pattern()
    pdf.set_text_color(*RED)
    _font(pdf, "", 7.5)
    for offset, text in ((9.5, zh["seal"]), (13, other["seal"])):
        pdf.set_xy(x + 2, top + offset)
        pdf.cell(25, 3.5, text, align=Align.C)
    pdf.set_text_color(*INK)


def visa_letter_pdf(data: LetterData) -> bytes:
    """One member's letter on one A4 page: letterhead, reference and date, the addressee,
    the invitation in Chinese and the second language, the member's particulars, and the
    signatory block with a place for the seal."""
    second = data.second_language if data.second_language in TEXTS else "en"
    zh, other = TEXTS["zh"], TEXTS[second]
    pdf = _document()
    pdf.set_title(f"{zh['title']} {data.reference}")
    pdf.set_margins(20, 14, 20)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()

    issuer = list(
        dict.fromkeys(
            t for t in (in_language(data.issuer, "zh"), in_language(data.issuer, second)) if t
        )
    )
    pdf.set_text_color(*RED)
    if issuer:
        _paragraph(pdf, issuer[0], size=14, bold=True, gap=0)
    for name in issuer[1:]:
        _paragraph(pdf, name, size=9.5, gap=0)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(20, pdf.get_y() + 1.5, 190, pdf.get_y() + 1.5)
    pdf.ln(4)
    pdf.set_text_color(*INK)
    _font(pdf, "", 9)
    pdf.cell(85, 5, f"{zh['ref']} / {other['ref']}: {data.reference}", new_x=XPos.RIGHT)
    _font(pdf, "", 9)
    pdf.cell(
        0,
        5,
        f"{zh['date']} / {other['date']}: {data.issued_on.isoformat()}",
        align=Align.R,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    _font(pdf, "B", 15)
    pdf.cell(0, 7, zh["title"], align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _font(pdf, "B", 11)
    pdf.cell(0, 6, other["title"], align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)

    _paragraph(pdf, zh["to"].format(country=country(data.nationality, "zh")), bold=True, gap=0.5)
    _paragraph(pdf, _body(data, "zh") + (zh["head"] if data.is_head else ""), size=10, gap=1.5)
    _paragraph(
        pdf,
        other["to"].format(country=country(data.nationality, second)),
        size=9.5,
        bold=True,
        gap=0.5,
    )
    _paragraph(
        pdf, _body(data, second) + (" " + other["head"] if data.is_head else ""), size=9.5, gap=2.5
    )

    values = _values(data, second)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    _font(pdf, "", 9.5)
    with pdf.table(
        col_widths=(62, 108),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=4.6,
        padding=(0.9, 1.5),
        text_align=("LEFT", "LEFT"),
        v_align="TOP",
    ) as table:
        label_style = FontFace(color=MUTED, size_pt=8)
        for key, names in PARTICULARS.items():
            if not values.get(key):
                continue
            row = table.row()
            row.cell(f"{names['zh']} / {names[second]}", style=label_style)
            row.cell(values[key])
    pdf.ln(3)
    _paragraph(pdf, f"{zh['closing']}    {other['closing']}", size=10, gap=2)
    if pdf.get_y() + 45 > pdf.h - pdf.b_margin:
        pdf.add_page()
    _signature_block(pdf, data, second, issuer)
    return bytes(pdf.output())


# --- name badges -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeData:
    name_native: str
    name_zh: str
    name_latin: str
    organization: str
    is_head: bool
    second_language: str
    code: str  # the registration's check-in code ("" when the member has none)


BADGE_W, BADGE_H = 90.0, 62.0
BADGE_COLUMNS, BADGE_ROWS = 2, 4
BADGE_GAP_X, BADGE_GAP_Y = 6.0, 6.0
QR_SIZE = 24.0


def _qr(pdf: FPDF, code: str, x: float, y: float, size: float) -> None:
    """The check-in code as vector squares: sharp at any printer resolution."""
    matrix = segno.make(code, error="m", micro=False).matrix
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        start = None
        for column_index, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = column_index
            elif not dark and start is not None:
                pdf.rect(
                    x + start * module,
                    y + row_index * module,
                    (column_index - start) * module,
                    module,
                    style="F",
                )
                start = None


def _fit(pdf: FPDF, text: str, width: float, size: float, style: str = "") -> str:
    """Shrink `text` (down to 55%) until it fits on one line, then cut it with an ellipsis."""
    smallest = size * 0.55
    while size > smallest and (_font(pdf, style, size) or pdf.get_string_width(text) > width):
        size -= 0.5
    _font(pdf, style, max(size, smallest))
    while text and pdf.get_string_width(text) > width:
        text = text[:-2] + "…"
    return text


def badges_pdf(event_title: Translated, badges: list[BadgeData]) -> bytes:
    """A4 sheets of eight badges with cutting guides: the name in native script and in
    Chinese, the Latin name, the organization, the role and the check-in QR code."""
    pdf = _document()
    pdf.set_title(in_language(event_title, "zh"))
    pdf.set_auto_page_break(False)
    margin_x = (210 - BADGE_COLUMNS * BADGE_W - (BADGE_COLUMNS - 1) * BADGE_GAP_X) / 2
    margin_y = (297 - BADGE_ROWS * BADGE_H - (BADGE_ROWS - 1) * BADGE_GAP_Y) / 2
    per_page = BADGE_COLUMNS * BADGE_ROWS
    title = in_language(event_title, "zh")
    for index, badge in enumerate(badges):
        if index % per_page == 0:
            pdf.add_page()
        slot = index % per_page
        x = margin_x + (slot % BADGE_COLUMNS) * (BADGE_W + BADGE_GAP_X)
        y = margin_y + (slot // BADGE_COLUMNS) * (BADGE_H + BADGE_GAP_Y)
        _badge(pdf, badge, title, x, y)
    if not badges:
        pdf.add_page()
    return bytes(pdf.output())


def _badge(pdf: FPDF, badge: BadgeData, title: str, x: float, y: float) -> None:
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=1, gap=1)
    pdf.rect(x, y, BADGE_W, BADGE_H)
    pdf.set_dash_pattern()
    pdf.set_fill_color(*RED)
    pdf.rect(x, y, BADGE_W, 9, style="F")
    pdf.set_text_color(255, 255, 255)
    shown = _fit(pdf, title, BADGE_W - 6, 9, "B")
    pdf.set_xy(x + 3, y + 2)
    pdf.cell(BADGE_W - 6, 5, shown)

    full = BADGE_W - 8
    beside_qr = full - (QR_SIZE + 3 if badge.code else 0)
    pdf.set_text_color(*INK)
    name = badge.name_native or badge.name_latin
    shown = _fit(pdf, name, full, 16, "B")
    pdf.set_xy(x + 4, y + 12)
    pdf.cell(full, 8, shown)
    top = y + 21
    if badge.name_zh:
        shown = _fit(pdf, badge.name_zh, beside_qr, 14)
        pdf.set_xy(x + 4, top)
        pdf.cell(beside_qr, 7, shown)
        top += 8
    if badge.name_latin and badge.name_latin != name:
        pdf.set_text_color(*MUTED)
        shown = _fit(pdf, badge.name_latin.upper(), beside_qr, 8.5)
        pdf.set_xy(x + 4, top)
        pdf.cell(beside_qr, 4.5, shown)
        top += 5.5
    pdf.set_text_color(*INK)
    _font(pdf, "", 8)
    pdf.set_xy(x + 4, max(top + 0.5, y + 36))
    pdf.multi_cell(beside_qr, 3.8, badge.organization, max_line_height=3.8)

    role = BADGE_ROLES["head" if badge.is_head else "member"]
    second = badge.second_language if badge.second_language in role else "en"
    pdf.set_fill_color(*(RED if badge.is_head else MUTED))
    pdf.rect(x, y + BADGE_H - 8, BADGE_W, 8, style="F")
    pdf.set_text_color(255, 255, 255)
    shown = _fit(pdf, f"{role['zh']} · {role[second]}", BADGE_W - 6, 9, "B")
    pdf.set_xy(x + 3, y + BADGE_H - 6.5)
    pdf.cell(BADGE_W - 6, 5, shown, align=Align.C)
    if badge.code:
        _qr(pdf, badge.code, x + BADGE_W - QR_SIZE - 3, y + BADGE_H - QR_SIZE - 10, QR_SIZE)
