"""Matching demands and offers across Chinese, Russian, Kazakh and English.

A profile's text — title (counted twice), description and the partner it wants, in every
language it has — becomes features: character bigrams and trigrams of Han runs (Chinese has
no spaces), trigrams of Cyrillic and Latin words (so inflected forms still share most of
them), and the lexicon's concepts (cooperation.services.lexicon), which bridge texts with no
translation in common. Features are counted once, when a profile is saved (`Profile.terms`).

Ranking is TF-IDF cosine over the published profiles of the other kind, plus the field and
the region: `score = 0.6·text + 0.25·field + 0.15·region`. The index (inverted lists of
normalised weights) is built in memory and rebuilt when the published set changes, which a
cheap query detects; it is a cache, never the truth, so any process may build its own.
Every suggestion says why it was made.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count, Max

from cooperation.services.lexicon import concepts_in, normalise
from cooperation.tables import Profile, ProfileKind, ProfileStatus
from core.content import Translated

TEXT_WEIGHT = 0.6
FIELD_WEIGHT = 0.25
REGION_WEIGHT = 0.15
MIN_SCORE = 0.1
MIN_TEXT = 0.05
CONCEPT_BOOST = 3  # a concept counts as much as several shared n-grams
TITLE_REPEAT = 2
PRUNE_DF = 1000  # see `rank`

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _han_grams(run: str) -> Iterable[str]:
    if len(run) == 1:
        yield run
    for size in (2, 3):
        for start in range(len(run) - size + 1):
            yield run[start : start + size]


def _word_grams(word: str) -> Iterable[str]:
    padded = f"_{word}_"
    for start in range(len(padded) - 2):
        yield padded[start : start + 3]


def text_features(text: str) -> Counter[str]:
    """Character n-gram counts of one text, in whatever languages it mixes."""
    lowered = normalise(text)
    counts: Counter[str] = Counter()
    for run in _HAN.findall(lowered):
        counts.update(_han_grams(run))
    for word in _WORD.findall(_HAN.sub(" ", lowered)):
        counts.update(_word_grams(word))
    return counts


def profile_texts(profile: dict[str, Any]) -> list[str]:
    texts = []
    for column, repeat in (("title", TITLE_REPEAT), ("description", 1), ("partner_wanted", 1)):
        for value in Translated.load(profile.get(column)).text.values():
            texts.extend([value] * repeat)
    return texts


def features(profile: dict[str, Any]) -> dict[str, int]:
    """What `Profile.terms` keeps: n-gram counts and `#concept` counts of all its text."""
    counts: Counter[str] = Counter()
    for text in profile_texts(profile):
        counts.update(text_features(text))
        for key, times in concepts_in(text).items():
            counts[f"#{key}"] += times * CONCEPT_BOOST
    return dict(counts)


def _weight(count: float) -> float:
    return 1.0 + math.log(count) if count > 0 else 0.0


# --- the index ----------------------------------------------------------------------------


def script(term: str) -> str:
    """Which part of the feature space a term is in: concepts, Han, Cyrillic or Latin."""
    if term.startswith("#"):
        return "concept"
    letter = term.strip("_")[:1]
    if _HAN.match(letter):
        return "han"
    return "cyrillic" if "\u0400" <= letter <= "\u04ff" else "latin"


@dataclass
class Candidate:
    id: int
    organization: int
    field: str
    country: str
    city: str
    # squared weight per script: a text is compared only in the scripts the query is written
    # in, so translations into other languages do not dilute the similarity
    norms: dict[str, float] = field(default_factory=dict)

    def norm(self, scripts: set[str]) -> float:
        return math.sqrt(sum(self.norms.get(s, 0.0) for s in scripts)) or 1.0


@dataclass
class Index:
    """Published profiles of one kind, as inverted lists of TF-IDF weights."""

    stamp: tuple[Any, ...]
    candidates: dict[int, Candidate] = field(default_factory=dict)
    by_field: dict[str, list[int]] = field(default_factory=dict)
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    size: int = 0

    def term_idf(self, term: str) -> float:
        return self.idf.get(term) or math.log((self.size + 1) / 1) + 1.0


def build_index(stamp: tuple[Any, ...], rows: list[dict[str, Any]]) -> Index:
    decoded = [(row, _terms(row["terms"])) for row in rows]
    document_frequency: Counter[str] = Counter()
    for _row, terms in decoded:
        document_frequency.update(terms.keys())
    size = len(decoded)
    idf = {t: math.log((size + 1) / (df + 1)) + 1.0 for t, df in document_frequency.items()}
    index = Index(stamp=stamp, idf=idf, size=size)
    postings: dict[str, list[tuple[int, float]]] = {}
    for row, terms in decoded:
        norms: dict[str, float] = {}
        for term, count in terms.items():
            weight = _weight(count) * idf[term]
            postings.setdefault(term, []).append((row["id"], weight))
            group = script(term)
            norms[group] = norms.get(group, 0.0) + weight * weight
        index.candidates[row["id"]] = Candidate(
            row["id"], row["organization"], row["field"], row["country"], row["city"], norms
        )
        index.by_field.setdefault(row["field"], []).append(row["id"])
    index.postings = postings
    return index


def _terms(raw: Any) -> dict[str, int]:
    if isinstance(raw, dict):
        return raw
    if not raw:
        return {}
    return msgspec.json.decode(raw if isinstance(raw, bytes | str) else str(raw))


_indexes: dict[str, Index] = {}


def _published(kind: str) -> Any:
    return (Profile.kind == kind) & (Profile.status == ProfileStatus.published.value)


async def index_for(kind: str) -> Index:
    """The index of published profiles of `kind`, rebuilt when any of them changed."""
    stamp_row = await Profile.select(
        Count(Profile.id, alias="n"),
        Max(Profile.id, alias="last_id"),
        Max(Profile.updated_at, alias="last_change"),
    ).where(_published(kind))
    stamp = tuple(stamp_row[0].values()) if stamp_row else ()
    cached = _indexes.get(kind)
    if cached is not None and cached.stamp == stamp:
        return cached
    rows = await Profile.select(
        Profile.id,
        Profile.organization,
        Profile.field,
        Profile.country,
        Profile.city,
        Profile.terms,
    ).where(_published(kind))
    _indexes[kind] = build_index(stamp, rows)
    return _indexes[kind]


# --- ranking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """One suggestion and the reasons for it (shown to readers, in their language)."""

    profile_id: int
    score: float
    text: float
    same_field: bool
    region: str  # "city", "country" or ""
    concepts: tuple[str, ...]  # lexicon keys both texts name
    terms: tuple[str, ...]  # the query's shared features, strongest first


def region_score(query: dict[str, Any], candidate: Candidate) -> tuple[float, str]:
    if query["city"] and query["city"] == candidate.city:
        return 1.0, "city"
    if query["country"] and query["country"] == candidate.country:
        return 0.5, "country"
    return 0.0, ""


def rank(
    index: Index, query: dict[str, Any], terms: dict[str, int], limit: int = 10
) -> list[tuple[float, float, Candidate]]:
    """(score, text similarity, candidate) of the best candidates for `query` (a profile row:
    field, country, city, organization), never the query's own organization.

    Only candidates that share a feature or the field are looked at; features in more than
    a tenth of a large index (PRUNE_DF) are left out of the dot product — they cost most of
    the time and say least — but not out of the norms."""
    weights = {t: _weight(c) * index.term_idf(t) for t, c in terms.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    scripts = {script(term) for term in weights} | {"concept"}
    common = max(PRUNE_DF, index.size // 10)
    dots: dict[int, float] = {}
    get = dots.get
    for term, weight in weights.items():
        posting = index.postings.get(term)
        if not posting or len(posting) > common:
            continue
        q = weight / norm
        for candidate_id, d in posting:
            dots[candidate_id] = get(candidate_id, 0.0) + q * d
    field_ids = index.by_field.get(query["field"], ())
    scored = []
    for candidate_id in set(dots).union(field_ids):
        candidate = index.candidates[candidate_id]
        if candidate.organization == query["organization"]:
            continue
        dot = dots.get(candidate_id, 0.0)
        text = min(1.0, dot / candidate.norm(scripts)) if dot else 0.0
        same_field = candidate.field == query["field"]
        region, _where = region_score(query, candidate)
        score = TEXT_WEIGHT * text + FIELD_WEIGHT * same_field + REGION_WEIGHT * region
        if score >= MIN_SCORE and (text >= MIN_TEXT or same_field):
            scored.append((score, text, candidate))
    return heapq.nsmallest(limit, scored, key=lambda item: (-item[0], item[2].id))


def explain(
    index: Index,
    query: dict[str, Any],
    terms: dict[str, int],
    found: tuple[float, float, Candidate],
    candidate_terms: dict[str, int],
) -> Match:
    """Why `found` was suggested: field, region, the concepts both name and the features
    they share, strongest first (from the candidate's own counts, read for the few shown)."""
    score, text, candidate = found
    shared = sorted(
        (
            (_weight(count) * _weight(candidate_terms[term]) * index.term_idf(term) ** 2, term)
            for term, count in terms.items()
            if term in candidate_terms
        ),
        reverse=True,
    )
    _score, where = region_score(query, candidate)
    return Match(
        profile_id=candidate.id,
        score=round(score, 4),
        text=round(text, 4),
        same_field=candidate.field == query["field"],
        region=where,
        concepts=tuple(term[1:] for _w, term in shared if term.startswith("#")),
        terms=tuple(term for _w, term in shared if not term.startswith("#")),
    )


def shared_words(texts: Iterable[str], terms: Iterable[str], limit: int = 5) -> list[str]:
    """The query's words that the shared n-grams come from, for a reason a person can read
    ("similar wording: орошения, засушливых"): a Cyrillic or Latin word counts when at least
    half of its trigrams are shared (a stray "_су" is no likeness); of Han text, the shared
    trigrams, else bigrams, themselves."""
    shared = set(terms)
    words: list[str] = []
    for text in texts:
        lowered = normalise(text)
        for run in _HAN.findall(lowered):
            for size in (3, 2):
                grams = [g for g in _han_grams(run) if len(g) == size and g in shared]
                words.extend(g for g in grams if not any(g in w for w in words))
        for word in _WORD.findall(_HAN.sub(" ", lowered)):
            grams = set(_word_grams(word))
            if word not in words and len(grams & shared) * 2 >= len(grams):
                words.append(word)
    return list(dict.fromkeys(words))[:limit]


async def suggestions(profile: dict[str, Any], limit: int = 10) -> list[Match]:
    """Published profiles of the other kind that fit `profile`, best first, with reasons."""
    other = ProfileKind.offer if profile["kind"] == ProfileKind.demand else ProfileKind.demand
    index = await index_for(other.value)
    terms = _terms(profile.get("terms")) or features(profile)
    best = rank(index, profile, terms, limit)
    if not best:
        return []
    rows = await Profile.select(Profile.id, Profile.terms).where(
        Profile.id.is_in([candidate.id for _s, _t, candidate in best])
    )
    counts = {row["id"]: _terms(row["terms"]) for row in rows}
    return [explain(index, profile, terms, found, counts.get(found[2].id, {})) for found in best]
