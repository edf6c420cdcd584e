import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from pytest_django.asserts import assertContains

from sources.models import Publisher, Source
from tests.claims.test_admin import form_data
from tests.factories import AppearanceFactory, EvidenceFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


# (url, text the page shows, queries). Each budget holds at 1 and at 20 rows.
SOURCE_PAGES = [
    ("/admin/sources/source/", "Source number 0", 11),
    ("/admin/sources/source/add/", "Add source", 7),
    # +2: whether a public verdict cites the source (only reviewers may change it then)
    ("/admin/sources/source/{source.pk}/change/", "Change source", 11),
    ("/admin/sources/publisher/", "Publisher 0", 7),
    ("/admin/sources/publisher/add/", "Add publisher", 7),
    ("/admin/sources/publisher/{publisher.pk}/change/", "Change publisher", 10),
]


@pytest.mark.parametrize("rows", [1, 20])
def test_source_admin_pages_render_within_query_budget(editor_client, django_assert_num_queries, rows):
    sources = [
        SourceFactory(title=f"Source number {n}", publisher=PublisherFactory(name=f"Publisher {n}"))
        for n in range(rows)
    ]
    data = {"source": sources[0], "publisher": sources[0].publisher}
    for url, text, queries in SOURCE_PAGES:
        url = url.format(**data)
        ContentType.objects.clear_cache()
        with django_assert_num_queries(queries):
            response = editor_client.get(url)
        assertContains(response, text, msg_prefix=url)


def _source_data(**overrides):
    return {
        "title": "Labour statistics 2024",
        "slug": "labour-statistics-2024",
        "kind": "dataset",
        "url": "https://stats.example/labour/2024",
        "language": "en",
        "snapshot_text": "",
    } | overrides


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://Stats.Example/labour/2024",
        "https://stats.example/labour/2024/",
        "https://stats.example/labour/2024#table-3",
        "https://stats.example:443/labour/2024",
    ],
)
def test_duplicate_url_after_normalisation_is_a_form_error(editor_client, url):
    SourceFactory(title="The first record", url="https://stats.example/labour/2024")
    response = editor_client.post("/admin/sources/source/add/", _source_data(url=url))
    assertContains(response, "This URL is already recorded as the source “The first record”.")
    assert Source.objects.count() == 1


def test_sources_without_url_do_not_clash(editor_client):
    SourceFactory(url="")
    response = editor_client.post("/admin/sources/source/add/", _source_data(url=""))
    assert response.status_code == 302
    assert Source.objects.filter(url="").count() == 2


def test_captured_text_is_hashed_and_timed_and_history_names_the_editor(editor_client, editor):
    editor_client.post("/admin/sources/source/add/", _source_data(snapshot_text="The figures as published."))
    source = Source.objects.get()
    assert source.snapshot_sha256 == hashlib.sha256(b"The figures as published.").hexdigest()
    assert source.captured_at is not None
    assert source.normalized_url == "https://stats.example/labour/2024"
    assert list(Source.history.values_list("history_type", "history_user")) == [("+", editor.pk)]

    data = form_data(editor_client.get(f"/admin/sources/source/{source.pk}/change/"))
    editor_client.post(f"/admin/sources/source/{source.pk}/change/", data | {"snapshot_text": "Revised figures."})
    source.refresh_from_db()
    assert source.snapshot_sha256 == hashlib.sha256(b"Revised figures.").hexdigest()
    assert Source.history.latest("history_date").history_user == editor


def test_deleting_a_source_cited_as_evidence_is_refused(reviewer_client):
    source = EvidenceFactory().source
    response = reviewer_client.post(f"/admin/sources/source/{source.pk}/delete/", {"post": "yes"})
    assertContains(
        response,
        f"Deleting the source '{source.title}' would require deleting the following protected related objects:",
    )
    assertContains(response, "<li>Evidence: ")
    response = reviewer_client.post(
        "/admin/sources/source/", {"action": "delete_selected", "_selected_action": [source.pk], "post": "yes"}
    )
    assertContains(
        response, "Deleting the selected source would require deleting the following protected related objects:"
    )
    assert Source.objects.filter(pk=source.pk).exists()


def test_deleting_a_source_where_a_claim_appeared_is_refused(reviewer_client):
    source = AppearanceFactory().source
    response = reviewer_client.post(f"/admin/sources/source/{source.pk}/delete/", {"post": "yes"})
    assertContains(response, "<li>Appearance: ")
    assert Source.objects.filter(pk=source.pk).exists()


def test_deleting_a_publisher_with_sources_is_refused(reviewer_client):
    source = SourceFactory()
    response = reviewer_client.post(f"/admin/sources/publisher/{source.publisher_id}/delete/", {"post": "yes"})
    assertContains(
        response,
        f"Deleting the publisher '{source.publisher.name}' would require deleting the following "
        "protected related objects:",
    )
    assert Publisher.objects.count() == 1


def test_unused_source_can_be_deleted(reviewer_client):
    source = SourceFactory()
    response = reviewer_client.post(f"/admin/sources/source/{source.pk}/delete/", {"post": "yes"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"The source “{source.title}” was deleted successfully."]
    assert not Source.objects.exists()


def test_editor_cannot_delete_sources(editor_client):
    source = SourceFactory()
    assert editor_client.post(f"/admin/sources/source/{source.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Source.objects.count() == 1


def test_editor_cannot_change_a_source_cited_by_a_published_verdict(editor_client, reviewer):
    from django.test import Client

    from tests.factories import make_verdict

    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    verdict = make_verdict()
    source = verdict.evidence.get().source
    url = f"/admin/sources/source/{source.pk}/change/"
    response = editor_client.post(url, _source_data(title="Rewritten"))
    assert response.status_code == 403
    assert Source.objects.get(pk=source.pk).title == source.title
    assertContains(editor_client.get(url), "View source")
    response = reviewer_client.post(url, _source_data(title="Rewritten", slug=source.slug))
    assert response.status_code == 302
    assert Source.objects.get(pk=source.pk).title == "Rewritten"
