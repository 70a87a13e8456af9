"""Feed content made safe to store and show: HTML through an nh3 allowlist, text escaped.

feedparser cleans HTML it recognises as HTML, but passes `text/plain` content through as it
came; JSON Feed and iCalendar content is never cleaned by anyone else. Everything goes
through here before it reaches the database.
"""

from __future__ import annotations

import html
import re

import nh3

TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt",
        "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "*": {"lang", "dir"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Hosts and paths that exist only to count readers (a 1×1 image is caught by its size).
TRACKER_PATTERNS = (
    re.compile(r"^https?://feeds\.feedburner\.com/~r/", re.IGNORECASE),
    re.compile(r"^https?://feeds\.feedblitz\.com/~/i/", re.IGNORECASE),
    re.compile(r"^https?://(pixel|stats)\.wp\.com/", re.IGNORECASE),
    re.compile(r"^https?://[^/]*doubleclick\.net/", re.IGNORECASE),
    re.compile(r"^https?://www\.google-analytics\.com/", re.IGNORECASE),
    re.compile(r"/(pixel|tracking|beacon|open)\.(gif|png)(\?|$)", re.IGNORECASE),
)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_SPACES = re.compile(r"\s+")
# Characters XML 1.0 does not allow (our Atom feed must stay well-formed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _is_tracking_pixel(tag: str) -> bool:
    attrs = {name.lower(): html.unescape(value) for name, value in _ATTR.findall(tag)}
    for dimension in ("width", "height"):
        value = attrs.get(dimension, "").strip().lower().removesuffix("px")
        if value.isdigit() and int(value) <= 1:
            return True
    src = attrs.get("src", "")
    return not src or any(pattern.search(src) for pattern in TRACKER_PATTERNS)


def clean_html(fragment: str) -> str:
    """HTML from a feed reduced to an allowlist: no scripts, styles, event handlers, frames,
    forms or `javascript:` URLs; links open without a referrer; tracking pixels removed."""
    cleaned = nh3.clean(
        xml_safe(fragment),
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    )
    # nh3 writes attributes back in one normal form (double quotes), so a pattern suffices.
    return _IMG.sub(
        lambda match: "" if _is_tracking_pixel(match.group(0)) else match.group(0), cleaned
    )


def escape_text(text: str) -> str:
    """Plain text as HTML: escaped, paragraphs kept, single line breaks as <br>."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", xml_safe(text).replace("\r\n", "\n"))]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p)


def html_to_text(fragment: str) -> str:
    """The readable text of an HTML fragment, on one line (titles, excerpts)."""
    stripped = nh3.clean(xml_safe(fragment), tags=set(), clean_content_tags={"script", "style"})
    return _SPACES.sub(" ", html.unescape(stripped)).strip()


def plain_text(text: str) -> str:
    return _SPACES.sub(" ", xml_safe(text)).strip()


def excerpt(text: str, limit: int = 280) -> str:
    """A short plain-text preview, cut at a word where the language has spaces."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:—-") + "…"
