"""The editors' admin: every page renders for its role within a fixed query budget, and the editorial
workflow (submit, publish, correct, retract), optimistic locking and PROTECT refusals work through it."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from claims import services
from claims.models import APIKey, Appearance, Claim, Claimant, Correction, Evidence, PendingChange, Rating, Verdict
from tests.factories import (
    AppearanceFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    correct,
    make_verdict,
)

pytestmark = pytest.mark.django_db


def form_data(response):
    """The POST data of an admin change form as rendered: the main form and every inline formset
    (management forms included), so a test changes only what it means to change."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value is not None and value is not False:
                data[form.add_prefix(name)] = value
    if response.context.get("unit_revision"):
        data["_revision"] = response.context["unit_revision"]  # the revision the page showed
    return data


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def _post_change(client, obj, **changes):
    """Load the change form of obj, change some fields and post it; follow the redirect."""
    data = form_data(client.get(_change_url(obj)))
    data.update(changes)
    return client.post(_change_url(obj), data, follow=True)


# --- Every page renders within a fixed query budget ------------------------------------------------


def _populate(rows, editor, reviewer):
    """`rows` of everything each admin page lists, and one draft and one published verdict each with
    `rows` appearances, evidence sources (and, published, corrections)."""
    draft = make_verdict(Verdict.Status.DRAFT, title="The draft claim")
    published = make_verdict(reviewer=reviewer, title="The published claim")
    for verdict in (draft, published):
        for _ in range(rows - 1):
            AppearanceFactory(claim=verdict.claim, is_first=False)
            EvidenceFactory(verdict=verdict)
    for n in range(rows):
        correct(verdict=published, by=reviewer, note=f"Clarified point {n}.", kind="clarification")
    for n in range(rows - 1):
        make_verdict(reviewer=reviewer, title=f"Other claim {n}")
    for n in range(rows):
        TopicFactory()
        APIKey.objects.create(name=f"Partner {n}", prefix=f"pfx{n:05d}", hashed_key=APIKey.hash(f"key-{n}"))
        Rating.objects.create(
            scale="veracity", label=f"Extra label {n}", slug=f"extra-{n}", description="x", colour="#123456"
        )
    return {
        "draft": draft,
        "published": published,
        "claimant": draft.claim.claimant,
        "topic": TopicFactory(name="Budget"),
        "rating": Rating.objects.get(slug="false"),
        "correction": published.corrections.first(),
        "change": services.verdict_correct(verdict=published, by=editor, note="Pending.", conclusion="Pending."),
        "apikey": APIKey.objects.get(name="Partner 0"),
    }


# (role, url, text the page shows, queries). Each budget holds at 1 and at 20 rows. Claim and verdict
# pages also show the whole unit with its changes since publication (about a dozen fixed queries),
# and the desk's panel: the assignment and the thread (and, on the claim, the people it can be
# assigned to); the claim and verdict lists the desk's filters by assignee, author and reviewer.
ADMIN_PAGES = [
    ("editor", "/admin/claims/claim/", "The published claim", 17),
    ("editor", "/admin/claims/claim/add/", "Add claim", 7),
    ("editor", "/admin/claims/claim/{draft.claim_id}/change/", "Change claim", 27),
    ("reviewer", "/admin/claims/claim/{published.claim_id}/change/", "Change to the published fact-check", 27),
    ("editor", "/admin/claims/verdict/", "The draft claim", 14),
    ("editor", "/admin/claims/verdict/add/?claim={draft.claim_id}", "Add verdict", 10),
    ("editor", "/admin/claims/verdict/{draft.pk}/change/", "Save and submit for review", 24),
    ("editor", "/admin/claims/verdict/{published.pk}/change/", "Change to the published fact-check", 26),
    ("reviewer", "/admin/claims/verdict/{published.pk}/change/", "Clarified point 0.", 26),
    ("editor", "/admin/claims/claimant/", "Select claimant to change", 8),
    ("editor", "/admin/claims/claimant/add/", "Add claimant", 7),
    ("editor", "/admin/claims/claimant/{claimant.pk}/change/", "Change claimant", 10),
    ("editor", "/admin/claims/topic/", "Budget", 7),
    ("editor", "/admin/claims/topic/add/", "Add topic", 7),
    ("editor", "/admin/claims/topic/{topic.pk}/change/", "Change topic", 10),
    ("editor", "/admin/claims/rating/", "Extra label 0", 7),
    ("editor", "/admin/claims/rating/{rating.pk}/change/", "View rating", 9),
    ("reviewer", "/admin/claims/rating/add/", "Add rating", 7),
    ("reviewer", "/admin/claims/rating/{rating.pk}/change/", "Change rating", 9),
    ("editor", "/admin/claims/correction/", "The published claim", 9),
    ("editor", "/admin/claims/correction/{correction.pk}/change/", "View correction", 9),
    ("reviewer", "/admin/claims/pendingchange/", "The published claim", 7),
    ("reviewer", "/admin/claims/pendingchange/{change.pk}/change/", "What this change would publish", 18),
    ("reviewer", "/admin/claims/apikey/", "Partner 0", 7),
    ("reviewer", "/admin/claims/apikey/add/", "Add API key", 5),
    ("reviewer", "/admin/claims/apikey/{apikey.pk}/change/", "Change API key", 6),
]


