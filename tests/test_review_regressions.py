"""Regressions found in the pre-launch review: each test failed before its fix."""

import pytest

from claims import services
from claims.models import PendingChange
from tests.factories import ClaimFactory, make_verdict

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "The address contains a NUL character (code 0), which no page or parameter accepts."


@pytest.mark.parametrize(
    "url",
    [
        "/contact/?claim=%00",
        "/contact/?claim=a%00b",
        "/claims/?language=%00",
        "/claims/?q=tax%00",
        "/claims/?%00=1",
    ],
)
def test_nul_byte_in_a_page_parameter_is_a_400_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    assert "<h1>The request could not be used</h1>" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/api/v1/claims/?language=%00", "/api/v1/match/?text=a%00b", "/api/v1/sources/?publisher=%00"]
)
def test_nul_byte_in_an_api_parameter_is_a_json_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The address contains a NUL character (code 0), which no page or parameter accepts. "
        "Remove it and try again."
    }


@pytest.mark.parametrize(
    "url",
    [
        "/admin/autocomplete/?app_label=claims&model_name=claim&field_name=claimant&term=%00",
        "/admin/claims/verdict/add/?claim=%00",
        "/admin/claims/claim/?language=%00",
    ],
)
def test_nul_byte_in_an_admin_parameter_is_a_400(editor_client, url):
    response = editor_client.get(url)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_nul_byte_in_an_admin_path_is_a_400(editor_client):
    verdict = make_verdict("draft")
    response = editor_client.get(f"/admin/claims/claim/{verdict.claim.pk}/history/%00/")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_options_on_api_docs_is_a_405_not_a_server_error(client):
    response = client.options("/api/v1/docs/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def _history_revert_data(history, verdict):
    data = {"rating": history.rating_id, "conclusion": history.conclusion, "analysis": history.analysis}
    data["expected_version"] = verdict.version
    for prefix in ("evidence_set", "corrections"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data


def test_reverting_a_published_verdict_is_a_proposed_change_with_a_note(client, editor, reviewer):
    verdict = make_verdict("in_review")
    first_conclusion = verdict.conclusion
    verdict.conclusion = "The conclusion the reviewer published."
    services.verdict_save(verdict=verdict, by=verdict.author)
    services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    verdict.refresh_from_db()
    history = verdict.history.order_by("history_id").first()
    assert history.conclusion == first_conclusion
    client.force_login(editor)
    url = f"/admin/claims/verdict/{verdict.pk}/history/{history.history_id}/"
    # The revert form of a published verdict asks for the public note.
    assert 'name="public_note"' in client.get(url).content.decode()

    response = client.post(url, _history_revert_data(history, verdict))
    assert response.status_code == 200
    assert (
        "This fact-check is public: write the note that tells readers what changed and why."
        in response.content.decode()
    )
    assert not PendingChange.objects.exists()

    response = client.post(url, _history_revert_data(history, verdict) | {"public_note": "Back to the first wording."})
    change = PendingChange.objects.get()
    assert response["Location"] == f"/admin/claims/pendingchange/{change.pk}/change/"
    assert (change.proposed_by, change.unit["verdict"]["conclusion"]) == (editor, first_conclusion)
    verdict.refresh_from_db()
    assert (verdict.status, verdict.conclusion) == ("published", "The conclusion the reviewer published.")
    assert verdict.corrections.count() == 0


def test_reverting_a_draft_to_an_earlier_version_works_without_a_false_conflict(client, editor):
    verdict = make_verdict("draft")
    first_conclusion = verdict.conclusion
    verdict.conclusion = "A later wording."
    services.verdict_save(verdict=verdict, by=verdict.author)
    verdict.refresh_from_db()
    history = verdict.history.order_by("history_id").first()
    client.force_login(editor)
    url = f"/admin/claims/verdict/{verdict.pk}/history/{history.history_id}/"
    data = form_data_of(client.get(url))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    verdict.refresh_from_db()
    assert verdict.conclusion == first_conclusion


def form_data_of(response):
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    return data | {f"{p}-{k}": v for p in ("evidence_set",) for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/claims/verdict/abc/history/",
        "/admin/claims/verdict/abc/history/1/",
        "/admin/claims/verdict/abc/change/",
        "/admin/claims/claim/12abc/change/",
        "/admin/claims/claim/abc/delete/",
        "/admin/sources/source/abc/history/",
        "/admin/claims/claimant/abc/history/",
        "/admin/claims/pendingchange/x/change/",
        "/admin/claims/verdict/99999/change/",
        "/admin/claims/correction/abc/change/",
        "/admin/claims/apikey/abc/change/",
        "/admin/claims/correction/99999/change/",
    ],
)
def test_admin_urls_with_a_bad_id_answer_404(reviewer_client, url):
    assert reviewer_client.get(url).status_code == 404


@pytest.mark.parametrize("value", ["abc", "12abc", "99999999999999999999999"])
def test_write_the_verdict_link_with_a_junk_claim_renders_the_empty_add_form(editor_client, value):
    response = editor_client.get(f"/admin/claims/verdict/add/?claim={value}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("claim") is None


def test_write_the_verdict_link_preselects_the_claim(editor_client):
    claim = ClaimFactory(title="Preselected claim")
    response = editor_client.get(f"/admin/claims/verdict/add/?claim={claim.pk}")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["claim"] == claim.pk
    assert "Preselected claim" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/claims/claim/?made_on__year=99999999999",
        "/admin/claims/verdict/?published_at__year=99999999999&published_at__month=1",
    ],
)
def test_admin_date_hierarchy_year_out_of_range_is_the_bad_parameter_redirect(reviewer_client, url):
    response = reviewer_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == url.split("?")[0] + "?e=1"
