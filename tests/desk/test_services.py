"""Reader tips and notification settings: desk.services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from claims import services as claim_services
from claims.models import Appearance, Claim
from claims.services import WorkflowError
from desk import services
from desk.models import NotificationPreference, Tip
from sources.models import Source
from tests.factories import ClaimFactory, SourceFactory, today

pytestmark = pytest.mark.django_db


# --- tip_submit -----------------------------------------------------------------------------------


def test_a_tip_is_stored_as_sent_with_control_characters_removed():
    tip = services.tip_submit(
        text="Bread\x00 costs\x0btwice as much.", where_seen="TV\x07 debate", url="http://news.example/a", email=""
    )
    stored = Tip.objects.get()
    assert stored == tip
    assert (stored.text, stored.where_seen, stored.url, stored.email, stored.status) == (
        "Bread costs\ntwice as much.",
        "TV debate",
        "http://news.example/a",
        "",
        "new",
    )
    assert (stored.claim, stored.handled_by, stored.handled_at, stored.dismiss_reason) == (None, None, None, "")


@pytest.mark.parametrize("url", ["ftp://files.example/claim.txt", "ftps://files.example/claim.txt"])
def test_a_tip_link_must_be_http_or_https(url):
    with pytest.raises(ValidationError) as refused:
        services.tip_submit(text="A claim.", url=url)
    assert refused.value.message_dict == {"url": ["Enter a web address starting with https:// or http://."]}
    assert not Tip.objects.exists()


def test_a_tip_longer_than_2000_characters_is_refused():
    with pytest.raises(ValidationError) as refused:
        services.tip_submit(text="x" * 2001)
    assert refused.value.message_dict == {"text": ["Please shorten this to 2000 characters at most (it has 2001)."]}
    assert not Tip.objects.exists()


def test_an_empty_tip_is_refused():
    with pytest.raises(ValidationError) as refused:
        services.tip_submit(text="")
    assert refused.value.message_dict == {"text": ["This field cannot be blank."]}


# --- Titles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Bread costs twice as much. Everyone says so.", "Bread costs twice as much"),
        ("Is bread  twice\nas dear? I doubt it.", "Is bread twice as dear?"),
        ("No full stop at all", "No full stop at all"),
        ("Bread!Costs", "Bread!Costs"),
    ],
)
def test_tip_title_is_the_first_sentence_on_one_line(text, title):
    assert services.tip_title(text) == title


def test_a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis():
    text = ("word " * 60).strip() + "."
    title = services.tip_title(text)
    assert title == ("word " * 39).strip() + "…"
    assert len(title) == 195


# --- Triage ---------------------------------------------------------------------------------------


def test_editor_turns_a_tip_without_a_link_into_an_unattributed_draft_claim(editor):
    tip = services.tip_submit(text="Bread costs twice as much. Everyone says so.", where_seen="On the radio")
    claim = services.tip_convert(tip=tip, by=editor)
    assert Claim.objects.get() == claim
    assert (claim.title, claim.slug, claim.text, claim.unattributed, claim.claimant, claim.language) == (
        "Bread costs twice as much",
        "bread-costs-twice-as-much",
        "Bread costs twice as much. Everyone says so.",
        True,
        None,
        "en",
    )
    claim.refresh_from_db()
    assert (claim.created_by, list(claim.changers.all())) == (editor, [editor])
    assert claim.revision_hash == claim_services.claim_revision(claim)
    assert not hasattr(claim, "verdict") or claim.verdict is None
    assert not Appearance.objects.exists() and not Source.objects.exists()
    tip.refresh_from_db()
    assert (tip.status, tip.claim, tip.handled_by, tip.handled_at is not None) == ("converted", claim, editor, True)


def test_a_tip_with_a_link_brings_its_source_and_an_appearance_quoting_it_seen_today(editor, new_tip):
    claim = services.tip_convert(tip=new_tip, by=editor)
    source = Source.objects.get()
    assert (source.title, source.slug, source.url, source.normalized_url, source.accessed_on) == (
        "A post on a social network",
        "a-post-on-a-social-network",
        "https://social.example/posts/123",
        "https://social.example/posts/123",
        today(),
    )
    appearance = Appearance.objects.get()
    assert (appearance.claim, appearance.source, appearance.quote, appearance.seen_on, appearance.is_first) == (
        claim,
        source,
        new_tip.text,
        today(),
        True,
    )
    assert claim.title == "The minister said bread costs twice what it did last year"


def test_a_tip_link_already_on_record_reuses_that_source(editor):
    existing = SourceFactory(url="https://News.example/story/")
    tip = services.tip_submit(text="A claim seen in the news.", url="https://news.example/story#top")
    services.tip_convert(tip=tip, by=editor)
    assert list(Source.objects.all()) == [existing]
    assert Appearance.objects.get().source == existing


def test_a_source_without_where_seen_is_named_after_its_address(editor):
    tip = services.tip_submit(text="A claim.", url="https://social.example/posts/9/")
    services.tip_convert(tip=tip, by=editor)
    assert Source.objects.values_list("title", "slug").get() == ("social.example/posts/9", "socialexampleposts9")


def test_a_taken_slug_gets_a_number(editor):
    ClaimFactory(slug="bread-costs-twice-as-much")
    ClaimFactory(slug="bread-costs-twice-as-much-2")
    tip = services.tip_submit(text="Bread costs twice as much.")
    assert services.tip_convert(tip=tip, by=editor).slug == "bread-costs-twice-as-much-3"


def test_a_title_without_latin_letters_gets_a_tip_slug(editor):
    tip = services.tip_submit(text="Хлеб подорожал вдвое.")
    claim = services.tip_convert(tip=tip, by=editor)
    assert (claim.title, claim.slug) == ("Хлеб подорожал вдвое", "tip")


def test_reviewer_dismisses_a_tip_with_a_reason(reviewer, new_tip):
    services.tip_dismiss(tip=new_tip, reason="  Already checked last month.  ", by=reviewer)
    tip = Tip.objects.get()
    assert (tip.status, tip.dismiss_reason, tip.handled_by, tip.claim) == (
        "dismissed",
        "Already checked last month.",
        reviewer,
        None,
    )


@pytest.mark.parametrize("reason", ["", "   ", "\x00\x07"])
def test_a_dismissal_needs_a_reason(reviewer, new_tip, reason):
    with pytest.raises(WorkflowError) as refused:
        services.tip_dismiss(tip=new_tip, reason=reason, by=reviewer)
    assert refused.value.message_dict == {
        "reason": ["Say why the tip is dismissed (e.g. already checked, not a claim, spam)."]
    }
    assert Tip.objects.get().status == "new"


def test_a_handled_tip_cannot_be_converted_or_dismissed_again(editor, reviewer, new_tip):
    services.tip_dismiss(tip=new_tip, reason="Spam.", by=reviewer)
    with pytest.raises(WorkflowError) as refused:
        services.tip_convert(tip=new_tip, by=editor)
    assert refused.value.messages == ["This tip was already handled (Dismissed, by rafael-reviewer)."]
    with pytest.raises(WorkflowError):
        services.tip_dismiss(tip=new_tip, reason="Again.", by=editor)
    assert not Claim.objects.exists()
    assert Tip.objects.values_list("status", "dismiss_reason", "handled_by").get() == (
        "dismissed",
        "Spam.",
        reviewer.pk,
    )


def test_a_tip_converted_twice_makes_one_claim(editor, reviewer, new_tip):
    services.tip_convert(tip=new_tip, by=editor)
    with pytest.raises(WorkflowError):
        services.tip_convert(tip=new_tip, by=reviewer)
    assert Claim.objects.count() == 1


def test_a_reader_cannot_triage(reader, new_tip):
    with pytest.raises(PermissionDenied):
        services.tip_convert(tip=new_tip, by=reader)
    with pytest.raises(PermissionDenied):
        services.tip_dismiss(tip=new_tip, reason="No.", by=reader)
    assert Tip.objects.get().status == "new"


def test_allowed_actions_follow_role_and_status(editor, reviewer, reader, new_tip):
    assert services.tip_allowed_actions(new_tip, editor) == {"convert", "dismiss"}
    assert services.tip_allowed_actions(new_tip, reviewer) == {"convert", "dismiss"}
    assert services.tip_allowed_actions(new_tip, reader) == set()
    services.tip_dismiss(tip=new_tip, reason="Spam.", by=reviewer)
    assert services.tip_allowed_actions(new_tip, editor) == set()


# --- Notification settings ------------------------------------------------------------------------


def test_settings_start_with_every_kind_on_and_unsaved(editor):
    preference = services.notification_settings(editor)
    assert preference.pk is None
    assert (preference.assigned, preference.submitted, preference.returned, preference.published, preference.tip) == (
        True,
        True,
        True,
        True,
        True,
    )


def test_settings_are_saved_per_user(editor, reviewer):
    services.notification_settings_save(user=reviewer, tip=False, submitted=True)
    services.notification_settings_save(user=reviewer, tip=False, submitted=False)
    assert list(NotificationPreference.objects.values_list("user", "tip", "submitted", "assigned")) == [
        (reviewer.pk, False, False, True)
    ]
    assert services.notification_settings(editor).pk is None


def test_only_staff_have_notification_settings(reader):
    with pytest.raises(PermissionDenied):
        services.notification_settings_save(user=reader, tip=False)
    assert not NotificationPreference.objects.exists()


def test_an_unknown_notification_kind_is_an_error(editor):
    with pytest.raises(ValueError, match="scheduled"):
        services.notification_settings_save(user=editor, scheduled=False)