@pytest.mark.parametrize("rows", [1, 20])
@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_admin_pages_render_within_query_budget(client, editor, reviewer, django_assert_num_queries, rows, role):
    data = _populate(rows, editor, reviewer)
    client.force_login(editor if role == "editor" else reviewer)
    for page_role, url, text, queries in ADMIN_PAGES:
        if page_role != role:
            continue
        url = url.format(**data)
        ContentType.objects.clear_cache()  # the same cold start for every page
        with django_assert_num_queries(queries):
            response = client.get(url)
        assertContains(response, text, msg_prefix=url)


def test_claim_changelist_counts_rows(editor_client, reviewer):
    for n in range(3):
        make_verdict(reviewer=reviewer, title=f"Claim {n}")
    response = editor_client.get("/admin/claims/claim/?status=published")
    assertContains(response, "3 claims")
    assertContains(response, '<rect width="14" height="14" rx="3" fill="#cf222e"/></svg>False</span>', html=False)


def test_rating_changelist_shows_colour_swatch_from_a_stylesheet(editor_client):
    response = editor_client.get("/admin/claims/rating/")
    assertContains(response, '<rect width="14" height="14" rx="3" fill="#1a7f37"/></svg><code>#1a7f37</code>')
    assertContains(response, '<link href="/static/admin-extra/editorial.css" media="all" rel="stylesheet">')
    assertNotContains(response, "style=")


def test_editor_cannot_open_api_keys(editor_client):
    assert editor_client.get("/admin/claims/apikey/").status_code == 403


# --- The workflow through the admin ---------------------------------------------------------------


def _claim_post_data(source, **overrides):
    data = {
        "title": "Minister says unemployment halved",
        "slug": "minister-says-unemployment-halved",
        "text": "Unemployment has halved since 2020.",
        "kind": "statement",
        "claimant": ClaimantFactory(name="A Minister").pk,
        "made_on": "2024-06-14",
        "language": "en",
        "appearances-TOTAL_FORMS": "1",
        "appearances-INITIAL_FORMS": "0",
        "appearances-0-source": source.pk,
        "appearances-0-quote": "Unemployment has halved",
        "appearances-0-seen_on": "2024-06-14",
        "appearances-0-is_first": "on",
    }
    return data | overrides


