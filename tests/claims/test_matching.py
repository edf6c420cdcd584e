"""claims.matching on whichever database the suite runs on (SQLite or PostgreSQL)."""

import pytest
from django.db import connection

from claims import matching
from claims.models import Verdict
from tests.factories import ClaimantFactory, make_verdict

KREMLIN = "The Kremlin is ready to start negotiations without delay."


def published(**claim_kwargs):
    return make_verdict(Verdict.Status.PUBLISHED, **claim_kwargs).claim_id


def test_concepts_drop_stop_words_and_group_synonyms():
    assert matching.match_concepts("The Kremlin said it is ready to begin talks, the Kremlin says") == [
        ("kremlin", "russia", "moscow", "russian"),
        ("ready", "prepared", "poised"),
        ("start", "begin", "launch", "commence", "initiate", "open"),
        ("negotiations", "negotiation", "negotiate", "talks", "dialogue"),
    ]
    assert matching.match_concepts("the of and said") == []


def test_at_least_k_of_n_combines_the_rarest_concepts():
    groups = [("a",), ("b", "bb"), ("c",)]
    assert matching._at_least(groups, 2) == "((a) & (b | bb)) | ((a) & (c)) | ((b | bb) & (c))"
    assert matching._at_least(groups, 1) == "((a)) | ((b | bb)) | ((c))"
    # 10 concepts, 6 needed: C(10, 6) = 210 terms is too many, so 6 of the rarest 8 need 4
    # (C(8, 4) = 70, still too many), then 7 rarest need 3 (C(7, 3) = 35).
    many = [(f"w{i}",) for i in range(10)]
    terms = matching._at_least(many, 6).split(" | ")
    assert len(terms) == 35
    assert terms[0] == "((w0) & (w1) & (w2))"
    assert "w7" not in matching._at_least(many, 6)


@pytest.mark.django_db
def test_a_paraphrase_finds_its_claim_and_unrelated_text_finds_nothing():
    kremlin = published(title="Kremlin ready for talks", text=KREMLIN, claimant=ClaimantFactory(name="Dmitry Peskov"))
    bread = published(title="Bread prices doubled", text="The price of bread doubled in a year in Germany.")
    for i in range(5):
        published(title=f"Rents rose in town {i}", text=f"Rents rose by {i} percent in a year.")

    found = matching.match("Moscow is prepared to begin talks without any delay")
    assert [c.pk for c in found] == [kremlin]
    assert found[0].score == 1.0
    assert [c.pk for c in matching.match("bread cost doubled")] == [bread]
    assert matching.match("The price of milk fell in France last year") == []
    assert matching.match("zebra crossings on motorways") == []


@pytest.mark.django_db
def test_only_published_claims_are_matched():
    kept = published(slug="kept", text=KREMLIN)
    for status in (Verdict.Status.DRAFT, Verdict.Status.IN_REVIEW, Verdict.Status.RETRACTED):
        make_verdict(status, slug=f"hidden-{status}", text=KREMLIN)
    assert [c.pk for c in matching.match(KREMLIN)] == [kept]


@pytest.mark.django_db
def test_scores_best_first_within_limit_and_above_threshold():
    full = published(title="Bread prices doubled in Berlin", text="Bread prices doubled in Berlin this year.")
    partial = published(title="Bread prices doubled", text="Bread prices doubled this year.")
    for i in range(3):
        published(title=f"Milk prices doubled {i}", text="Milk prices doubled.")
    found = matching.match("bread prices doubled in Berlin", limit=2)
    assert [(c.pk, round(c.score, 4)) for c in found] == [(full, 1.0), (partial, 0.75)]


@pytest.mark.django_db
def test_many_candidates_still_return_full_matches_first(monkeypatch):
    # More claims share the text's words than the candidate cap; those holding every concept
    # have their own candidate list, so they are never crowded out.
    monkeypatch.setattr(matching, "CANDIDATES", 3)
    for i in range(6):
        published(title=f"Wages rose {i}", text="Wages rose this year.")
    target = published(title="Wages rose in Lisbon", text="Wages rose in Lisbon this year.")
    found = matching.match("wages rose in Lisbon")
    assert found[0].pk == target
    assert found[0].score == 1.0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
@pytest.mark.django_db
def test_rarity_comes_from_the_column_statistics():
    for i in range(30):
        published(title=f"Wages rose {i}", text="Wages rose this year.")
    published(title="Wages rose in Lisbon", text="Wages rose in Lisbon this year.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    rarity = matching._concept_rarity(matching.match_concepts("wages in Lisbon rose"))
    assert [group[0] for _, group in rarity] == ["lisbon", "wages", "rise"]
    # Share of claims holding the lexeme (every lexeme of so small a table is in the list).
    assert [round(freq, 3) for freq, _ in rarity[:2]] == [round(1 / 31, 3), 1.0]
