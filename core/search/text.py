"""How text becomes searchable in four languages, the same way for what is indexed and what
is asked: case folded, Chinese runs also cut into two-character words (trigram indexes need
three characters; a bigram between spaces has three), Cyrillic words also written in Latin
letters, and Russian and Kazakh endings stripped from the words of a query."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Chinese (CJK unified ideographs and extension A, compatibility ideographs).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")

# Russian and Kazakh letters in Latin (close to the passport style people type names in).
_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip
# Spellings of one sound that people mix up; folded away on both sides before comparing.
_LOOSE = (("dzh", "j"), ("kh", "h"), ("x", "ks"), ("w", "v"), ("y", "i"))

# Endings of Russian and Kazakh word forms, longest first. Matching is by substring, so a
# query word cut down to its stem finds every form that starts with that stem.
_ENDINGS = sorted(
    {
        # Russian: nouns, adjectives, verbs.
        "иями", "ями", "ами", "иях", "ией", "ием", "ого", "его", "ому", "ему", "ыми",
        "ими", "ых", "их", "ий", "ый", "ой", "ей", "ая", "яя", "ое", "ее", "ую", "юю", "ия",
        "ие", "ии", "ью", "ям", "ам", "ях", "ах", "ом", "ем", "ов", "ев", "ию", "ть", "ться",
        "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
        # Kazakh: plural, possessive and case endings.
        "лар", "лер", "дар", "дер", "тар", "тер", "ның", "нің", "дың", "дің", "тың", "тің",
        "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та", "те", "нда", "нде", "дан",
        "ден", "тан", "тен", "нан", "нен", "мен", "бен", "пен", "ды", "ді", "ты", "ті", "ны",
        "ні", "сы", "сі", "і",
    },
    key=len,
    reverse=True,
)  # fmt: skip
_MIN_STEM = 4
_MAX_STRIPS = 2


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


_TO_LATIN = str.maketrans(_LATIN)


def to_latin(word: str) -> str:
    return word.translate(_TO_LATIN)


def loose_latin(word: str) -> str:
    for spelling, common in _LOOSE:
        word = word.replace(spelling, common)
    return word


def stem(word: str) -> str:
    """A Russian or Kazakh word without its endings (at most two: Kazakh stacks them)."""
    for _ in range(_MAX_STRIPS):
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
                word = word[: -len(ending)]
                break
        else:
            break
    return word


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(*texts: str) -> str:
    """What the index holds for these texts: the folded text, then the Chinese bigrams and
    the Latin spellings of Cyrillic words, all between spaces."""
    folded = " ".join(fold(text) for text in texts if text)
    extra: list[str] = []
    for run in _CJK_RUN.findall(folded):
        extra.extend(_bigrams(run))
    for word in _WORD.findall(folded):
        if _CYRILLIC.search(word):
            latin = to_latin(word)
            extra.append(latin)
            extra.append(loose_latin(latin))
    for word in _WORD.findall(folded):
        if word.isascii():
            loose = loose_latin(word)
            if loose != word:
                extra.append(loose)
    return f" {folded} {' '.join(extra)} "


@dataclass(frozen=True)
class Term:
    """One word of a query: the alternatives it may appear as (any will do), and whether they
    are whole bigram words (two Chinese characters) rather than substrings."""

    forms: tuple[str, ...]
    whole_word: bool = False

    @property
    def indexable(self) -> bool:
        """Trigram indexes find substrings of three characters or more."""
        return self.whole_word or all(len(form) >= 3 for form in self.forms)

    @property
    def highlight(self) -> str:
        return self.forms[0]


def query_terms(query: str, limit: int = 8) -> list[Term]:
    """The words of a query, each with the forms it is matched by."""
    terms: list[Term] = []
    for word in _WORD.findall(fold(query))[:limit]:
        if _CJK_RUN.fullmatch(word):
            terms.append(Term((word,), whole_word=len(word) == 2))
        elif _CYRILLIC.search(word):
            terms.append(Term((stem(word),)))
        else:
            forms = dict.fromkeys((word, loose_latin(word)))
            terms.append(Term(tuple(forms)))
    return terms
