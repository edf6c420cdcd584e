"""The relevance test set (issue 13): queries a reader would type (queries.json), each with the
claims that must rank in the top 3, over the seeds, the hand-written claims of corpus.json and
2,000 claims from manage.py generatebench. Prints the mean reciprocal rank (MRR) of the first
expected claim and fails on any query whose expected claims are not all in its top 3.

PostgreSQL only: the ranking under test is PostgreSQL's (claims/search.py); SQLite's fallback for
`make run` only filters and is tested in tests/claims/test_search.py."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from claims import selectors, services
from claims.models import Claimant, Topic, Verdict
from claims.search import search
from tests.factories import make_verdict

HERE = Path(__file__).parent
CORPUS = json.loads((HERE / "corpus.json").read_text(encoding="utf-8"))["claims"]
QUERIES = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))["queries"]
GENERATED = 2000

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ranks with PostgreSQL full-text search"),
]


def add_corpus_claim(spec, reviewer):
    name = spec["claimant"]
    claimant, _ = Claimant.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})
    verdict = make_verdict(
        slug=spec["slug"],
        title=spec["title"],
        text=spec["text"],
        claimant=claimant,
        kind=spec.get("kind", "statement"),
        reviewer=reviewer,
    )
    topics = [
        Topic.objects.get_or_create(name=t, defaults={"slug": t.lower().replace(" ", "-")})[0] for t in spec["topics"]
    ]
    verdict.claim.topics.set(topics)
    Verdict.objects.filter(pk=verdict.pk).update(conclusion=spec["conclusion"], analysis=spec["analysis"])
    services._refresh_claim(verdict.claim_id)


@pytest.fixture
def corpus(reviewer):
    # Noise in the same vocabulary; the command is for development and benchmark databases only.
    call_command("generatebench", claims=GENERATED, allow_production_settings=True, stdout=None)
    call_command("loadseeds", "--reviewer", reviewer.username, stdout=None)
    for spec in CORPUS:
        add_corpus_claim(spec, reviewer)


def top(query, n=10):
    return list(search(selectors.published_claims(), query).values_list("slug", flat=True)[:n])


def test_the_relevance_set_is_big_enough():
    assert len(QUERIES) >= 30
    slugs = {c["slug"] for c in CORPUS}
    seeds = {c["slug"] for c in json.loads(Path("seeds/putin-ceasefire.json").read_text(encoding="utf-8"))["claims"]}
    assert all(set(q["top3"]) <= slugs | seeds for q in QUERIES)


def test_every_query_ranks_its_claims_in_the_top_3(corpus, capsys):
    misses, reciprocal = [], []
    for case in QUERIES:
        ranked = top(case["q"])
        positions = [ranked.index(s) + 1 if s in ranked else None for s in case["top3"]]
        found = [p for p in positions if p is not None]
        reciprocal.append(1 / min(found) if found else 0.0)
        if not all(p is not None and p <= 3 for p in positions):
            misses.append(f"{case['q']!r}: expected {case['top3']} in the top 3, got {ranked[:5]}")
    mrr = sum(reciprocal) / len(reciprocal)
    with capsys.disabled():
        print(f"\nrelevance: {len(QUERIES)} queries, MRR {mrr:.3f}, {len(misses)} missed the top 3")
    assert misses == [], "\n".join(misses)
