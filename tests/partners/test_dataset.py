"""The bulk dataset: every published check as JSON Lines (the API's items with their ClaimReview)
and CSV, versioned by date, with a SHA-256 per file and the licence written into the files, shown on
/data/ and listed by /api/v1/datasets/."""

import csv
import datetime
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from claims import services as claims_services
from claims.models import Verdict
from partners import dataset, services
from partners.models import DatasetVersion
from tests.factories import UserFactory, make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def checks(reviewer):
    first = make_verdict(
        slug="first", title="A headline far longer than the seventy-five characters a search engine shows"
    )
    second = make_verdict(slug="second", title="Second", text='=HYPERLINK("http://evil.example") said it')
    make_verdict(Verdict.Status.DRAFT, slug="draft")
    gone = make_verdict(slug="gone")
    claims_services.verdict_retract(verdict=gone, note="Withdrawn.", by=reviewer)
    return first, second


def _read(version, fmt):
    with dataset.storage().open(dataset.path_of(version.version, dataset.file_name(version.version, fmt))) as f:
        return f.read()


def test_a_build_writes_every_published_check_with_checksums_and_the_licence(client, checks, settings):
    version = services.dataset_build()
    today = timezone.now().date().isoformat()
    assert (version.version, version.items) == (today, 2)
    assert (version.license_name, version.license_url) == ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
    for fmt in ("jsonl", "csv"):
        content = _read(version, fmt)
        described = version.file(fmt)
        assert described == {
            "name": f"factcheck-{today}.{fmt}",
            "format": fmt,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
    sums = dataset.storage().open(dataset.path_of(today, "SHA256SUMS")).read().decode()
    assert sums == "".join(f"{f['sha256']}  {f['name']}\n" for f in version.files)

    lines = [json.loads(line) for line in _read(version, "jsonl").decode().splitlines()]
    assert [line["claim"]["slug"] for line in lines] == ["first", "second"]  # oldest publication first
    assert {tuple(line) for line in lines} == {("claim", "claim_review", "license")}
    assert {line["license"] for line in lines} == {"https://creativecommons.org/licenses/by/4.0/"}
    api = client.get("/api/v1/claims/first/").json()
    api["api_url"] = f"{settings.SITE_URL}/api/v1/claims/first/"
    assert lines[0]["claim"] == api  # the API's item, exactly
    short = lines[0]["claim_review"]["claimReviewed"]
    assert (short, len(short)) == ("A headline far longer than the seventy-five characters a search engine…", 71)


def test_the_csv_has_a_row_per_check_spreadsheet_safe(checks):
    version = services.dataset_build()
    rows = list(csv.DictReader(io.StringIO(_read(version, "csv").decode())))
    assert list(rows[0]) == dataset.CSV_COLUMNS
    assert [r["slug"] for r in rows] == ["first", "second"]
    assert rows[1]["text"] == '\'=HYPERLINK("http://evil.example") said it'  # never run as a formula
    assert rows[0]["rating"] == "false" and rows[0]["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert len(rows[0]["claim_reviewed"]) <= 75


def test_no_new_version_when_nothing_changed_and_a_second_build_a_day_is_numbered(checks, reviewer):
    first = services.dataset_build()
    assert services.dataset_build() is None
    claims_services.verdict_retract(verdict=checks[1], note="Withdrawn.", by=reviewer)
    second = services.dataset_build()
    assert second.version == f"{first.version}.2" and second.items == 1
    assert list(DatasetVersion.objects.values_list("version", flat=True)) == [second.version, first.version]


def test_old_versions_are_pruned(checks, settings, reviewer):
    settings.DATASET_KEEP_VERSIONS = 1
    first = services.dataset_build()
    claims_services.verdict_retract(verdict=checks[1], note="Withdrawn.", by=reviewer)
    second = services.dataset_build()
    assert list(DatasetVersion.objects.all()) == [second]
    assert not dataset.storage().exists(dataset.path_of(first.version, first.file("jsonl")["name"]))


def test_the_licence_is_a_setting(checks, settings):
    settings.DATASET_LICENSE_NAME = "CC BY-SA 4.0"
    settings.DATASET_LICENSE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
    version = services.dataset_build()
    assert json.loads(_read(version, "jsonl").splitlines()[0])["license"] == settings.DATASET_LICENSE_URL
    assert version.license_name == "CC BY-SA 4.0"


def test_the_data_page_links_the_files_with_their_checksums_and_licence(client, checks):
    version = services.dataset_build()
    jsonl = version.file("jsonl")
    response = client.get("/data/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Data: every fact-check in one download — Factcheck Desk</title>" in page
    assert f'href="/data/{version.version}/{jsonl["name"]}" download' in page
    assert jsonl["sha256"] in page
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in page
    assert "2 checks, built" in page


def test_the_data_page_before_any_build(client, db):
    assert "The first version of the dataset has not been built yet." in client.get("/data/").content.decode()


def test_a_file_downloads_with_its_checksum_as_etag(client, checks):
    version = services.dataset_build()
    jsonl = version.file("jsonl")
    response = client.get(f"/data/{version.version}/{jsonl['name']}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{jsonl["name"]}"'
    assert response["ETag"] == f'"{jsonl["sha256"]}"'
    assert "immutable" in response["Cache-Control"]
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == jsonl["sha256"]
    assert (
        client.get(f"/data/{version.version}/{jsonl['name']}", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    )
    latest = client.get("/data/latest.csv")
    assert (latest.status_code, latest["Location"]) == (302, f"/data/{version.version}/{version.file('csv')['name']}")
    for url in (f"/data/{version.version}/nope.jsonl", "/data/1999-01-01/x.csv", "/data/..%2F..%2Fetc/passwd"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/data/{version.version}/{jsonl['name']}").status_code == 405


def test_the_api_lists_the_versions(client, checks):
    version = services.dataset_build()
    body = client.get("/api/v1/datasets/").json()
    base = f"http://testserver/data/{version.version}/"
    assert body["results"] == [
        {
            "version": version.version,
            "created_at": version.created_at.isoformat(),
            "items": 2,
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "files": [
                {
                    **version.file("jsonl"),
                    "media_type": "application/x-ndjson; charset=utf-8",
                    "url": base + version.file("jsonl")["name"],
                },
                {
                    **version.file("csv"),
                    "media_type": "text/csv; charset=utf-8",
                    "url": base + version.file("csv")["name"],
                },
            ],
            "checksums_url": base + "SHA256SUMS",
        }
    ]
    assert client.get(f"/api/v1/datasets/{version.version}/").json() == body["results"][0]
    assert client.get("/api/v1/datasets/2001-01-01/").json() == {
        "detail": "There is no version of the dataset with this name."
    }


def test_a_lost_build_job_does_not_stop_later_rebuilds(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from partners.models import DatasetSchedule

    DatasetSchedule.objects.create(pk=1, build_due_at=timezone.now() - datetime.timedelta(days=1))
    due = services.dataset_schedule_build()
    assert due > timezone.now()


def test_staff_build_a_version_from_the_admin(client, checks, reviewer):
    client.force_login(reviewer)
    page = client.get("/admin/partners/datasetversion/")
    assert 'value="Build now"' in page.content.decode()
    response = client.post("/admin/partners/datasetversion/build/", follow=True)
    assert "built with 2 checks" in response.content.decode()
    assert DatasetVersion.objects.count() == 1
    editor = UserFactory(username="dataset-editor", group="Editors")
    client.force_login(editor)
    assert client.post("/admin/partners/datasetversion/build/").status_code == 403


def test_the_command_builds_a_version(checks):
    out = io.StringIO()
    call_command("builddataset", stdout=out)
    assert out.getvalue() == f"Version {DatasetVersion.objects.get().version}: 2 checks.\n"
    call_command("builddataset", stdout=out)
    assert out.getvalue().endswith("no new version.\n")
