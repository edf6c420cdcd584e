"""The two-person rule with no holes, and nothing lost: one regression test per path a person took
around it (issue: editorial integrity). Each runs on SQLite and PostgreSQL."""

import datetime
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from claims import revisions, services
from claims.models import Claim, Claimant, Correction, PendingChange, Rating, Revision, Topic, Verdict
from sources.models import Publisher, Source
from tests.claims.test_admin import _change_url, _messages, _post_change, form_data
from tests.factories import (
    AppearanceFactory,
    EvidenceFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    make_verdict,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="sam-second-reviewer", group="Reviewers")


def _publish(verdict, by):
    return services.verdict_publish(verdict=verdict, by=by, revision=services.claim_revision(verdict.claim))


# --- The review approves an exact revision ----------------------------------------------------------


def test_reviewer_who_rewrote_the_claim_and_evidence_cannot_publish_it(client, reviewer, second_reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    client.force_login(reviewer)
    _post_change(client, verdict.claim, text="A statement the author never wrote.")
    new_source = SourceFactory()
    data = form_data(client.get(_change_url(verdict))) | {"evidence-0-source": new_source.pk, "_publish": "x"}
    response = client.post(_change_url(verdict), data, follow=True)
    assert _messages(response) == [
        "You changed this fact-check since it was last published: another reviewer must check and publish it."
    ]
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"
    assert not Claim.objects.published().exists()
    # A second reviewer, shown the rewritten unit, may publish it.
    client.force_login(second_reviewer)
    response = _post_change(client, verdict, _publish="Save and publish")
    assert _messages(response) == ["Published. It is now on the public site."]
    revision = Revision.objects.get(claim=verdict.claim)
    assert revision.unit["claim"]["text"] == "A statement the author never wrote."
    assert reviewer.pk in revision.changed_by and verdict.author_id in revision.changed_by


def test_change_by_the_author_after_the_reviewer_opened_the_page_stops_the_publish(client, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    client.force_login(reviewer)
    stale_page = form_data(client.get(_change_url(verdict)))
    claim = Claim.objects.get(pk=verdict.claim_id)
    claim.text = "Changed by the author meanwhile."
    claim.claimant = Claimant.objects.create(name="Someone else", slug="someone-else")
    services.claim_save(claim=claim, by=verdict.author, expected_version=claim.version)
    response = client.post(_change_url(verdict), stale_page | {"_publish": "x"}, follow=True)
    assert _messages(response) == [
        "This fact-check changed after you opened it: what you reviewed is not what would be published. "
        "Reload the page, review the current version, then publish it."
    ]
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"
    # The reloaded page shows the current unit, and publishing it works.
    response = _post_change(client, verdict, _publish="Save and publish")
    assert _messages(response) == ["Published. It is now on the public site."]


def test_publish_without_the_revision_shown_is_refused(reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    for revision in ("", None, "0" * 64):
        with pytest.raises(services.WorkflowError):
            services.verdict_publish(verdict=verdict, by=reviewer, revision=revision)
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"


def test_editor_who_added_evidence_is_a_changer_even_as_a_reviewer(editor, reviewer, second_reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    EvidenceFactory(verdict=verdict)
    services.unit_record_change(claim=verdict.claim, by=reviewer)
    assert services.allowed_actions(verdict, reviewer)["publish"].startswith("You changed this fact-check")
    assert services.allowed_actions(verdict, second_reviewer)["publish"] is None
    with pytest.raises(services.WorkflowError, match="another reviewer must check"):
        _publish(verdict, reviewer)
    _publish(verdict, second_reviewer)
    assert list(Claim.objects.get(pk=verdict.claim_id).changers.all()) == []  # cleared at publication


def test_saving_without_changes_does_not_make_the_reviewer_a_changer(client, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    client.force_login(reviewer)
    _post_change(client, verdict.claim)  # the claim form saved as it is
    _post_change(client, verdict)
    assert reviewer not in Claim.objects.get(pk=verdict.claim_id).changers.all()
    response = _post_change(client, verdict, _publish="Save and publish")
    assert _messages(response) == ["Published. It is now on the public site."]


def test_buttons_are_exactly_what_the_service_allows(client, editor, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    client.force_login(editor)
    page = client.get(_change_url(verdict))
    assertNotContains(page, 'name="_publish"')
    client.force_login(reviewer)
    page = client.get(_change_url(verdict))
    assertContains(page, 'name="_publish"')
    services.unit_record_change(claim=verdict.claim, by=reviewer)  # nothing changed: not a changer
    Claim.objects.get(pk=verdict.claim_id).changers.add(reviewer)
    assertNotContains(client.get(_change_url(verdict)), 'name="_publish"')


# --- Public material changes only on the record ----------------------------------------------------


def test_published_analysis_is_never_rewritten_without_review_and_a_record(reviewer, second_reviewer):
    verdict = make_verdict(reviewer=reviewer)
    verdict.analysis = "Silently rewritten."
    with pytest.raises(services.WorkflowError, match="proposed with a public note"):
        services.verdict_save(verdict=verdict, by=reviewer, expected_version=verdict.version)
    change = services.verdict_correct(verdict=verdict, by=reviewer, note="We rewrote the analysis.", analysis="New.")
    assert Verdict.objects.get(pk=verdict.pk).analysis == "The **evidence** shows otherwise."
    with pytest.raises(services.WorkflowError, match="You proposed this change"):
        services.change_approve(change=change, by=reviewer, revision=change.unit_hash)
    services.change_approve(change=change, by=second_reviewer, revision=change.unit_hash)
    assert Verdict.objects.get(pk=verdict.pk).analysis == "New."
    assert list(Correction.objects.values_list("kind", "note")) == [("correction", "We rewrote the analysis.")]
    assert Revision.objects.filter(claim=verdict.claim).count() == 2


def test_evidence_and_appearances_of_a_public_unit_change_only_through_a_proposal(reviewer, second_reviewer):
    verdict = make_verdict(reviewer=reviewer)
    unit = revisions.unit_of(verdict.claim_id)
    new_source = SourceFactory()
    unit["evidence"] = [{"source": new_source.pk, "note": "The official register.", "position": 0}]
    unit["appearances"].append(
        {"source": new_source.pk, "quote": "Said again", "seen_on": "2024-06-20", "is_first": False}
    )
    change = services.change_propose(claim=verdict.claim, unit=unit, note="Better evidence.", by=reviewer)
    assert [e.source_id for e in verdict.evidence.all()] != [new_source.pk]
    services.change_approve(change=change, by=second_reviewer, revision=change.unit_hash)
    verdict.refresh_from_db()
    assert [(e.source_id, e.note) for e in verdict.evidence.all()] == [(new_source.pk, "The official register.")]
    assert verdict.claim.appearances.count() == 2
    assert revisions.current_hash(verdict.claim_id) == change.unit_hash


def test_approving_a_stale_proposal_is_refused(reviewer, second_reviewer, editor):
    verdict = make_verdict(reviewer=reviewer)
    change = services.verdict_correct(verdict=verdict, by=editor, note="First.", conclusion="One.")
    with pytest.raises(services.WorkflowError, match="not the one you reviewed"):
        services.change_approve(change=change, by=second_reviewer, revision="0" * 64)
    with pytest.raises(services.WorkflowError, match="already waiting for review"):
        services.verdict_correct(verdict=verdict, by=reviewer, note="Second.", conclusion="Two.")
    # The live unit changed behind the proposal's back (a direct write): it is out of date.
    Claim.objects.filter(pk=verdict.claim_id).update(title="Changed elsewhere")
    with pytest.raises(services.WorkflowError, match="out of date"):
        services.change_approve(change=change, by=second_reviewer, revision=change.unit_hash)
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "The statement is not accurate."


def test_rejected_and_withdrawn_proposals_change_nothing(reviewer, second_reviewer, editor):
    verdict = make_verdict(reviewer=reviewer)
    change = services.verdict_correct(verdict=verdict, by=editor, note="A.", conclusion="Changed.")
    with pytest.raises(services.WorkflowError, match="Say why"):
        services.change_reject(change=change, by=reviewer, comment=" ")
    with pytest.raises(services.WorkflowError, match="Only a reviewer"):
        services.change_reject(change=change, by=editor, comment="No.")
    services.change_reject(change=change, by=reviewer, comment="The source does not say that.")
    other = services.verdict_correct(verdict=verdict, by=editor, note="B.", conclusion="Changed again.")
    with pytest.raises(services.WorkflowError, match="Only whoever proposed"):
        services.change_withdraw(change=other, by=UserFactory(username="third-editor", group="Editors"))
    services.change_withdraw(change=other, by=editor)
    assert list(PendingChange.objects.order_by("pk").values_list("status", flat=True)) == ["rejected", "withdrawn"]
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "The statement is not accurate."
    assert not Correction.objects.exists()


def test_retraction_closes_a_waiting_change_and_reinstatement_needs_a_second_person(reviewer, second_reviewer):
    verdict = make_verdict(reviewer=reviewer)
    services.verdict_correct(verdict=verdict, by=reviewer, note="Pending.", conclusion="Pending change.")
    services.verdict_retract(verdict=verdict, note="The source was forged.", by=reviewer)
    assert PendingChange.objects.get().status == "superseded"
    verdict.refresh_from_db()
    with pytest.raises(services.WorkflowError, match="retracted"):
        services.verdict_save(verdict=verdict, by=reviewer, expected_version=verdict.version)
    change = services.verdict_reinstate(verdict=verdict, note="The source was genuine after all.", by=reviewer)
    assert Verdict.objects.get(pk=verdict.pk).status == "retracted"
    with pytest.raises(services.WorkflowError, match="You proposed this change"):
        services.change_approve(change=change, by=reviewer, revision=change.unit_hash)
    services.change_approve(change=change, by=second_reviewer, revision=change.unit_hash)
    verdict.refresh_from_db()
    assert (verdict.status, verdict.retracted_at, verdict.retraction_note) == ("published", None, "")
    # The retraction stays on the record, followed by the reinstatement.
    assert list(verdict.corrections.order_by("created_at", "pk").values_list("kind", flat=True)) == [
        "retraction",
        "reinstatement",
    ]


@pytest.mark.parametrize("model", ["claimant", "topic", "publisher", "source"])
def test_names_public_checks_show_are_renamed_by_reviewers_only_and_partners_see_the_change(
    client, editor, reviewer, model
):
    verdict = make_verdict(reviewer=reviewer)
    claim = verdict.claim
    topic = TopicFactory()
    claim.topics.add(topic)
    source = claim.appearances.get().source
    obj = {"claimant": claim.claimant, "topic": topic, "publisher": source.publisher, "source": source}[model]
    since = timezone.now()
    field = "title" if model == "source" else "name"
    client.force_login(editor)
    response = _post_change(client, obj, **{field: "Renamed by an editor"})
    assert response.status_code == 403 or "Renamed by an editor" not in type(obj).objects.get(pk=obj.pk).__str__()
    assert str(type(obj).objects.get(pk=obj.pk)) != "Renamed by an editor"
    client.force_login(reviewer)
    _post_change(client, obj, **{field: "Renamed by a reviewer"})
    renamed = type(obj).objects.get(pk=obj.pk)
    assert str(renamed) == "Renamed by a reviewer"
    assert renamed.history.latest().history_user == reviewer
    assert Claim.objects.get(pk=claim.pk).updated_at > since
    stamp = since.isoformat().replace("+00:00", "Z")
    for url in ("/api/v1/claims/", "/api/v1/claim-reviews/"):
        body = client.get(url, {"updated_since": stamp}).json()
        assert len(body["results"]) == 1, url


def test_rename_of_an_unpublished_claimant_stays_open_to_editors(editor):
    claimant = make_verdict(Verdict.Status.DRAFT).claim.claimant
    claimant.name = "Fixed typo"
    services.claimant_save(claimant=claimant, by=editor, expected_version=claimant.version)
    assert Claimant.objects.get(pk=claimant.pk).name == "Fixed typo"


# --- Commands never invent a second person ---------------------------------------------------------


def _crafted_seed(tmp_path, **overrides):
    data = json.loads((settings.BASE_DIR / "seeds" / "putin-ceasefire.json").read_text(encoding="utf-8"))
    data["users"]["reviewer"] = {
        "username": "made-up-reviewer",
        "first_name": "M",
        "last_name": "R",
        "group": "Reviewers",
    }
    data.update(overrides)
    for spec in data["sources"]:
        spec["snapshot_file"] = str(settings.BASE_DIR / "seeds" / spec["snapshot_file"])
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_loadseeds_with_a_crafted_file_publishes_nothing_and_invents_nobody(tmp_path):
    call_command("loadseeds", "--file", str(_crafted_seed(tmp_path)), stdout=None)
    assert set(Verdict.objects.values_list("status", flat=True)) == {"draft"}
    assert not Claim.objects.public().exists()
    assert not get_user_model().objects.filter(username="made-up-reviewer").exists()


def test_loadseeds_reviewer_must_exist_and_be_able_to_publish(tmp_path, editor):
    path = str(_crafted_seed(tmp_path))
    with pytest.raises(CommandError, match="There is no user “nobody”"):
        call_command("loadseeds", "--file", path, "--reviewer", "nobody")
    with pytest.raises(CommandError, match="cannot publish"):
        call_command("loadseeds", "--file", path, "--reviewer", editor.username)
    assert not Claim.objects.exists()


def test_loadseeds_refuses_an_author_from_the_reviewers_group(tmp_path, reviewer):
    seed = _crafted_seed(tmp_path)
    data = json.loads(seed.read_text())
    data["users"]["author"]["group"] = "Reviewers"
    seed.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="Editors group"):
        call_command("loadseeds", "--file", str(seed), "--reviewer", reviewer.username)


# --- Nothing lost --------------------------------------------------------------------------------


def test_two_people_editing_one_source_the_second_save_does_not_wipe_the_snapshot(client, reviewer, second_reviewer):
    source = SourceFactory(title="Original title")
    client.force_login(reviewer)
    first = form_data(client.get(_change_url(source)))
    client.force_login(second_reviewer)
    second = form_data(client.get(_change_url(source)))
    client.force_login(reviewer)
    client.post(_change_url(source), first | {"snapshot_text": "The captured article text."})
    captured = Source.objects.get(pk=source.pk)
    assert captured.snapshot_sha256
    client.force_login(second_reviewer)
    response = client.post(_change_url(source), second | {"title": "A better title"})
    assertContains(response, "changed this source while you were editing it. They changed: captured text")
    assertContains(response, 'value="A better title"')
    kept = Source.objects.get(pk=source.pk)
    assert (kept.title, kept.snapshot_text, kept.snapshot_sha256) == (
        "Original title",
        "The captured article text.",
        captured.snapshot_sha256,
    )


@pytest.mark.parametrize("model", [Claimant, Topic, Publisher, Rating])
def test_every_reference_model_is_edit_locked(reviewer, model):
    obj = {
        Claimant: lambda: Claimant.objects.create(name="A", slug="a"),
        Topic: lambda: Topic.objects.create(name="A", slug="a"),
        Publisher: lambda: Publisher.objects.create(name="A", slug="a"),
        Rating: lambda: Rating.objects.get(slug="false"),
    }[model]()
    loaded = obj.version
    first = model.objects.get(pk=obj.pk)
    services.reference_save(obj=first, by=reviewer, expected_version=loaded)
    with pytest.raises(services.EditConflict):
        services.reference_save(obj=model.objects.get(pk=obj.pk), by=reviewer, expected_version=loaded)
    assert model.objects.get(pk=obj.pk).version == loaded + 1


def test_changing_the_kind_of_a_rated_claim_in_review_is_refused_with_a_message(client, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    client.force_login(verdict.author)
    response = _post_change(client, verdict.claim, kind="pledge")
    assertContains(response, "Its verdict is rated “False”, which belongs to the veracity scale.")
    assert Claim.objects.get(pk=verdict.claim_id).kind == "statement"
    assert Verdict.objects.get(pk=verdict.pk).rating.slug == "false"
    client.force_login(reviewer)
    response = _post_change(client, verdict, _publish="x")
    assert _messages(response) == ["Published. It is now on the public site."]


def test_changing_the_kind_of_a_published_claim_is_a_clear_error_not_a_500(client, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    response = _post_change(client_for(client, reviewer), verdict.claim, kind="pledge", public_note="It was a pledge.")
    assert response.status_code == 200
    assertContains(response, "Its verdict is rated “False”, which belongs to the veracity scale.")
    assert not PendingChange.objects.exists()
    # With a rating from the new scale, in one proposal, the change goes through review.
    unit = revisions.unit_of(verdict.claim_id)
    unit["claim"]["kind"] = "pledge"
    unit["verdict"]["rating"] = Rating.objects.get(slug="broken").pk
    change = services.change_propose(claim=verdict.claim, unit=unit, note="It was a pledge.", by=reviewer)
    services.change_approve(change=change, by=UserFactory(username="r2", group="Reviewers"), revision=change.unit_hash)
    correction = Correction.objects.get()
    assert (correction.kind, correction.old_rating.slug, correction.new_rating.slug) == (
        "pledge_status",
        "false",
        "broken",
    )


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Line one\x0bline two", "Line one\nline two"),
        ("Esc\x1b[31m red", "Esc[31m red"),
        ("Back\x08space", "Backspace"),
    ],
)
def test_control_characters_are_removed_at_input(editor_client, typed, stored):
    claim = AppearanceFactory().claim
    _post_change(editor_client, claim, text=typed, title=typed)
    claim.refresh_from_db()
    assert (claim.text, claim.title) == (stored, stored)


def test_control_characters_in_a_service_save_are_removed(editor):
    claimant = Claimant(name="Name\x1b with escape", slug="esc")
    services.claimant_save(claimant=claimant, by=editor)
    assert Claimant.objects.get().name == "Name with escape"


def test_appearance_dates_and_first_flags_survive_a_proposal_round_trip(reviewer, second_reviewer):
    verdict = make_verdict(reviewer=reviewer)
    later = AppearanceFactory(claim=verdict.claim, is_first=False, seen_on=datetime.date(2024, 7, 1))
    Claim.objects.filter(pk=verdict.claim_id).update(revision_hash="")
    unit = revisions.unit_of(verdict.claim_id)
    for row in unit["appearances"]:
        row["is_first"] = row["source"] == later.source_id  # swap which one is first
    change = services.change_propose(
        claim=verdict.claim, unit=unit, note="The earlier sighting was a repost.", by=reviewer
    )
    services.change_approve(change=change, by=second_reviewer, revision=change.unit_hash)
    assert list(verdict.claim.appearances.filter(is_first=True).values_list("pk", flat=True)) == [later.pk]


def test_reinstating_from_the_admin_is_a_proposal_a_second_reviewer_approves(client, reviewer, second_reviewer):
    verdict = make_verdict(Verdict.Status.RETRACTED, reviewer=reviewer)
    client.force_login(reviewer)
    page = client.get(_change_url(verdict))
    assertContains(page, f'href="/admin/claims/verdict/{verdict.pk}/reinstate/"')
    url = f"/admin/claims/verdict/{verdict.pk}/reinstate/"
    assertContains(client.post(url, {"note": ""}), "This field is required.")
    response = client.post(url, {"note": "The document was genuine."})
    change = PendingChange.objects.get()
    assert response["Location"] == f"/admin/claims/pendingchange/{change.pk}/change/"
    assert (change.kind, Verdict.objects.get(pk=verdict.pk).status) == ("reinstatement", "retracted")
    assertContains(client.post(url, {"note": "Again."}), "already waiting for review")
    client.force_login(second_reviewer)
    client.post(
        f"/admin/claims/pendingchange/{change.pk}/change/",
        {"_approve": "x", "_revision": change.unit_hash, "decision_note": ""},
    )
    assert Verdict.objects.get(pk=verdict.pk).status == "published"
    assert client.get("/admin/claims/verdict/abc/reinstate/").status_code == 404


def test_a_topic_public_checks_show_cannot_be_deleted(reviewer_client, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    shown, unused = TopicFactory(name="Shown"), TopicFactory(name="Unused")
    verdict.claim.topics.add(shown)
    response = reviewer_client.post(f"/admin/claims/topic/{shown.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Topic.objects.filter(pk=shown.pk).exists()
    response = reviewer_client.post(
        "/admin/claims/topic/",
        {"action": "delete_selected", "_selected_action": [shown.pk, unused.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 403  # Django refuses the whole bulk delete
    assert Topic.objects.count() == 2
    reviewer_client.post(f"/admin/claims/topic/{unused.pk}/delete/", {"post": "yes"})
    assert not Topic.objects.filter(pk=unused.pk).exists()
