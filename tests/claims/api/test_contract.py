"""The OpenAPI schema is generated without warnings, documents every field, and names exactly the
fields the endpoints return (the views build dicts; the serializers document them)."""

import re

import pytest
from django.core.management import call_command
from rest_framework import serializers

from claims.api import serializers as s
from claims.models import Verdict
from sources.api.serializers import SourceSerializer
from tests.factories import EvidenceFactory, SourceFactory, correct, make_verdict

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/claims/",
        "/api/v1/claims/{slug}/",
        "/api/v1/claim-reviews/",
        "/api/v1/tombstones/",
        "/api/v1/match/",
        "/api/v1/claimants/",
        "/api/v1/sources/{slug}/",
        "/api/v1/ratings/",
    ):
        assert f"  {path}:" in text


def _fields(serializer):
    """{name: nested} for a serializer, recursively; every field must have help_text."""
    result = {}
    for name, field in serializer.fields.items():
        assert field.help_text, f"{type(serializer).__name__}.{name} has no help_text"
        child = field.child if isinstance(field, serializers.ListSerializer) else field
        result[name] = _fields(child) if isinstance(child, serializers.Serializer) else None
    return result


def _shape(data, template):
    """The keys of `data` laid out like _fields() (optional JSON-LD keys excepted)."""
    if isinstance(data, list):
        data = data[0]
    return {k: (_shape(data[k], template[k]) if template.get(k) and data[k] else None) for k in data}


def _required(template, serializer):
    return {
        name: (
            _required(template[name], f.child if isinstance(f, serializers.ListSerializer) else f)
            if template[name]
            else None
        )
        for name, f in serializer.fields.items()
        if f.required
    }


@pytest.fixture
def full_claim(db, reviewer):
    verdict = make_verdict(Verdict.Status.PUBLISHED, slug="full")
    source = SourceFactory(slug="captured")
    source.capture("text")
    source.save()
    EvidenceFactory(verdict=verdict, source=source, position=1)
    from claims.models import Rating

    correct(verdict=verdict, note="Changed.", by=reviewer, rating=Rating.objects.get(slug="true"))
    verdict.claim.topics.create(name="Economy", slug="economy")
    return verdict


@pytest.mark.parametrize(
    ("url", "serializer", "key"),
    [
        ("/api/v1/claims/", s.ClaimSummarySerializer(), "results"),
        ("/api/v1/claims/full/", s.ClaimDetailSerializer(), None),
        ("/api/v1/claimants/", s.ClaimantSerializer(), "results"),
        ("/api/v1/topics/economy/", s.TopicSerializer(), None),
        ("/api/v1/ratings/true/", s.RatingSerializer(), None),
        ("/api/v1/sources/", SourceSerializer(), "results"),
        ("/api/v1/sources/captured/", s.SourceDetailSerializer(), None),
        ("/api/v1/match/?text=statement+number+made", s.MatchResponseSerializer(), None),
    ],
)
def test_responses_have_exactly_the_documented_fields(client, full_claim, url, serializer, key):
    body = client.get(url).json()
    data = body[key][0] if key else body
    template = _fields(serializer)
    assert _shape(data, template) == _trim(template, data)


def _trim(template, data):
    """The template, with nested parts left out where the data has nothing to nest (null or [])."""
    if isinstance(data, list):
        data = data[0]
    return {k: (_trim(v, data[k]) if v and data[k] else None) for k, v in template.items()}


def test_claim_review_items_have_the_documented_fields(client, full_claim):
    item = client.get("/api/v1/claim-reviews/").json()["results"][0]
    template = _fields(s.ClaimReviewSerializer())
    assert set(item) <= set(template)
    assert set(_required(template, s.ClaimReviewSerializer())) <= set(item)
    assert set(item["itemReviewed"]) <= set(template["itemReviewed"])


def test_tombstones_have_the_documented_fields(client, reviewer):
    make_verdict(Verdict.Status.RETRACTED)
    item = client.get("/api/v1/tombstones/").json()["results"][0]
    assert list(item) == list(_fields(s.TombstoneSerializer()))


def test_docs_are_served_without_a_cdn(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()
    # ReDoc loads Google fonts and inline code: not served.
    assert client.get("/api/v1/redoc/").status_code == 404


def test_schema_is_served_as_json(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Factcheck Desk partner API"
    # A semantic version: generated clients use it as their package's version.
    assert re.fullmatch(r"\d+\.\d+\.\d+", schema["info"]["version"])
    assert schema["components"]["securitySchemes"] == {
        "Bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "Your partner key, as `Authorization: Bearer <key>` (`Authorization: Api-Key <key>` works "
            "too). Optional for reads, which are anonymous without it, with a lower rate limit.",
        },
        "ApiKey": {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "Your partner key, as `X-API-Key: <key>`. Optional for reads, which are anonymous without "
            "it, with a lower rate limit.",
        },
    }
    assert schema["paths"]["/api/v1/claims/"]["get"]["security"] == [{"Bearer": []}, {"ApiKey": []}, {}]


def test_every_parameter_response_and_field_is_described(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    missing = []
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            missing += [f"{path} {p['name']}" for p in operation.get("parameters", []) if not p.get("description")]
            missing += [f"{path} {code}" for code, r in operation["responses"].items() if not r.get("description")]
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if not spec.get("description"):
                missing.append(f"{name}.{field}")
    assert missing == []


def test_match_documents_get_and_post_with_the_same_answers(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    get, post = schema["paths"]["/api/v1/match/"]["get"], schema["paths"]["/api/v1/match/"]["post"]
    assert sorted(p["name"] for p in get["parameters"]) == ["limit", "text"]
    body = post["requestBody"]
    assert body["required"] is True
    assert sorted(body["content"]) == ["application/json", "application/x-www-form-urlencoded"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    assert body["content"]["application/x-www-form-urlencoded"]["schema"]["$ref"] == ref
    request = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert request["required"] == ["text"]
    assert request["properties"]["text"]["maxLength"] == 1000
    assert (request["properties"]["limit"]["minimum"], request["properties"]["limit"]["maximum"]) == (1, 20)
    assert post["responses"]["200"] == get["responses"]["200"]
    assert set(post["responses"]) == {"200", "400", "401", "413", "415", "429", "503"}
    assert "POST" in post["description"] and "4,094" in post["description"]