def test_editor_creates_claim_and_verdict_submits_and_reviewer_publishes(client, editor, reviewer):
    source = SourceFactory(title="Labour statistics")
    client.force_login(editor)
    response = client.post("/admin/claims/claim/add/", _claim_post_data(source), follow=True)
    claim = Claim.objects.get(slug="minister-says-unemployment-halved")
    assertRedirects(response, "/admin/claims/claim/")
    assert (claim.created_by, claim.appearances.get().quote) == (editor, "Unemployment has halved")

    response = client.get(_change_url(claim))
    assertContains(response, f'<a href="/admin/claims/verdict/add/?claim={claim.pk}">Write the verdict</a>', html=True)
    response = client.get(f"/admin/claims/verdict/add/?claim={claim.pk}")
    # Only the veracity scale is offered for a factual statement.
    assertContains(response, "Mostly false (Veracity)")
    assertNotContains(response, "Kept (Pledge status)")
    response = client.post(
        f"/admin/claims/verdict/add/?claim={claim.pk}",
        {
            "claim": claim.pk,
            "rating": Rating.objects.get(slug="false").pk,
            "conclusion": "Unemployment has not halved.",
            "analysis": "The statistics show a fall of a tenth.",
            "evidence-TOTAL_FORMS": "1",
            "evidence-INITIAL_FORMS": "0",
            "evidence-0-source": source.pk,
            "evidence-0-note": "The yearly series.",
            "evidence-0-position": "0",
        },
    )
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.author, verdict.status, verdict.evidence.get().note) == (editor, "draft", "The yearly series.")

    response = _post_change(client, verdict, _submit_review="Save and submit for review")
    assert _messages(response) == ["Submitted for review. A reviewer can now publish it."]
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"
    assertNotContains(response, 'name="_publish"')
    assertContains(response, "Only a reviewer can publish a verdict.")

    client.force_login(reviewer)
    response = _post_change(client, verdict, _publish="Save and publish")
    assert _messages(response) == ["Published. It is now on the public site."]
    verdict.refresh_from_db()
    assert (verdict.status, verdict.reviewer, verdict.published_at is not None) == ("published", reviewer, True)
    assert list(Claim.objects.published()) == [claim]


def test_editor_trying_to_publish_is_refused_with_a_message(client, editor):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    client.force_login(editor)
    response = _post_change(client, verdict, _publish="Save and publish")
    assert _messages(response) == ["Only a reviewer can publish a verdict."]
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"


