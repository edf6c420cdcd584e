import datetime
import hashlib

import pytest

from sources.api.serializers import SourceSerializer, publisher_data, source_data
from sources.api.views import SourceViewSetBase
from tests.factories import PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_source_data_names_every_documented_field():
    publisher = PublisherFactory(name="Daily Example", slug="daily", domain="daily.example")
    source = SourceFactory(
        title="Report",
        slug="report",
        kind="transcript",
        url="https://daily.example/report",
        publisher=publisher,
        author="A. Writer",
        published_on=datetime.date(2024, 6, 1),
        language="uk",
        archive_url="https://archive.example/r",
    )
    at = datetime.datetime(2024, 6, 2, tzinfo=datetime.UTC)
    source.capture("Text", at=at)
    assert source_data(source) == {
        "slug": "report",
        "title": "Report",
        "kind": "transcript",
        "url": "https://daily.example/report",
        "archive_url": "https://archive.example/r",
        "publisher": {"slug": "daily", "name": "Daily Example", "domain": "daily.example"},
        "author": "A. Writer",
        "published_on": datetime.date(2024, 6, 1),
        "language": "uk",
        "snapshot_sha256": hashlib.sha256(b"Text").hexdigest(),
        "captured_at": at,
    }
    assert list(source_data(source)) == list(SourceSerializer().fields)


def test_source_without_publisher():
    assert publisher_data(None) is None
    assert source_data(SourceFactory(publisher=None))["publisher"] is None


def test_base_viewset_does_not_decide_visibility_itself():
    with pytest.raises(NotImplementedError, match="The project decides which sources are public."):
        SourceViewSetBase().get_queryset()
