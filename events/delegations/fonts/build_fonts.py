"""Rebuild the font subsets in this folder from Debian's font packages (a maintainer's tool).

    apt-get install fonts-dejavu-core fonts-noto-cjk
    uv run python events/delegations/fonts/build_fonts.py

- DejaVuSans{,-Bold}-subset.ttf: Latin (with Uzbek and Turkmen Latin letters), Cyrillic with
  its supplement (Kazakh, Kyrgyz, Tajik, Uzbek Cyrillic), punctuation. Bitstream Vera licence
  (DejaVu changes are public domain): modified copies must not be named "Bitstream" or "Vera".
- NotoSansSC-subset.otf: the Simplified Chinese face of Noto Sans CJK, cut to GB 2312 (its
  6,763 hanzi cover Chinese names, including the transliterations of foreign ones) plus CJK
  punctuation and full-width forms. SIL Open Font License 1.1 (OFL.txt).

Visa letters and badges (events.delegations.services.documents) embed what they use of
these files, so the PDFs look the same wherever they are made, with or without fonts
installed on the machine.
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_CJK_SC = 2  # the collection's Simplified Chinese face

WESTERN = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A and -B
    (0x02B0, 0x02FF),  # spacing modifiers: ʻ ʼ in Uzbek Latin
    (0x0400, 0x052F),  # Cyrillic and Cyrillic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # General Punctuation
    (0x20A0, 0x20CF),  # currency signs
    (0x2100, 0x214F),  # letterlike symbols (№)
    (0x2190, 0x21FF),  # arrows
    (0x25A0, 0x25FF),  # geometric shapes
]
CJK_EXTRA = [
    (0x0020, 0x007E),
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF01, 0xFF5E),  # full-width forms
]


def _gb2312() -> set[int]:
    found: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def _codepoints(ranges: list[tuple[int, int]]) -> set[int]:
    return {code for start, end in ranges for code in range(start, end + 1)}


def _cut(font: TTFont, codepoints: set[int], target: Path) -> None:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    font.save(target)
    print(f"{target.name}: {target.stat().st_size // 1024} KiB")


def main() -> None:
    for name in ("DejaVuSans", "DejaVuSans-Bold"):
        _cut(TTFont(DEJAVU / f"{name}.ttf"), _codepoints(WESTERN), HERE / f"{name}-subset.ttf")
    cjk = TTCollection(NOTO_CJK).fonts[NOTO_CJK_SC]
    _cut(cjk, _gb2312() | _codepoints(CJK_EXTRA), HERE / "NotoSansSC-subset.otf")


if __name__ == "__main__":
    main()
