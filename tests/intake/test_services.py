"""Importing articles and turning their sentences into draft claims, through intake.services: the same
rules whichever way the article came in."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from claims import services as claim_services
from claims.models import Appearance, Claim, Verdict
from intake import selectors, services
from intake.cleaning import IntakeError
from intake.models import Intake, Sentence
from sources.models import Publisher, Source
from tests.factories import ClaimantFactory
from tests.intake.conftest import BOILERPLATE, CHECKABLE, HEADLINE, REPORT, SEED, SEED_CLAIM_OF, page

pytestmark = pytest.mark.django_db
JUNE_14 = datetime.date(2024, 6, 14)


def _seed_intake(editor, seed_text):
    return services.intake_from_text(text=seed_text, by=editor)


def test_pasting_the_seed_makes_a_source_with_the_whole_report_and_no_boilerplate(editor, seed_text):
    intake = _seed_intake(editor, seed_text)
    source = intake.source
    assert (intake.method, intake.status, intake.created_by, intake.reused_source) == ("paste", "ready", editor, False)
    paragraphs = [REPORT[0], REPORT[1:4], REPORT[4], REPORT[5:7], REPORT[7], REPORT[8:10], REPORT[10]]
    assert source.snapshot_text == "\n\n".join(
        [HEADLINE, *(p if isinstance(p, str) else " ".join(p) for p in paragraphs)]
    )
    for line in BOILERPLATE:
        assert line not in source.snapshot_text
    assert (source.title, source.kind, source.language, source.url, source.publisher) == (
        HEADLINE,
        "news_article",
        "en",
        "",
        None,
    )
    assert source.snapshot_sha256 == hashlib.sha256(source.snapshot_text.encode()).hexdigest()
    assert source.captured_at is not None
    assert [s.text for s in intake.sentences.order_by("position")] == REPORT


def test_the_same_text_twice_finds_the_existing_source(editor, other_editor, seed_text):
    first = _seed_intake(editor, seed_text)
    second = services.intake_from_file(data=SEED.read_bytes(), filename=SEED.name, by=other_editor)
    assert (second.source, second.reused_source, second.method) == (first.source, True, "upload")
    assert Source.objects.count() == 1
    assert Intake.objects.count() == 2
    assert second.sentences.count() == first.sentences.count() == 11


def test_the_seed_ranks_its_checkable_sentences_first_and_suggests_them(editor, seed_text):
    intake = _seed_intake(editor, seed_text)
    ranked = list(intake.sentences.order_by("-score").values_list("position", flat=True))
    assert set(ranked[: len(CHECKABLE)]) == CHECKABLE
    suggested = set(intake.sentences.filter(suggested=True).values_list("position", flat=True))
    assert suggested >= CHECKABLE
    assert suggested - CHECKABLE == {6}  # "The Russian leader enumerated…", just over the line (0.52)
    bands = dict(intake.sentences.values_list("position", "score"))
    assert {n: Sentence(score=score).band for n, score in bands.items()} == {
        1: 3,
        2: 1,
        3: 1,
        4: 1,
        5: 3,
        6: 2,
        7: 1,
        8: 2,
        9: 1,
        10: 4,
        11: 3,
    }
    first = intake.sentences.get(position=1)
    assert first.kind == Sentence.Kind.PLEDGE  # "has pledged to"
    assert {r["feature"] for r in first.reasons} >= {"number", "attribution", "entity", "condition"}
    assert first.speaker == "Russian President Vladimir Putin"


def test_the_likely_claimant_is_an_existing_claimant_matched_by_name(editor, seed_text):
    putin = ClaimantFactory(name="Vladimir Putin", slug="vladimir-putin")
    ClaimantFactory(name="Vladimir Zelensky")  # shares a first name only: never a match
    intake = _seed_intake(editor, seed_text)
    by_position = {s.position: s for s in intake.sentences.select_related("claimant")}
    assert {n for n, s in by_position.items() if s.claimant == putin} == {1, 3, 5, 7, 10}
    assert by_position[9].speaker == "Kremlin" and by_position[9].claimant is None
    assert by_position[8].claimant is None and by_position[11].claimant is None


def test_selected_sentences_become_draft_claims_with_their_appearance(editor, seed_text):
    putin = ClaimantFactory(name="Vladimir Putin", slug="vladimir-putin")
    intake = _seed_intake(editor, seed_text)
    chosen = list(intake.sentences.filter(position__in=[1, 5, 11]))
    claims = services.sentences_convert(intake=intake, sentences=chosen, seen_on=JUNE_14, by=editor)
    assert [(c.text, c.kind, c.claimant, c.made_on, c.created_by) for c in claims] == [
        (REPORT[0], "pledge", putin, JUNE_14, editor),
        (REPORT[4], "statement", putin, JUNE_14, editor),
        (REPORT[10], "statement", None, JUNE_14, editor),
    ]
    assert claims[0].title == REPORT[0][:198].rsplit(" ", 1)[0] + "…"
    assert claims[1].slug == "in-contrast-to-freezing-the-crisis-in-ukraine-mr-putin-stated-that-his"
    for claim, sentence in zip(claims, chosen, strict=True):
        appearance = Appearance.objects.get(claim=claim)
        assert (appearance.source, appearance.quote, appearance.seen_on, appearance.is_first) == (
            intake.source,
            sentence.text,
            JUNE_14,
            True,
        )
        assert not Verdict.objects.filter(claim=claim).exists()  # a draft: nothing public
        claim.refresh_from_db()
        assert claim.revision_hash == claim_services.claim_revision(claim)
        assert list(claim.changers.all()) == [editor]
    assert dict(intake.sentences.exclude(claim=None).values_list("position", "claim__slug")) == {
        1: claims[0].slug,
        5: claims[1].slug,
        11: claims[2].slug,
    }


def test_converting_is_all_or_nothing(editor, seed_text):
    intake = _seed_intake(editor, seed_text)
    services.sentences_convert(intake=intake, sentences=[intake.sentences.get(position=5)], seen_on=JUNE_14, by=editor)
    with pytest.raises(ValidationError) as refused:
        services.sentences_convert(
            intake=intake, sentences=list(intake.sentences.filter(position__in=[1, 5])), seen_on=JUNE_14, by=editor
        )
    assert refused.value.messages == ["Sentence 5 is already a claim."]
    assert Claim.objects.count() == 1
    assert intake.sentences.get(position=1).claim is None


def test_a_reader_can_neither_import_nor_convert(reader, editor, seed_text):
    with pytest.raises(PermissionDenied):
        services.intake_from_text(text=seed_text, by=reader)
    intake = _seed_intake(editor, seed_text)
    with pytest.raises(PermissionDenied):
        services.sentences_convert(
            intake=intake, sentences=list(intake.sentences.all()[:1]), seen_on=JUNE_14, by=reader
        )
    assert Claim.objects.count() == 0


def test_the_seed_claims_are_flagged_as_matches_after_loadseeds(editor, reviewer, seed_text):
    call_command("loadseeds", "--reviewer", reviewer.username, verbosity=0)
    intake = _seed_intake(editor, seed_text)
    sentences = selectors.sentences_of(intake)
    found = {item.sentence.position: [c.slug for c in item.matches] for item in selectors.suggestions(sentences)}
    for position, slug in SEED_CLAIM_OF.items():
        assert found[position][0] == slug, position
    assert found[11] == []  # no seed claim is about Zaporizhzhia's and Kherson's control
    # Drafts and claims in review match as well as published ones (staff see them).
    statuses = {c.slug: c.verdict.status for c in Claim.objects.select_related("verdict")}
    assert {statuses[slug] for slug in SEED_CLAIM_OF.values()} == {"published", "in_review", "draft"}


def test_the_claims_made_from_an_article_do_not_match_their_own_sentences(editor, reviewer, seed_text):
    call_command("loadseeds", "--reviewer", reviewer.username, verbosity=0)
    intake = _seed_intake(editor, seed_text)
    services.sentences_convert(intake=intake, sentences=[intake.sentences.get(position=5)], seen_on=JUNE_14, by=editor)
    item = next(i for i in selectors.suggestions(selectors.sentences_of(intake)) if i.sentence.position == 5)
    assert [c.slug for c in item.matches] == ["kremlin-ready-to-negotiate-without-delay"]


def test_a_news_page_upload_records_its_metadata_and_publisher(editor):
    intake = services.intake_from_file(data=page("riverside-bus-fares.html"), filename="bus.html", by=editor)
    source = intake.source
    assert (source.title, source.author, source.published_on, source.language) == (
        "Council says bus fares will fall by 10 percent next year",
        "Maria Okafor",
        datetime.date(2024, 3, 7),
        "en",
    )
    assert (source.publisher.name, source.publisher.domain) == ("The Riverside Courier", "")
    again = services.intake_from_file(data=page("riverside-bus-fares.html"), filename="bus-2.html", by=editor)
    assert (again.source, Publisher.objects.count()) == (source, 1)


def test_another_language_is_saved_without_suggestions_and_says_so(editor):
    intake = services.intake_from_file(data=page("berlin-haushalt.html"), filename="berlin.html", by=editor)
    assert (intake.status, intake.source.language, intake.sentences.count()) == ("ready", "de", 0)
    assert intake.notes == [
        "The text is in German. Check-worthiness is scored for English only, so no sentences are suggested; "
        "the text is saved as a source."
    ]


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda by: services.intake_from_text(text="   ", by=by), "empty"),
        (lambda by: services.intake_from_file(data=b"\x00\x01\x02" * 100, filename="x.txt", by=by), "binary"),
        (lambda by: services.intake_from_text(text="Title\n\n" + "Word " * 30_000, by=by), "too_long"),
        (lambda by: services.intake_from_file(data=b"a" * 3_000_000, filename="x.txt", by=by), "too_big"),
        (lambda by: services.intake_from_url(url="ftp://example.org/a", by=by), "scheme"),
    ],
    ids=["empty", "binary", "too-long", "too-big", "ftp"],
)
def test_refused_input_leaves_nothing_behind(editor, call, code):
    with pytest.raises(IntakeError) as refused:
        call(editor)
    assert refused.value.code == code
    assert (Intake.objects.count(), Source.objects.count(), Sentence.objects.count()) == (0, 0, 0)


def test_url_fetches_are_rate_limited_per_editor(editor, other_editor, settings):
    settings.INTAKE_FETCH_RATE = "2/hour"
    for _ in range(2):
        services.intake_from_url(url="https://news.example/a", by=editor)
    with pytest.raises(IntakeError) as refused:
        services.intake_from_url(url="https://news.example/a", by=editor)
    assert refused.value.code == "rate_limited"
    assert refused.value.message.startswith("You have asked for many pages in a short time; try again in ")
    services.intake_from_url(url="https://news.example/a", by=other_editor)
    assert Intake.objects.filter(status="queued").count() == 3


def test_a_url_already_recorded_with_another_text_is_refused(editor, news_server):
    Source.objects.create(title="Earlier capture", slug="earlier", url=f"{news_server}/news/bus-fares")
    intake = services.intake_from_url(url=f"{news_server}/news/bus-fares", by=editor, background=False)
    intake = services.intake_fetch(intake_id=intake.pk)
    assert (intake.status, intake.source) == ("failed", None)
    assert intake.error == (
        "This address is already recorded as the source “Earlier capture”, with a different captured text. Open that "
        "source, or paste the new text to import it separately."
    )
    assert Source.objects.count() == 1


def test_slugs_stay_unique(editor):
    Source.objects.create(title="x", slug="city-budget-doubles")
    intake = services.intake_from_text(text="City budget doubles\n\nThe budget doubled to 4 million.", by=editor)
    assert intake.source.slug == "city-budget-doubles-2"
