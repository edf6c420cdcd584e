"""The partner's test: a client generated from the live schema with openapi-python-client, installed
as a package and used without a single edit, pages through every claim, syncs incrementally with
updated_since and the tombstones, makes a conditional request, registers a webhook and verifies a
delivery's signature with the standardwebhooks library at a local receiver."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from claims import services as claims_services
from claims.models import Claim, Rating
from tests.factories import UserFactory, correct, make_verdict

PACKAGE = "factcheck_desk_partner_api_client"


def _run(command, **kwargs):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False, **kwargs)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _generate_and_install(base_url, tmp_path):
    """The client package, generated from the schema the site serves and installed with pip."""
    schema = httpx.get(f"{base_url}/api/v1/schema/?format=json", timeout=30)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_text(schema.text)
    output = _run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", "schema.json", "--meta", "setup",
         "--output-path", "client"],
        cwd=tmp_path,
    )  # fmt: skip
    assert "Warning" not in output, output  # every operation and model came through
    # Installing reads info.version as the package's version: "1.0.0 (v1)" used to stop it here.
    _run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(tmp_path / "site"), str(tmp_path / "client")],
    )  # fmt: skip
    sys.path.insert(0, str(tmp_path / "site"))
    return importlib.import_module(PACKAGE)


@pytest.fixture
def isolated_import():
    """The generated package is imported from a folder of the test's: forgotten afterwards."""
    path = list(sys.path)
    yield
    sys.path[:] = path
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def _api(module):
    return importlib.import_module(f"{PACKAGE}.api.{module}")


def _all_claims(client, claims_list, **params):
    """Every item of /api/v1/claims/ with `params`, page by page with the `cursor` argument."""
    items, cursor, pages = [], None, 0
    while True:
        page = claims_list.sync(client=client, page_size=2, **params, **({"cursor": cursor} if cursor else {}))
        items += page.results
        pages += 1
        if not page.next_cursor:
            return items, pages
        cursor = page.next_cursor


# The live server needs committed rows; the migrations' rows (groups, ratings) are restored afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_generated_client_syncs_everything_and_verifies_a_webhook(
    live_server, partner, receiver, tmp_path, isolated_import
):
    reviewer = UserFactory(username="client-reviewer", group="Reviewers")
    verdicts = [make_verdict(slug=f"check-{i}", reviewer=reviewer) for i in range(5)]
    package = _generate_and_install(live_server.url, tmp_path)
    from factcheck_desk_partner_api_client import AuthenticatedClient
    from factcheck_desk_partner_api_client.models import EndpointCreate, EventTypeEnum

    client = AuthenticatedClient(base_url=live_server.url, token=partner[1], raise_on_unexpected_status=True)
    claims_list = _api("claims.claims_list")

    # A full sync, page by page: the key is sent as a bearer token and recognised (a 401 otherwise).
    items, pages = _all_claims(client, claims_list)
    assert sorted(item.slug for item in items) == sorted(v.claim.slug for v in verdicts)
    assert pages == 3
    detail = _api("claims.claims_retrieve").sync(client=client, slug="check-0")
    assert (detail.slug, detail.rating.slug) == ("check-0", "false")
    high_water = max(item.updated_at for item in items)

    # A conditional request: the list's ETag, sent back, is a 304.
    first = claims_list.sync_detailed(client=client, page_size=2)
    assert first.headers["ratelimit-policy"] == '"partner";q=1000;w=60'
    again = claims_list.sync_detailed(client=client, page_size=2, if_none_match=first.headers["etag"])
    assert (again.status_code, again.content) == (304, b"")

    # Changes since: a correction and a retraction.
    correct(verdict=verdicts[1], by=reviewer, rating=Rating.objects.get(slug="mostly-false"), note="Rerated.")
    claims_services.verdict_retract(verdict=verdicts[2], note="Withdrawn.", by=reviewer)
    changed, _pages = _all_claims(client, claims_list, updated_since=high_water)
    assert "check-1" in {item.slug for item in changed}
    assert {item.slug: item.rating.slug for item in changed}["check-1"] == "mostly-false"
    tombstones = _api("tombstones.tombstones_list").sync(client=client, since=high_water)
    assert [t.slug for t in tombstones.results] == ["check-2"]

    # A webhook, registered with the client, verified with the standardwebhooks library.
    created = _api("webhooks.webhooks_create").sync(
        client=client, body=EndpointCreate(url=receiver.url, events=[EventTypeEnum.VERDICT_PUBLISHED])
    )
    assert created.secret.startswith("whsec_")
    make_verdict(slug="new-check", reviewer=reviewer)
    [request] = receiver.requests
    message = Webhook(created.secret).verify(request["body"], request["headers"])
    assert (message["type"], message["data"]["claim"]["slug"]) == ("verdict.published", "new-check")
    log = _api("webhooks.webhooks_deliveries_list").sync(client=client, id=created.id)
    assert [(d.webhook_id, d.status.value) for d in log.results] == [(request["headers"]["webhook-id"], "delivered")]
    assert package.__name__ == PACKAGE
    assert Claim.objects.published().count() == 5
