"""The dataset's public pages: /data/ (the versions, their files, checksums and licence) and the
downloads. Versioned files never change, so they are served with a long cache life."""

import re

from django.http import FileResponse, Http404, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from claims.views import cdn_cached, read_only
from partners import dataset, selectors

_VERSION = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:\.[0-9]+)?$")
SHOWN_VERSIONS = 10


@cdn_cached
def data_index(request):
    versions = list(selectors.dataset_versions()[:SHOWN_VERSIONS])
    return render(request, "partners/data.html", {"latest": versions[0] if versions else None, "older": versions[1:]})


@read_only
def dataset_file(request, version, name):
    """A file of a version: 200 with its SHA-256 as ETag, 304 when the caller has it already."""
    found = selectors.dataset_versions().filter(version=version).first() if _VERSION.match(version) else None
    if found is None:
        raise Http404
    if name == "SHA256SUMS":
        etag, media_type = None, "text/plain; charset=utf-8"
    else:
        described = next((f for f in found.files if f["name"] == name), None)
        if described is None:
            raise Http404
        etag, media_type = f'"{described["sha256"]}"', dataset.MEDIA_TYPES[described["format"]]
    if etag and etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
        response = HttpResponseNotModified()
    else:
        try:
            handle = dataset.storage().open(dataset.path_of(version, name), "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=media_type, as_attachment=name != "SHA256SUMS", filename=name)
    if etag:
        response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=86400, immutable=True)
    return response


@read_only
def dataset_latest(request, fmt):
    """/data/latest.jsonl and /data/latest.csv: a redirect to the newest version's file."""
    latest = selectors.dataset_versions().first()
    if latest is None or fmt not in dataset.MEDIA_TYPES:
        raise Http404
    url = reverse(
        "partners:dataset_file", kwargs={"version": latest.version, "name": dataset.file_name(latest.version, fmt)}
    )
    response = HttpResponseRedirect(url)
    patch_cache_control(response, no_cache=True)
    return response
