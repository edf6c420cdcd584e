"""Search and matching across a check's published translations, beside claims.search and
claims.matching (which search the original's words and are left as they are).

PostgreSQL: each PublishedTranslation has a stored `search_vector` (migration 0002) built with the
text-search configuration of its language (SEARCH_CONFIGS: English with `english`, Ukrainian with
`simple`, since PostgreSQL ships no Ukrainian stemmer), and a trigram index on its lower-cased
`search_text`, so that an inflected Ukrainian word (переговорів / переговори) still finds it by
pg_trgm's word similarity. SQLite: every word of the query, cut to a crude stem, must appear in the
lower-cased `search_text` (SQLite's LIKE folds the case of ASCII letters only, hence the stored
lower-case copy).

Matching (/api/v1/match/): a text is also compared with the translations' words, each concept hit
when a word of the translation starts with the concept word's stem; the check is returned once, with
the better of its scores."""

import re

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from claims import matching as claims_matching
from claims import search as claims_search
from claims.models import Claim
from translations.models import PublishedTranslation

_WORD = re.compile(r"\w+", re.UNICODE)
# Common Ukrainian function words, which say nothing about which claim a text is (matching only).
UKRAINIAN_STOPWORDS = frozenset(
    [
        "і",
        "й",
        "та",
        "а",
        "але",
        "або",
        "в",
        "у",
        "на",
        "з",
        "із",
        "зі",
        "зо",
        "що",
        "не",
        "ні",
        "це",
        "цей",
        "ця",
        "ці",
        "до",
        "за",
        "від",
        "як",
        "про",
        "по",
        "його",
        "її",
        "їх",
        "ми",
        "ви",
        "ти",
        "він",
        "вона",
        "воно",
        "вони",
        "був",
        "була",
        "було",
        "були",
        "буде",
        "будуть",
        "є",
        "бути",
        "ж",
        "же",
        "би",
        "б",
        "то",
        "ще",
        "вже",
        "так",
        "для",
        "при",
        "над",
        "під",
        "коли",
        "якщо",
        "щоб",
        "чи",
        "також",
        "тому",
        "який",
        "яка",
        "яке",
        "які",
    ]
)
CANDIDATES = 200


def search_configs():
    """{language: PostgreSQL text-search configuration} for the translations' documents."""
    return {"en": settings.SEARCH_CONFIG, "uk": "simple", **getattr(settings, "TRANSLATION_SEARCH_CONFIGS", {})}


def search_text(*parts):
    """The lower-cased document of a translation that search and matching read."""
    return " ".join(p for p in parts if p).lower()


def stem(word):
    """A crude stem for either script: the word less its last three letters (at least four kept).
    Ukrainian inflects at the end (переговори, переговорів; війська, військ), English too."""
    return word if len(word) <= 4 else word[: max(4, len(word) - 3)]


def _is_postgres():
    return connection.vendor == "postgresql"


def _hits(text):
    """Published translations whose words match `text`."""
    if _is_postgres():
        parts, params = [], []
        for language, cfg in search_configs().items():
            parts.append("(language = %s AND search_vector @@ websearch_to_tsquery(%s::regconfig, %s))")
            params += [language, cfg, text]
        parts.append("(%s <%% search_text)")
        params.append(text.lower())
        condition = RawSQL(" OR ".join(parts), params, output_field=BooleanField())
        return PublishedTranslation.objects.filter(condition)
    terms = claims_search.words(text) or _WORD.findall(text.lower())
    if not terms:
        return PublishedTranslation.objects.none()
    rows = PublishedTranslation.objects.all()
    for term in terms:
        rows = rows.filter(search_text__contains=stem(term))
    return rows


def _rank(text):
    if _is_postgres():
        return RawSQL("word_similarity(%s, search_text)", (text.lower(),), output_field=FloatField())
    return Value(1.0, output_field=FloatField())