def test_author_reviewer_has_no_publish_button_and_is_refused(client, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    Verdict.objects.filter(pk=verdict.pk).update(author=reviewer)
    client.force_login(reviewer)
    response = client.get(_change_url(verdict))
    assertNotContains(response, 'name="_publish"')
    response = _post_change(client, verdict, _publish="Save and publish")
    assert _messages(response) == ["You wrote this verdict: a second editor must review and publish it."]
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"


def test_submit_names_what_is_missing(editor_client):
    verdict = make_verdict(Verdict.Status.DRAFT)
    Evidence.objects.filter(verdict=verdict).delete()
    response = _post_change(editor_client, verdict, _submit_review="Save and submit for review")
    assert _messages(response) == ["It cannot go to review yet: the verdict needs at least one evidence source"]
    assert Verdict.objects.get(pk=verdict.pk).status == "draft"


def test_editor_edit_of_a_published_verdict_becomes_a_proposal_the_public_does_not_see(client, editor, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    client.force_login(editor)
    response = client.get(_change_url(verdict))
    assertContains(response, "Change to the published fact-check")
    assertNotContains(response, 'name="_retract"')  # retracting is for reviewers
    response = _post_change(
        client, verdict, rating=Rating.objects.get(slug="true").pk, conclusion="Rewritten.", public_note="Newer data."
    )
    change = PendingChange.objects.get()
    assertRedirects(response, f"/admin/claims/pendingchange/{change.pk}/change/")
    assert _messages(response) == [
        "Your change is waiting for review: readers see the published version until a second person approves it."
    ]
    assert (change.proposed_by, change.kind, change.unit["verdict"]["conclusion"]) == (
        editor,
        "rating_change",
        "Rewritten.",
    )
    verdict.refresh_from_db()
    assert (verdict.rating.slug, verdict.conclusion, verdict.version) == ("false", "The statement is not accurate.", 3)
    assert not Correction.objects.exists()
    assertNotContains(client.get(verdict.claim.get_absolute_url()), "Rewritten.")


def test_editor_edit_of_a_published_claim_and_its_appearances_becomes_a_proposal(client, editor, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    claim = verdict.claim
    client.force_login(editor)
    response = _post_change(
        client,
        claim,
        title="A rewritten title",
        **{"appearances-0-quote": "Different words"},
        public_note="The quote was wrong.",
    )
    change = PendingChange.objects.get()
    assertRedirects(response, f"/admin/claims/pendingchange/{change.pk}/change/")
    assert change.unit["claim"]["title"] == "A rewritten title"
    assert change.unit["appearances"][0]["quote"] == "Different words"
    claim.refresh_from_db()
    assert (claim.title, claim.appearances.get().quote) == (verdict.claim.title, "the words as quoted")
    # The reviewer sees what would change, and approves that exact proposal.
    client.force_login(reviewer)
    response = client.get(f"/admin/claims/pendingchange/{change.pk}/change/")
    assertContains(response, "A rewritten title")
    assertContains(response, "Different words")
    response = client.post(
        f"/admin/claims/pendingchange/{change.pk}/change/",
        {"_approve": "Approve and publish", "_revision": change.unit_hash, "decision_note": ""},
        follow=True,
    )
    assert _messages(response) == ["Approved: the change is now public."]
    claim.refresh_from_db()
    assert (claim.title, claim.appearances.get().quote) == ("A rewritten title", "Different words")
    assert list(Correction.objects.values_list("kind", "note", "created_by")) == [
        ("correction", "The quote was wrong.", editor.pk)
    ]


def test_reviewer_changing_rating_without_note_gets_form_error_and_nothing_is_saved(reviewer_client, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    response = _post_change(
        reviewer_client, verdict, rating=Rating.objects.get(slug="half-true").pk, conclusion="Partly accurate."
    )
    assertContains(response, "This fact-check is public: write the note that tells readers what changed and why.")
    # The form comes back with what the reviewer typed.
    assertContains(response, "Partly accurate.</textarea>")
    verdict.refresh_from_db()
    assert (verdict.rating.slug, verdict.conclusion, verdict.corrections.count()) == (
        "false",
        "The statement is not accurate.",
        0,
    )
    assert not PendingChange.objects.exists()


def test_rating_change_is_public_only_once_another_reviewer_approves_it(client, reviewer, other_editor):
    verdict = make_verdict(reviewer=reviewer)
    client.force_login(reviewer)
    _post_change(client, verdict, rating=Rating.objects.get(slug="half-true").pk, public_note="New figures.")
    change = PendingChange.objects.get()
    url = f"/admin/claims/pendingchange/{change.pk}/change/"
    # The proposer is not offered approval, and is refused if they post it anyway.
    assertNotContains(client.get(url), 'name="_approve"')
    response = client.post(url, {"_approve": "x", "_revision": change.unit_hash, "decision_note": ""})
    assertContains(response, "You proposed this change: a second person must review and approve it.")
    assert Verdict.objects.get(pk=verdict.pk).rating.slug == "false"
    second = UserFactory(username="second-reviewer", group="Reviewers")
    client.force_login(second)
    client.post(url, {"_approve": "x", "_revision": change.unit_hash, "decision_note": ""})
    correction = Correction.objects.get(verdict=verdict)
    assert (correction.kind, correction.old_rating.slug, correction.new_rating.slug, correction.note) == (
        "rating_change",
        "false",
        "half-true",
        "New figures.",
    )
    assert Verdict.objects.get(pk=verdict.pk).rating.slug == "half-true"


def test_reviewer_proposes_a_clarification_without_changing_the_rating(reviewer_client, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    _post_change(reviewer_client, verdict, correction_kind="clarification", public_note="We added the source's date.")
    assert list(PendingChange.objects.values_list("kind", "note", "status")) == [
        ("clarification", "We added the source's date.", "pending")
    ]


def test_retract_needs_a_note(reviewer_client, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    response = _post_change(reviewer_client, verdict, _retract="Retract")
    assertContains(response, "A retraction needs a public note that says why.")
    assert Verdict.objects.get(pk=verdict.pk).status == "published"


def test_retract_with_note(reviewer_client, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    response = _post_change(reviewer_client, verdict, _retract="Retract", public_note="The source was a forgery.")
    assert _messages(response) == ["Retracted. The public page now says so, with your note."]
    verdict.refresh_from_db()
    assert (verdict.status, verdict.retraction_note) == ("retracted", "The source was a forgery.")
    assert list(Correction.objects.values_list("kind", "note")) == [("retraction", "The source was a forgery.")]
    assertContains(response, "View verdict")
    assertContains(response, "The source was a forgery.")


def test_bulk_submit_reports_each_refusal(editor_client):
    ready = make_verdict(Verdict.Status.DRAFT, title="Ready claim")
    incomplete = make_verdict(Verdict.Status.DRAFT, title="Incomplete claim")
    Evidence.objects.filter(verdict=incomplete).delete()
    in_review = make_verdict(Verdict.Status.IN_REVIEW, title="Reviewed claim")
    response = editor_client.post(
        "/admin/claims/verdict/",
        {"action": "submit_for_review", "_selected_action": [ready.pk, incomplete.pk, in_review.pk]},
        follow=True,
    )
    assert sorted(_messages(response)) == [
        "1 verdict submitted for review.",
        "“Incomplete claim”: It cannot go to review yet: the verdict needs at least one evidence source",
        "“Reviewed claim”: Only a draft can be submitted for review; this verdict is in review.",
    ]
    assert dict(Verdict.objects.values_list("claim__title", "status")) == {
        "Ready claim": "in_review",
        "Incomplete claim": "draft",
        "Reviewed claim": "in_review",
    }


@pytest.mark.parametrize("url", ["/admin/claims/verdict/", "/admin/claims/claim/"])
def test_bulk_send_back_asks_why_then_sends_each_back_with_the_comment(reviewer_client, url):
    first = make_verdict(Verdict.Status.IN_REVIEW, title="First claim")
    second = make_verdict(Verdict.Status.IN_REVIEW, title="Second claim")
    kept = make_verdict(Verdict.Status.IN_REVIEW, title="Kept claim")
    ids = [first.pk, second.pk] if "verdict" in url else [first.claim_id, second.claim_id]
    page = reviewer_client.post(url, {"action": "return_to_draft", "_selected_action": ids})
    assertContains(page, "Why they go back")
    assertContains(page, f'<input type="hidden" name="_selected_action" value="{ids[0]}">', html=True)
    assert Verdict.objects.filter(status="in_review").count() == 3  # nothing happens before the comment
    confirm = {"action": "return_to_draft", "_selected_action": ids, "send_back": "1", "comment": "Cite the 2024 data."}
    response = reviewer_client.post(url, confirm, follow=True)
    assert _messages(response) == ["2 verdicts sent back to draft."]
    rows = Verdict.objects.values_list("claim__title", "status", "return_comment")
    assert sorted(rows) == [
        ("First claim", "draft", "Cite the 2024 data."),
        ("Kept claim", "in_review", ""),
        ("Second claim", "draft", "Cite the 2024 data."),
    ]
    assert kept.pk not in ids


def test_bulk_send_back_without_a_comment_is_refused_for_each(reviewer_client):
    verdict = make_verdict(Verdict.Status.IN_REVIEW, title="First claim")
    confirm = {"action": "return_to_draft", "_selected_action": [verdict.pk], "send_back": "1", "comment": "  "}
    response = reviewer_client.post("/admin/claims/verdict/", confirm, follow=True)
    assert _messages(response) == ["“First claim”: Say what needs to change: the author reads this on their desk."]
    assert Verdict.objects.get().status == "in_review"


def test_no_list_offers_a_bulk_publish(reviewer_client):
    # Publishing needs the revision the reviewer was shown, which only the verdict's page shows.
    make_verdict(Verdict.Status.IN_REVIEW)
    for url in ("/admin/claims/verdict/", "/admin/claims/claim/"):
        assertNotContains(reviewer_client.get(url), 'value="publish"')
    response = reviewer_client.post(
        "/admin/claims/verdict/", {"action": "publish", "_selected_action": [Verdict.objects.get().pk]}, follow=True
    )
    assert _messages(response) == ["No action selected."]
    assert Verdict.objects.get().status == "in_review"


def test_editor_is_not_offered_the_publish_action(editor_client):
    make_verdict(Verdict.Status.IN_REVIEW)
    response = editor_client.get("/admin/claims/verdict/")
    assertContains(response, '<option value="submit_for_review">Submit for review</option>', html=True)
    assertNotContains(response, '<option value="publish">')


# --- Optimistic locking ----------------------------------------------------------------------------


def test_second_editor_saving_a_stale_verdict_is_refused(client, editor, other_editor):
    verdict = make_verdict(Verdict.Status.DRAFT)
    client.force_login(editor)
    first = form_data(client.get(_change_url(verdict)))
    client.force_login(other_editor)
    second = form_data(client.get(_change_url(verdict)))

    client.force_login(editor)
    client.post(_change_url(verdict), first | {"conclusion": "The first editor's conclusion."})
    client.force_login(other_editor)
    response = client.post(_change_url(verdict), second | {"conclusion": "The second editor's conclusion."})
    assertContains(response, "changed this verdict while you were editing it. They changed: conclusion.")
    # Nothing the second editor typed is lost: the form comes back with it, on the newer version.
    assertContains(response, "The second editor&#x27;s conclusion.</textarea>")
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "The first editor's conclusion."
    resubmitted = form_data(response) | {"conclusion": "The second editor's conclusion."}
    client.post(_change_url(verdict), resubmitted)
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "The second editor's conclusion."


def test_second_editor_saving_a_stale_claim_is_refused(client, editor, other_editor):
    claim = AppearanceFactory().claim
    client.force_login(editor)
    first = form_data(client.get(_change_url(claim)))
    client.force_login(other_editor)
    second = form_data(client.get(_change_url(claim)))

    client.force_login(editor)
    client.post(_change_url(claim), first | {"title": "The first editor's title"})
    client.force_login(other_editor)
    response = client.post(_change_url(claim), second | {"title": "The second editor's title"})
    assertContains(response, "changed this claim while you were editing it. They changed: title.")
    assertContains(response, 'value="The second editor&#x27;s title"')
    claim.refresh_from_db()
    assert (claim.title, claim.version, claim.updated_by) == ("The first editor's title", 2, editor)


# --- Integrity ------------------------------------------------------------------------------------


def test_deleting_a_claimant_with_claims_is_refused(reviewer_client):
    claimant = ClaimFactory().claimant
    url = f"/admin/claims/claimant/{claimant.pk}/delete/"
    response = reviewer_client.post(url, {"post": "yes"})
    assertContains(
        response,
        f"Deleting the claimant '{claimant.name}' would require deleting the following protected related objects:",
    )
    assertContains(
        response, f'<li>Claim: <a href="/admin/claims/claim/{claimant.claims.get().pk}/change/">', html=False
    )
    response = reviewer_client.post(
        "/admin/claims/claimant/", {"action": "delete_selected", "_selected_action": [claimant.pk], "post": "yes"}
    )
    assertContains(
        response, "Deleting the selected claimant would require deleting the following protected related objects:"
    )
    assert Claimant.objects.filter(pk=claimant.pk).exists()


def test_deleting_a_claimant_without_claims_works(reviewer_client):
    claimant = ClaimantFactory()
    response = reviewer_client.post(f"/admin/claims/claimant/{claimant.pk}/delete/", {"post": "yes"}, follow=True)
    assert _messages(response) == [f"The claimant “{claimant.name}” was deleted successfully."]
    assert not Claimant.objects.exists()


def test_two_first_appearances_in_one_form_are_refused(editor_client):
    source, other = SourceFactory(), SourceFactory()
    data = _claim_post_data(source) | {
        "appearances-TOTAL_FORMS": "2",
        "appearances-1-source": other.pk,
        "appearances-1-quote": "Again",
        "appearances-1-seen_on": "2024-06-15",
        "appearances-1-is_first": "on",
    }
    response = editor_client.post("/admin/claims/claim/add/", data)
    assertContains(response, "Only one appearance can be the first.")
    assert not Claim.objects.exists()


def test_second_first_appearance_on_a_saved_claim_is_refused(editor_client):
    appearance = AppearanceFactory(is_first=True)
    data = form_data(editor_client.get(_change_url(appearance.claim)))
    data |= {
        "appearances-1-source": SourceFactory().pk,
        "appearances-1-quote": "Again",
        "appearances-1-seen_on": "2024-06-15",
        "appearances-1-is_first": "on",
    }
    response = editor_client.post(_change_url(appearance.claim), data)
    assertContains(response, "Only one appearance can be the first.")
    assert Appearance.objects.count() == 1


def test_duplicate_claim_slug_is_a_form_error(editor_client):
    ClaimFactory(slug="minister-says-unemployment-halved")
    response = editor_client.post("/admin/claims/claim/add/", _claim_post_data(SourceFactory()))
    assertContains(response, "Claim with this Slug already exists.")
    assert Claim.objects.count() == 1


def test_claimant_and_unattributed_together_is_a_form_error(editor_client):
    response = editor_client.post("/admin/claims/claim/add/", _claim_post_data(SourceFactory(), unattributed="on"))
    assertContains(response, "A claim with a claimant cannot also be marked unattributed.")
    assert not Claim.objects.exists()


def test_second_verdict_for_a_claim_is_a_form_error(editor_client):
    verdict = make_verdict(Verdict.Status.DRAFT)
    response = editor_client.post(
        "/admin/claims/verdict/add/",
        {
            "claim": verdict.claim_id,
            "rating": verdict.rating_id,
            "conclusion": "Again.",
            "analysis": "",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assertContains(response, "Verdict with this Claim already exists.")
    assert Verdict.objects.count() == 1


# --- History --------------------------------------------------------------------------------------


def test_admin_saves_are_recorded_in_history_with_the_user(client, editor, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    client.force_login(reviewer)
    # The reviewer rewords it, so the publish that follows is refused (a reviewer who shaped the
    # text cannot also be its second pair of eyes), but the rewording is saved and recorded.
    _post_change(client, verdict, conclusion="Reworded before publication.", _publish="Save and publish")
    client.force_login(editor)
    _post_change(client, verdict.claim.claimant, role="Former minister")

    latest = Verdict.history.filter(id=verdict.pk).order_by("history_date")
    assert [(h.status, h.conclusion, h.history_user) for h in latest][-1:] == [
        ("in_review", "Reworded before publication.", reviewer),
    ]
    assert Verdict.objects.get(pk=verdict.pk).last_edited_by == reviewer
    claimant_history = Claimant.history.filter(id=verdict.claim.claimant_id).latest("history_date")
    assert (claimant_history.role, claimant_history.history_user, claimant_history.history_type) == (
        "Former minister",
        editor,
        "~",
    )
    response = client.get(f"/admin/claims/claimant/{verdict.claim.claimant_id}/history/")
    assertContains(response, "Former minister")
    assertContains(response, editor.username)
    assert LogEntry.objects.filter(user=editor).count() == 1


def test_claim_history_page_lists_the_editor(client, editor):
    client.force_login(editor)
    client.post("/admin/claims/claim/add/", _claim_post_data(SourceFactory()))
    claim = Claim.objects.get()
    assert list(Claim.history.filter(id=claim.pk).values_list("history_type", "history_user__username")) == [
        ("+", editor.username)
    ]
    assert Appearance.history.get().history_user == editor
    assert claim.made_on == datetime.date(2024, 6, 14)


def test_reader_without_staff_rights_is_sent_to_login(client, reader):
    client.force_login(reader)
    response = client.get("/admin/claims/claim/")
    assertRedirects(response, "/admin/login/?next=/admin/claims/claim/")
    assert UserFactory._meta.model.objects.filter(is_staff=True).count() == 0


def test_published_claim_cannot_be_deleted_only_retracted(reviewer_client):
    from claims.models import Claim

    verdict = make_verdict()
    response = reviewer_client.get(f"/admin/claims/claim/{verdict.claim_id}/delete/")
    assert response.status_code == 403
    response = reviewer_client.post(f"/admin/claims/verdict/{verdict.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Claim.objects.filter(pk=verdict.claim_id).exists()
    changelist = reviewer_client.get("/admin/claims/claim/")
    assert "delete_selected" not in changelist.content.decode()


def test_draft_claim_can_be_deleted_by_a_reviewer(reviewer_client):
    from claims.models import Claim

    verdict = make_verdict(Verdict.Status.DRAFT)
    response = reviewer_client.post(f"/admin/claims/claim/{verdict.claim_id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=verdict.claim_id).exists()
