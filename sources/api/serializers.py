"""The public representation of publishers and sources. The serializers document the contract
(the OpenAPI schema is generated from them); the views build the same shape with the plain
functions below, which is several times faster than serializer instances for a page of 100."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from sources.models import Source


class PublisherSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Stable identifier of the publisher."))
    name = serializers.CharField(help_text=_("The publisher as readers know it, e.g. “Reuters”."))
    domain = serializers.CharField(help_text=_("Web domain without scheme, or an empty string."))


class SourceSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Stable identifier of the source; use it with /api/v1/sources/{slug}/."))
    title = serializers.CharField(help_text=_("Title of the article, document, post or dataset."))
    kind = serializers.ChoiceField(choices=Source.Kind.choices, help_text=_("What sort of source this is."))
    url = serializers.CharField(help_text=_("Address of the source, or an empty string when it has none."))
    archive_url = serializers.CharField(
        help_text=_("Address of a permanent copy (e.g. a web archive), or an empty string.")
    )
    publisher = PublisherSerializer(allow_null=True, help_text=_("Who published the source, if known."))
    author = serializers.CharField(help_text=_("Author as credited by the source, or an empty string."))
    published_on = serializers.DateField(allow_null=True, help_text=_("Publication date of the source, if known."))
    language = serializers.CharField(help_text=_("BCP 47 code of the source's language."))
    snapshot_sha256 = serializers.CharField(
        help_text=_(
            "SHA-256 (hex) of the text we captured from the source, so a copy can be checked; empty if none was captured."
        )
    )
    captured_at = serializers.DateTimeField(allow_null=True, help_text=_("When the text was captured, or null."))


def publisher_data(publisher):
    if publisher is None:
        return None
    return {"slug": publisher.slug, "name": publisher.name, "domain": publisher.domain}


def source_data(source):
    """Expects `source` loaded with select_related("publisher")."""
    return {
        "slug": source.slug,
        "title": source.title,
        "kind": source.kind,
        "url": source.url,
        "archive_url": source.archive_url,
        "publisher": publisher_data(source.publisher),
        "author": source.author,
        "published_on": source.published_on,
        "language": source.language,
        "snapshot_sha256": source.snapshot_sha256,
        "captured_at": source.captured_at,
    }
