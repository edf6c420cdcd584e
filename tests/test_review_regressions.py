"""Regressions found in the pre-launch review: each test failed before its fix."""

import pytest

from tests.factories import make_verdict

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
