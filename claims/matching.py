"""Matching: "has this claim been checked already?"

A partner's text is split into concepts: each word that is not a stop word, widened by the
thesaurus below to its synonyms. The score is the share of the text's concepts that the claim
contains (1 for a hit in its title or statement, 0.5 for one only in its claimant's name or the
conclusion), and a claim must reach 0.6 (one shared word of two is not a match); on PostgreSQL,
trigram word similarity lifts near-verbatim quotes too. The same words, stems and weights on both
databases, so both give the same answers on the test cases; PostgreSQL stems with the configured
dictionary, SQLite with match_stem().

Speed on PostgreSQL (100,000 claims): a claim that reaches the threshold contains at least k of
the text's n concepts, so candidates are the claims whose search vector holds k of them, asked of
the GIN index as one tsquery (combinations of the rarest concepts, rarity read from the column's
planner statistics), plus those that hold every concept. Each candidate list stops at CANDIDATES
rows before anything is scored (past that the text is too common for the order among equals to
matter much), and a statement timeout guards the rest. The planner picks the scan for each list
(a GIN bitmap, or a sequential scan that stops at the LIMIT when most claims qualify). Trigram
similarity only scores candidates: a text sharing too few concepts with a claim is not looked up
by trigrams, which would cost a second (a full trigram scan) for texts of common words.
"""

import math
import re
from itertools import combinations

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

from claims.models import Claim
from claims.search import STOPWORDS, clean_query, is_postgres

MATCH_THRESHOLD = 0.6
MAX_CONCEPTS = 24
# Bounds the rows scored per query: past this many candidates the text is too common to rank
# them all within the time budget (the ones scored all contain enough of its concepts).
CANDIDATES = 200
# At most this many AND-terms in the k-of-n candidate tsquery; beyond it, fewer (rarer) concepts.
MAX_TERMS = 40
STATEMENT_TIMEOUT_MS = 2000

_WORD = re.compile(r"\w+", re.UNICODE)

# PostgreSQL's English stop words (Snowball), so that both databases drop the same words, plus
# reporting verbs: "X said Y" is matched on Y.
_EXTRA_STOPWORDS = """
    about above after again against all am any because been before being below between both can
    could did do does doing down during each few further had having here hers herself him himself
    how if into itself just me more most my myself no nor now off once only other ours ourselves
    out over own same should so some such than theirs themselves then there these those through
    too under until up very what when where which while who whom why yours yourself yourselves
    said says say saying stated claimed told according announced
    """
MATCH_STOPWORDS = STOPWORDS | frozenset(_EXTRA_STOPWORDS.split())

# A small thesaurus of the words claims are reworded with. Each line is one concept; extend it
# when a paraphrase that should match does not.
SYNONYMS = [
    "ready prepared poised",
    "start begin launch commence initiate open",
    "negotiations negotiation negotiate talks dialogue",
    "kremlin russia moscow russian",
    "ukraine kyiv kiev ukrainian",
    "ceasefire truce armistice",
    "withdraw withdrawal pull retreat leave",
    "troops forces soldiers army military",
    "abandon abandons drop renounce give",
    "join membership accession",
    "demand demands require insist",
    "region regions territory territories province provinces oblast",
    "immediately immediate instantly",
    "delay postponement",
    "war conflict invasion",
    "price prices cost costs",
    "rise rose risen increase increased grew climb climbed",
    "fall fell fallen decrease decreased decline declined",
    "unemployment jobless",
]
_SYNONYM_OF = {}
for _line in SYNONYMS:
    _group = tuple(_line.split())
    for _word in _group:
        _SYNONYM_OF[_word] = _group


class MatchTimeout(Exception):
    """The match query ran past STATEMENT_TIMEOUT_MS and was cancelled by the database."""


def match_concepts(text):
    """The text's concepts: for each distinct word that is not a stop word, the word and its
    synonyms (at most MAX_CONCEPTS)."""
    concepts, seen = [], set()
    for word in _WORD.findall(clean_query(text).lower()):
        if word in MATCH_STOPWORDS or word in seen or len(concepts) >= MAX_CONCEPTS:
            continue
        group = _SYNONYM_OF.get(word, (word,))
        seen.update(group)
        concepts.append(group if word in group else (word, *group))
    return concepts


def match_stem(word):
    """A crude English stemmer for the SQLite fallback: enough to equate talks/talk, regions/region,
    prepared/prepare, gives/give."""
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def match(text, *, limit=10, threshold=MATCH_THRESHOLD, among=None):
    """Published claims most similar to `text`, best first, each annotated with `score` in [0, 1]
    (see the module docstring). `among` widens or narrows the claims searched (staff pages pass
    Claim.objects.all() to see drafts too); the default is what readers and partners may see. On
    PostgreSQL two queries in one transaction (concept statistics, then candidates and scores);
    raises MatchTimeout if the database cancels them."""
    concepts = match_concepts(text)
    if not concepts:
        return []
    base = (Claim.objects.published() if among is None else among).select_related("claimant", "verdict__rating")
    if not is_postgres():
        return _match_sqlite(base, concepts, limit, threshold)
    try:
        with transaction.atomic():
            return _match_postgres(base, clean_query(text), concepts, limit, threshold)
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise MatchTimeout from error
        raise


