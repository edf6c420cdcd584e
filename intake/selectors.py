"""Article intake: reads for the editor's screen and the importarticle command."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from claims import matching
from claims.models import Claim
from intake.models import Intake, Sentence

MATCHES_PER_SENTENCE = 3


def intake_list():
    return Intake.objects.for_list()


@dataclass
class Suggestion:
    sentence: Sentence
    matches: list = field(default_factory=list)
    matching_failed: bool = False


def sentences_of(intake):
    return list(intake.sentences.select_related("claimant", "claim").order_by("position"))


# A sentence often carries more than one claim, and the matching of /api/v1/match/ scores the share of
# the *text's* words that a claim contains: a long sentence matches no short claim as a whole. So its
# clauses and quotations are matched too (those with at least MIN_CLAUSE_CONCEPTS words that count).
_CLAUSE_BREAK = re.compile(r"[;:“”\"]|,\s+")
MIN_CLAUSE_CONCEPTS = 3
MAX_CLAUSES = 3


def match_texts(text):
    """The sentence, then its longest clauses and quotations (by the words matching counts)."""
    pieces = [p.strip() for p in _CLAUSE_BREAK.split(text)]
    counted = sorted(
        ((len(matching.match_concepts(p)), p) for p in dict.fromkeys(pieces) if p and p != text),
        key=lambda item: -item[0],
    )
    return [text] + [p for n, p in counted if n >= MIN_CLAUSE_CONCEPTS][:MAX_CLAUSES]


def matches_for(sentence, *, exclude=()):
    """Claims, drafts included (the desk sees its own work), that match the sentence or one of its
    clauses, best first; the claims made from this same article are left out (each would match its
    own sentence). One matching query per text (two on PostgreSQL)."""
    among = Claim.objects.exclude(pk__in=exclude) if exclude else Claim.objects.all()
    best = {}
    for text in match_texts(sentence.text):
        for claim in matching.match(text, limit=MATCHES_PER_SENTENCE, among=among):
            if claim.pk not in best or claim.score > best[claim.pk].score:
                best[claim.pk] = claim
    return sorted(best.values(), key=lambda c: (-c.score, -c.pk))[:MATCHES_PER_SENTENCE]


def suggestions(sentences):
    """The suggested sentences, best first, each with the existing claims that match it: at most
    services.MAX_SUGGESTIONS sentences, 1 + MAX_CLAUSES matchings each."""
    made_here = [s.claim_id for s in sentences if s.claim_id]
    result = []
    for sentence in sorted((s for s in sentences if s.suggested), key=lambda s: (-s.score, s.position)):
        try:
            result.append(Suggestion(sentence, matches_for(sentence, exclude=made_here)))
        except matching.MatchTimeout:
            result.append(Suggestion(sentence, matching_failed=True))
    return result


def paragraphs_of(sentences):
    """The text as paragraphs of sentences, for the highlighted reading view."""
    paragraphs = {}
    for sentence in sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence)
    return [paragraphs[key] for key in sorted(paragraphs)]


def claim_status(claim):
    """A matching claim's state as the screen shows it (its verdict is select_related by matching)."""
    verdict = getattr(claim, "verdict", None)
    return verdict.get_status_display() if verdict else _("no verdict yet")
