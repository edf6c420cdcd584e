"""Every public page of a seeded site is valid HTML by the Nu HTML Checker (the W3C's validator):
`<time datetime>` values, attributes, nesting. The checker is the npm package vnu-jar, run with
Debian's Java; .ci/run installs both. Without them this test skips, except under CI=true."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from claims.models import Claim, Topic
from sources.models import Source
from tests.factories import ClaimantFactory, make_verdict

pytestmark = pytest.mark.django_db

VNU_JAR = Path(
    os.environ.get(
        "VNU_JAR", settings.BASE_DIR / ".ci" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    )
)


def _require_checker():
    if VNU_JAR.exists() and shutil.which("java"):
        return
    message = f"The HTML check needs Java and vnu.jar at {VNU_JAR} (npm install vnu-jar; set VNU_JAR)."
    if os.environ.get("CI") == "true":
        pytest.fail(message + " CI must not pass without it.")
    pytest.skip(message)


def _public_pages():
    pages = ["/", "/claims/", "/claims/?q=ceasefire", "/claims/?rating=nonsense", "/claimants/", "/topics/"]
    pages += ["/ratings/", "/corrections/", "/about/", "/contact/", "/tips/new/", "/team/dana-writer/"]
    pages += [claim.get_absolute_url() for claim in Claim.objects.public()]
    pages += [topic.get_absolute_url() for topic in Topic.objects.all()]
    pages += ["/claimants/vladimir-putin/", f"/sources/{Source.objects.first().slug}/", "/no-such-page/"]
    # Every page again in each other language (README "Languages"): the switcher and hreflang links.
    others = [f"/{code}" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return pages + [prefix + page for prefix in others for page in pages]


def test_every_public_page_of_a_seeded_site_is_valid_html(client, reviewer, tmp_path):
    _require_checker()
    call_command("loadseeds", "--reviewer", reviewer.username, stdout=None)
    # Hostile text too: right-to-left overrides, an unbroken 10,000-character string.
    claimant = ClaimantFactory(name="\u202eEvil", slug="evil")
    make_verdict(slug="hostile", title="x" * 200, text="y" * 10000, claimant=claimant)
    files = []
    for index, url in enumerate(_public_pages() + ["/claims/hostile/", "/claimants/evil/"]):
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        path = tmp_path / f"page-{index}.html"
        path.write_bytes(response.content)
        files.append((url, path))
    result = subprocess.run(  # noqa: S603 - the checker on our own output
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *[str(p) for _, p in files]],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    urls = {f"file:{p}": url for url, p in files}
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{urls.get(m.get('url'), m.get('url'))}: {m['message']} [{m.get('extract', '')}]" for m in messages]
    assert errors == []
    assert result.returncode == 0, result.stderr
