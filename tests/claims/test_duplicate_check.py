"""The duplicate check while writing: adding a claim whose statement matches claims already on record
(published or not) shows them before anything is saved; the editor saves it by confirming it is new."""

import pytest
from django.contrib.contenttypes.models import ContentType
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from claims.models import Claim, Verdict
from claims.search import is_postgres
from tests.claims.test_admin import _claim_post_data
from tests.factories import ClaimFactory, SourceFactory, make_verdict

pytestmark = pytest.mark.django_db

STATEMENT = "Unemployment has halved since 2020."


@pytest.fixture
def on_record(reviewer):
    draft = ClaimFactory(title="Jobless rate halved, says minister", slug="jobless-halved", text=STATEMENT)
    published = make_verdict(
        reviewer=reviewer, title="Unemployment halved since 2020", slug="unemployment-2020", text=STATEMENT
    )
    return draft, published.claim


def _post(client, **overrides):
    return client.post("/admin/claims/claim/add/", _claim_post_data(SourceFactory(), text=STATEMENT, **overrides))


def test_a_claim_like_ones_on_record_is_not_saved_and_they_are_listed(editor_client, on_record):
    draft, published = on_record
    response = _post(editor_client)
    assert response.status_code == 200
    assert not Claim.objects.filter(slug="minister-says-unemployment-halved").exists()
    assertContains(response, "Claims like this one are already on record (listed below).")
    assertContains(
        response,
        f'<tr><td><a href="/admin/claims/claim/{published.pk}/change/" target="_blank" rel="noopener">Unemployment '
        "halved since 2020</a></td><td>Published</td><td>100%</td></tr>",
        html=True,
    )
    assertContains(
        response,
        f'<tr><td><a href="/admin/claims/claim/{draft.pk}/change/" target="_blank" rel="noopener">Jobless rate '
        "halved, says minister</a></td><td>No verdict yet</td><td>100%</td></tr>",
        html=True,
    )
    assertContains(
        response,
        '<input type="checkbox" name="confirm_new" aria-describedby="id_confirm_new_helptext" id="id_confirm_new">',
        html=True,
    )
    # What the editor typed is kept, the appearance row included.
    assertContains(response, "Unemployment has halved</textarea>")


def test_confirming_it_is_a_new_claim_saves_it(editor_client, editor, on_record):
    response = _post(editor_client, confirm_new="on")
    assertRedirects(response, "/admin/claims/claim/", fetch_redirect_response=False)
    claim = Claim.objects.get(slug="minister-says-unemployment-halved")
    assert (claim.text, claim.created_by, claim.appearances.count()) == (STATEMENT, editor, 1)


def test_a_claim_nobody_has_recorded_is_saved_at_once(editor_client):
    ClaimFactory(text="Inflation is at a record high.")
    response = _post(editor_client)
    assertRedirects(response, "/admin/claims/claim/", fetch_redirect_response=False)
    assert Claim.objects.filter(slug="minister-says-unemployment-halved").exists()


def test_changing_an_existing_claim_runs_no_duplicate_check(editor_client, on_record):
    draft, _published = on_record
    make_verdict(Verdict.Status.DRAFT, text=STATEMENT, title="A third one")
    response = editor_client.get(f"/admin/claims/claim/{draft.pk}/change/")
    assertNotContains(response, 'name="confirm_new"')


def test_the_add_form_loads_the_live_suggestions_script(editor_client):
    response = editor_client.get("/admin/claims/claim/add/")
    assertContains(response, '<script src="/static/admin-extra/similar-claims.js"></script>', html=True)
    assertContains(
        response,
        '<div class="similar-claims similar-claims--live" id="similar-claims-live" '
        'data-url="/admin/claims/claim/similar/" hidden>',
    )
    assertNotContains(response, "<script>")  # no inline script (strict CSP)


def test_similar_claims_as_json_for_staff(editor_client, on_record):
    draft, published = on_record
    response = editor_client.get("/admin/claims/claim/similar/", {"text": STATEMENT})
    assert response.json() == {
        "results": [
            {
                "title": "Unemployment halved since 2020",
                "status": "Published",
                "score": 100,
                "url": f"/admin/claims/claim/{published.pk}/change/",
            },
            {
                "title": "Jobless rate halved, says minister",
                "status": "No verdict yet",
                "score": 100,
                "url": f"/admin/claims/claim/{draft.pk}/change/",
            },
        ]
    }
    assert editor_client.get("/admin/claims/claim/similar/", {"text": "the of and"}).json() == {"results": []}


def test_similar_claims_json_is_for_staff_only(client, reader, on_record):
    response = client.get("/admin/claims/claim/similar/", {"text": STATEMENT})
    assertRedirects(
        response,
        "/admin/login/?next=/admin/claims/claim/similar/%3Ftext%3DUnemployment%2Bhas%2Bhalved%2Bsince%2B2020.",
        fetch_redirect_response=False,
    )
    client.force_login(reader)
    assert client.get("/admin/claims/claim/similar/", {"text": STATEMENT}).status_code == 302


@pytest.mark.parametrize("matches", [1, 20])
def test_the_duplicate_check_costs_the_same_queries_however_many_match(
    client, editor, reviewer, matches, django_assert_num_queries
):
    for n in range(matches):
        make_verdict(Verdict.Status.DRAFT if n % 2 else Verdict.Status.PUBLISHED, reviewer=reviewer, text=STATEMENT)
    client.force_login(editor)
    # PostgreSQL: the concepts' statistics, in a transaction of their own (claims.matching).
    extra = 3 if is_postgres() else 0
    ContentType.objects.clear_cache()
    with django_assert_num_queries(5 + extra):
        response = client.get("/admin/claims/claim/similar/", {"text": STATEMENT})
    assert len(response.json()["results"]) == min(matches, 5)
    data = _claim_post_data(SourceFactory(), text=STATEMENT)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(20 + extra):
        response = client.post("/admin/claims/claim/add/", data)
    assert len(response.context["adminform"].form.similar_claims) == min(matches, 5)