def match_claim(text, claim, *, threshold=MATCH_THRESHOLD):
    """The score match() gives `claim` (a published claim) for `text`, or None below the threshold:
    for watches, "does this newly published check match the text?". Unlike match(), the claim is
    scored even when the text is so common that it would fall outside match()'s candidate lists."""
    concepts = match_concepts(text)
    if not concepts:
        return None
    base = Claim.objects.filter(pk=claim.pk)
    if not is_postgres():
        found = _match_sqlite(base, concepts, 1, threshold)
    else:
        try:
            with transaction.atomic():
                found = _match_postgres(base, clean_query(text), concepts, 1, threshold, capped=False)
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
                raise MatchTimeout from error
            raise
    return found[0].score if found else None


def _concept_rarity(concepts):
    """One query: sets the transaction's statement timeout and returns, for each concept the
    dictionary keeps (a stop word it drops is no concept), (its planner frequency, the concept),
    rarest first. A lexeme missing from the column's most-common list counts as 0."""
    sql = """
        WITH mce AS (
            SELECT e.lexeme, e.freq
            FROM pg_stats p, unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) AS e(lexeme, freq)
            WHERE p.schemaname = current_schema() AND p.tablename = 'claims_claim' AND p.attname = 'search_vector'
        )
        SELECT set_config('statement_timeout', %s, true),
               c.i,
               numnode(to_tsquery(%s::regconfig, c.q)),
               (SELECT coalesce(sum(freq), 0) FROM mce
                WHERE lexeme = ANY (tsvector_to_array(to_tsvector(%s::regconfig, c.q))))
        FROM unnest(%s::text[]) WITH ORDINALITY AS c(q, i)
    """
    cfg = settings.SEARCH_CONFIG
    queries = [" | ".join(group) for group in concepts]
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(STATEMENT_TIMEOUT_MS), cfg, cfg, queries])
        rows = cursor.fetchall()
    kept = [(freq, concepts[i - 1]) for *_, i, nodes, freq in rows if nodes > 0]
    return sorted(kept, key=lambda row: row[0])


def _at_least(groups, k):
    """A tsquery true for a search vector holding at least k of the n groups. It holds at least
    k - (n - m) of any m of them, so for large n only the m rarest are combined."""
    n = len(groups)
    m, j = n, k
    while j > 1 and math.comb(m, j) > MAX_TERMS:
        m, j = m - 1, j - 1
    terms = [" & ".join(f"({' | '.join(g)})" for g in combo) for combo in combinations(groups[:m], j)]
    return " | ".join(f"({term})" for term in terms)


def _match_postgres(base, text, concepts, limit, threshold, *, capped=True):
    cfg = settings.SEARCH_CONFIG
    groups = [group for _, group in _concept_rarity(concepts)]
    if not groups:
        return []
    n = len(groups)
    every = " & ".join(f"({' | '.join(g)})" for g in groups)
    needed = math.ceil(threshold * n - 1e-9)
    # Candidates are not limited to published claims (drafts are a few percent and would need a
    # join); the outer query starts from `base` (published claims unless the caller chose), which
    # keeps the others out.
    candidate_sql = "(SELECT id FROM claims_claim WHERE search_vector @@ to_tsquery(%s::regconfig, %s) LIMIT %s)"
    candidates = RawSQL(
        f"claims_claim.id IN ({candidate_sql} UNION ALL {candidate_sql})",
        (cfg, every, CANDIDATES, cfg, _at_least(groups, needed), CANDIDATES),
        output_field=BooleanField(),
    )
    if not capped:  # `base` is a few claims: test them without the candidate lists' cap
        candidates = RawSQL(
            "(claims_claim.search_vector @@ to_tsquery(%s::regconfig, %s)"
            " OR claims_claim.search_vector @@ to_tsquery(%s::regconfig, %s))",
            (cfg, every, cfg, _at_least(groups, needed)),
            output_field=BooleanField(),
        )
    hits, params = [], []
    for group in groups:
        hits.append(
            "CASE WHEN claims_claim.search_vector @@ to_tsquery(%s::regconfig, %s) THEN 1.0"
            " WHEN claims_claim.search_vector @@ to_tsquery(%s::regconfig, %s) THEN 0.5 ELSE 0 END"
        )
        params += [cfg, " | ".join(f"{w}:AB" for w in group), cfg, " | ".join(group)]
    score = RawSQL(
        f"GREATEST(word_similarity(%s, claims_claim.text), ({' + '.join(hits)}) / {n})",
        (text, *params),
        output_field=FloatField(),
    )
    # Among equal scores, the claim worded most like the text first.
    closeness = RawSQL("word_similarity(%s, claims_claim.title)", (text,), output_field=FloatField())
    rows = (
        base.filter(candidates)
        .annotate(score=score, closeness=closeness)
        .filter(score__gte=threshold)
        .order_by("-score", "-closeness", "-pk")
    )
    return list(rows[:limit])


def _match_sqlite(base, concepts, limit, threshold):
    stems = [{match_stem(w) for w in group} for group in concepts]
    condition = Q()
    for stem in set().union(*stems):
        condition |= Q(title__icontains=stem) | Q(text__icontains=stem) | Q(search_extra__icontains=stem)
    scored = []
    for claim in base.filter(condition).order_by("-pk")[:500]:
        main = {match_stem(w) for w in _WORD.findall(f"{claim.title} {claim.text}".lower())}
        extra = {match_stem(w) for w in _WORD.findall(claim.search_extra.lower())}
        total = sum(1.0 if group & main else 0.5 if group & extra else 0.0 for group in stems)
        claim.score = total / len(stems)
        if claim.score >= threshold:
            scored.append(claim)
    scored.sort(key=lambda c: (-c.score, -c.pk))
    return scored[:limit]
