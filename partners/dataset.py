"""The bulk dataset: every published check, in two files per version.

- `factcheck-<version>.jsonl`, JSON Lines: one check per line, `{"claim": <the API's claim detail>,
  "claim_review": <its ClaimReview>, "license": <licence URL>}`, oldest publication first;
- `factcheck-<version>.csv`: one row per check with the main fields (and a `license` column);
- `SHA256SUMS`, in the format of `sha256sum -c`.

A version is named by the date it was built (`2026-11-24`; a second build that day is
`2026-11-24.2`). The SHA-256 and size of each file are kept in DatasetVersion and shown on /data/
and by /api/v1/datasets/. A build whose checks are the same as the latest version's makes no new
version. The files live in the "datasets" storage (settings.STORAGES, DATASET_ROOT); the latest
DATASET_KEEP_VERSIONS versions are kept."""

import csv
import hashlib
import io
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from claims.api.views import published_claim_details
from claims.claimreview import rating_bounds
from claims.services import content_version_bump
from partners import payloads
from partners.models import DatasetVersion

logger = logging.getLogger(__name__)

MEDIA_TYPES = {"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}
CSV_COLUMNS = [
    "slug",
    "url",
    "api_url",
    "title",
    "claim_reviewed",
    "text",
    "kind",
    "language",
    "made_on",
    "made_at",
    "claimant",
    "claimant_slug",
    "topics",
    "rating",
    "rating_label",
    "conclusion",
    "published_at",
    "verdict_updated_at",
    "updated_at",
    "corrections",
    "license",
]
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500


def storage():
    return storages["datasets"]


def file_name(version, fmt):
    return f"factcheck-{version}.{fmt}"


def path_of(version, name):
    return f"{version}/{name}"


class _HashingWriter:
    """A text file that counts its bytes and hashes them as they are written."""

    def __init__(self, path):
        self.file = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, text):
        data = text.encode("utf-8")
        self.file.write(data)
        self.sha256.update(data)
        self.size += len(data)

    def close(self):
        self.file.close()


def build():
    """Write a new version from the published checks; None if they are the same as the latest
    version's (or there are none). Queries: a fixed number per CHUNK checks."""
    with tempfile.TemporaryDirectory(prefix="dataset-") as tmp:
        items, written = _write(Path(tmp))
        latest = DatasetVersion.objects.first()
        if items == 0 or (latest and _same(latest, written)):
            return None
        return _publish(Path(tmp), items, written)


def _same(latest, written):
    previous = latest.file("jsonl")
    return bool(previous) and previous["sha256"] == written["jsonl"].sha256.hexdigest()


def _checks():
    claims = published_claim_details().order_by("published_at", "pk")
    bounds, urls = rating_bounds(), payloads.SiteURLs()
    for claim in claims.iterator(chunk_size=CHUNK):
        yield payloads.claim_data(claim, bounds=bounds, urls=urls)


def _write(folder):
    written = {fmt: _HashingWriter(folder / fmt) for fmt in MEDIA_TYPES}
    rows = csv.DictWriter(written["csv"], fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    rows.writeheader()
    licence = settings.DATASET_LICENSE_URL
    items = 0
    try:
        for check in _checks():
            written["jsonl"].write(payloads.dumps({**check, "license": licence}).decode() + "\n")
            rows.writerow(_csv_row(check, licence))
            items += 1
    finally:
        for writer in written.values():
            writer.close()
    return items, written


def _csv_row(check, licence):
    claim = check["claim"]
    claimant, rating = claim["claimant"] or {}, claim["rating"]
    row = {
        "slug": claim["slug"],
        "url": claim["url"],
        "api_url": claim["api_url"],
        "title": claim["title"],
        "claim_reviewed": check["claim_review"]["claimReviewed"],
        "text": claim["text"],
        "kind": claim["kind"],
        "language": claim["language"],
        "made_on": claim["made_on"].isoformat() if claim["made_on"] else "",
        "made_at": claim["made_at"],
        "claimant": claimant.get("name", ""),
        "claimant_slug": claimant.get("slug", ""),
        "topics": "; ".join(topic["name"] for topic in claim["topics"]),
        "rating": rating["slug"],
        "rating_label": rating["label"],
        "conclusion": claim["conclusion"],
        "published_at": claim["published_at"].isoformat(),
        "verdict_updated_at": claim["verdict_updated_at"].isoformat(),
        "updated_at": claim["updated_at"].isoformat(),
        "corrections": len(claim["corrections"]),
        "license": licence,
    }
    return {k: ("'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v) for k, v in row.items()}


def _version_name(today):
    taken = set(DatasetVersion.objects.filter(version__startswith=today).values_list("version", flat=True))
    name, n = today, 1
    while name in taken:
        n += 1
        name = f"{today}.{n}"
    return name


def _save(path, content):
    if storage().exists(path):  # left by an earlier run whose version row is gone: replace it
        storage().delete(path)
    storage().save(path, content)


def _publish(folder, items, written):
    now = timezone.now()
    version = _version_name(now.date().isoformat())
    files = []
    for fmt, writer in written.items():
        name = file_name(version, fmt)
        with open(folder / fmt, "rb") as handle:
            _save(path_of(version, name), File(handle))
        files.append({"name": name, "format": fmt, "size": writer.size, "sha256": writer.sha256.hexdigest()})
    sums = "".join(f"{f['sha256']}  {f['name']}\n" for f in files)
    _save(path_of(version, "SHA256SUMS"), File(io.BytesIO(sums.encode())))
    with transaction.atomic():
        made = DatasetVersion.objects.create(
            version=version,
            created_at=now,
            items=items,
            license_name=settings.DATASET_LICENSE_NAME,
            license_url=settings.DATASET_LICENSE_URL,
            files=files,
        )
        content_version_bump(set())  # /data/ and /api/v1/datasets/ are cached pages (tag "all")
    _prune()
    logger.info("Dataset %s built: %d checks", version, items)
    return made


def _prune():
    for old in DatasetVersion.objects.all()[settings.DATASET_KEEP_VERSIONS :]:
        for name in [f["name"] for f in old.files] + ["SHA256SUMS"]:
            storage().delete(path_of(old.version, name))
        old.delete()
