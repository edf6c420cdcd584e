from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Publisher, Source


@admin.register(Publisher)
class PublisherAdmin(SimpleHistoryAdmin):
    list_display = ["name", "domain"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["name"]}


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "title",
            "slug",
            "kind",
            "url",
            "publisher",
            "author",
            "published_on",
            "accessed_on",
            "language",
            "archive_url",
            "snapshot_text",
        ]

    def save(self, commit=True):
        if "snapshot_text" in self.changed_data:
            self.instance.capture(self.cleaned_data["snapshot_text"])
        return super().save(commit)


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    form = SourceForm
    list_display = ["title", "kind", "publisher", "published_on", "has_url", "captured_at"]
    list_select_related = ["publisher"]
    list_filter = ["kind", "language", ("publisher", admin.RelatedOnlyFieldListFilter), "published_on"]
    search_fields = ["title", "url", "author", "publisher__name"]
    autocomplete_fields = ["publisher"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_on"
    readonly_fields = ["snapshot_sha256", "captured_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "publisher", "author", "published_on", "language"]}),
        (_("Where to find it"), {"fields": ["url", "archive_url", "accessed_on"]}),
        (_("Captured snapshot"), {"fields": ["snapshot_text", "snapshot_sha256", "captured_at"]}),
    ]

    @admin.display(description=_("URL"), boolean=True)
    def has_url(self, obj):
        return bool(obj.url)
