import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from sources.models import Publisher, Source, normalize_url
from tests.factories import AppearanceFactory, EvidenceFactory, PublisherFactory, SourceFactory


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://News.Example/Path/", "https://news.example/Path"),
        ("HTTP://news.example:80/a?b=1#frag", "http://news.example/a?b=1"),
        ("https://news.example:8443/a", "https://news.example:8443/a"),
        ("https://news.example/", "https://news.example"),
        ("  https://news.example/a  ", "https://news.example/a"),
        ("", ""),
    ],
)
def test_normalize_url(url, normalised):
    assert normalize_url(url) == normalised


@pytest.mark.django_db
def test_normalised_url_is_unique_in_the_database():
    SourceFactory(url="https://news.example/story")
    with (
        pytest.raises(IntegrityError, match="source_unique_normalized_url|claims_source|sources_source.normalized_url"),
        transaction.atomic(),
    ):
        SourceFactory(url="HTTPS://NEWS.EXAMPLE/story/#top")
    assert Source.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_url_is_a_validation_message():
    SourceFactory(title="First", url="https://news.example/story")
    source = SourceFactory.build(url="https://news.example/story/", publisher=None)
    with pytest.raises(ValidationError) as excinfo:
        source.full_clean()
    assert excinfo.value.message_dict == {"url": ["This URL is already recorded as the source “First”."]}


@pytest.mark.django_db
def test_many_sources_without_url():
    SourceFactory(url="")
    SourceFactory(url="")
    assert list(Source.objects.values_list("normalized_url", flat=True)) == ["", ""]


@pytest.mark.django_db
def test_publisher_domain_is_unique_when_set():
    PublisherFactory(domain="news.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        PublisherFactory(domain="news.example")
    PublisherFactory(domain="")
    PublisherFactory(domain="")
    assert Publisher.objects.filter(domain="").count() == 2


@pytest.mark.django_db
def test_source_slug_is_unique():
    SourceFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(slug="same")


def test_capture_records_hash_and_time():
    source = Source(title="t")
    at = datetime.datetime(2024, 6, 14, 12, 0, tzinfo=datetime.UTC)
    source.capture("Le texte capturé.", at=at)
    assert (source.snapshot_sha256, source.captured_at) == (
        hashlib.sha256("Le texte capturé.".encode()).hexdigest(),
        at,
    )
    source.capture("")
    assert (source.snapshot_text, source.snapshot_sha256, source.captured_at) == ("", "", None)


@pytest.mark.django_db
def test_hash_without_capture_time_is_refused():
    source = SourceFactory()
    with pytest.raises(IntegrityError, match="source_snapshot_hash_with_capture_time"), transaction.atomic():
        Source.objects.filter(pk=source.pk).update(snapshot_sha256="0" * 64)


@pytest.mark.django_db
def test_source_cited_as_evidence_or_appearance_cannot_be_deleted():
    evidence, appearance = EvidenceFactory(), AppearanceFactory()
    for source in (evidence.source, appearance.source):
        with pytest.raises(ProtectedError), transaction.atomic():
            source.delete()
    assert Source.objects.count() == 2


@pytest.mark.django_db
def test_publisher_with_sources_cannot_be_deleted():
    source = SourceFactory()
    with pytest.raises(ProtectedError):
        source.publisher.delete()
    assert str(source) == source.title
    assert str(source.publisher) == source.publisher.name