def _translated_ids(text):
    """The checks whose published translation matches `text`, newest first, at most as many as the
    original's search ranks (claims.search.RANK_WINDOW)."""
    window = getattr(claims_search, "RANK_WINDOW", 500)
    return _hits(text).order_by("-claim_id").values("claim_id")[:window]


def search(queryset, text):
    """claims.search.search() (the original's words, its ranking and its window), widened to checks
    whose published translation matches `text`: a Ukrainian query finds a check by its Ukrainian
    words, an English one by the original's, on any language's page. Each claim once, ranked by its
    original's rank plus how closely a translation matches."""
    originals = claims_search.search(queryset, text)
    text = claims_search.clean_query(text)
    if not text or originals.query.is_empty():  # no word to search for, in any language
        return originals
    # The original's rank expression compiles against the alias of the query it is used in
    # (claims.search.VectorSQL), so it is reused as it is; 0 for a claim its words do not match.
    original_rank = originals.query.annotations.get("rank", Value(0.0, output_field=FloatField()))
    matched = _either(queryset, originals.order_by().values("pk"), _translated_ids(text))
    best = _hits(text).filter(claim_id=OuterRef("pk")).annotate(r=_rank(text)).order_by("-r").values("r")[:1]
    rank = original_rank + Coalesce(Subquery(best, output_field=FloatField()), Value(0.0))
    newest = F("verdict__published_at").desc(nulls_last=True)
    return matched.annotate(rank=rank).order_by("-rank", newest, "-pk")


def matching(queryset, text):
    """claims.search.matching() widened the same way, unranked (the API pages through every match)."""
    originals = claims_search.matching(queryset, text)
    text = claims_search.clean_query(text)
    if not text:
        return originals
    return _either(queryset, originals.order_by().values("pk"), _hits(text).order_by().values("claim_id"))


def _either(queryset, original_ids, translated_ids):
    """The claims of `queryset` in either set of ids. PostgreSQL gets one IN over a UNION: with an
    OR of two IN subqueries its planner tests every claim of the table against both (a scan of
    the whole table: 100 ms at 100,000 claims, where the union costs what its two parts cost)."""
    if _is_postgres():
        return queryset.filter(pk__in=original_ids.union(translated_ids, all=True))
    return queryset.filter(Q(pk__in=original_ids) | Q(pk__in=translated_ids))


def concepts(text):
    """matching.match_concepts() without Ukrainian function words."""
    return [group for group in claims_matching.match_concepts(text) if group[0] not in UKRAINIAN_STOPWORDS]


def score(groups, document):
    """The share of the concepts the document holds (a word of it starts with a concept word's stem)."""
    words = set(_WORD.findall(document))
    hits = sum(1 for group in groups if any(w.startswith(stem(c)) for c in group for w in words))
    return hits / len(groups)


def match(text, limit, found):
    """`found` (the original's matches, each with `score`) and the published checks whose published
    translation matches `text` as well, each check once with its better score, best first. Two
    queries: the candidate translations, then their checks."""
    groups = concepts(text)
    if not groups:
        return found
    condition = Q()
    for group in groups:
        for word in group:
            condition |= Q(search_text__contains=stem(word))
    published = Claim.objects.published().values("pk")
    rows = (
        PublishedTranslation.objects.filter(condition, claim_id__in=published)
        .order_by("-updated_at")
        .values_list("claim_id", "search_text")[:CANDIDATES]
    )
    scores = {}
    for claim_id, document in rows:
        value = score(groups, document)
        if value >= claims_matching.MATCH_THRESHOLD:
            scores[claim_id] = max(value, scores.get(claim_id, 0))
    if not scores:
        return found
    by_id = {claim.pk: claim for claim in found}
    missing = [pk for pk in scores if pk not in by_id]
    for claim in Claim.objects.published().select_related("claimant", "verdict__rating").filter(pk__in=missing):
        claim.score = 0
        by_id[claim.pk] = claim
    for pk, value in scores.items():
        by_id[pk].score = max(by_id[pk].score, value)
    return sorted(by_id.values(), key=lambda c: (-c.score, -c.pk))[:limit]
