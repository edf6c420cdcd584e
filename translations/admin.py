"""Translations in the admin. The admin holds no rule: saving and every workflow button call
translations.services, a refusal comes back as a form error with what the person typed, and the
buttons shown are those services.allowed_actions() allows. There is no bulk "Publish": a reviewer
publishes the version their page showed them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from claims.admin import EditorialMedia, ServiceAdminMixin, VersionedForm, _error_text
from claims.models import Evidence
from translations import services
from translations.models import ClaimTranslation, PublishedTranslation

WORKFLOW_BUTTONS = {
    "submit": ("_submit_review", _("Save and submit for review"), _("Submitted for review.")),
    "publish": ("_publish", _("Save and publish"), _("Published: readers now see this translation.")),
    "return_to_draft": ("_return_draft", _("Send back to draft"), _("Sent back to draft.")),
}


class TranslationForm(VersionedForm):
    """The translation, with one field per evidence note of the check (named note_<evidence id>)."""

    class Meta:
        model = ClaimTranslation
        fields = ["claim", "language", "title", "text", "claim_reviewed", "conclusion", "analysis"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence = []
        if self.instance.pk:
            self.evidence = list(
                Evidence.objects.filter(verdict__claim_id=self.instance.claim_id).select_related("source")
            )
        notes = self.instance.evidence_notes or {}
        for item in self.evidence:
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Evidence note: %(source)s") % {"source": item.source.title},
                help_text=format_html("{}: {}", _("Original"), item.note),
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=notes.get(str(item.pk), ""),
                required=False,
            )

    def note_fields(self):
        return [f"note_{item.pk}" for item in self.evidence]

    def _post_clean(self):
        super()._post_clean()
        if self.evidence:
            self.instance.evidence_notes = {
                str(item.pk): self.cleaned_data.get(f"note_{item.pk}", "") for item in self.evidence
            }


@admin.register(ClaimTranslation)
class ClaimTranslationAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    form = TranslationForm
    change_form_template = "admin/translations/claimtranslation/change_form.html"
    list_display = ["claim", "language", "title", "status", "translator", "updated_at"]
    list_select_related = ["claim", "translator"]
    list_filter = ["language", "status"]
    search_fields = ["title", "text", "claim__title"]
    autocomplete_fields = ["claim"]
    readonly_fields = ["status", "translator", "original", "public_version"]
    actions = ["submit_for_review", "return_to_draft"]
    Media = EditorialMedia

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The evidence note fields are added per check by the form itself, not by the model.
        kwargs["fields"] = [f for f in TranslationForm.Meta.fields if f not in self.get_readonly_fields(request, obj)]
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        evidence = Evidence.objects.filter(verdict__claim_id=obj.claim_id) if obj else Evidence.objects.none()
        notes = [f"note_{pk}" for pk in evidence.values_list("pk", flat=True)]
        fields = ["title", "text", "claim_reviewed", "conclusion", "analysis", *notes, "expected_version"]
        return [
            (None, {"fields": ["claim", "language"]}),
            (_("The check as published"), {"fields": ["original"]}) if obj else (None, {"fields": []}),
            (_("Translation"), {"fields": fields}),
            (_("Workflow"), {"fields": ["status", "translator", "public_version"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        return [*fields, "claim", "language"] if obj else fields

    def has_delete_permission(self, request, obj=None):
        # A published translation is corrected through review, never deleted from readers' view.
        if obj is not None and PublishedTranslation.objects.filter(translation=obj).exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("original"))
    def original(self, obj):
        claim = obj.claim
        verdict = getattr(claim, "verdict", None)
        rows = [(_("Title"), claim.title), (_("Statement"), claim.text)]
        if verdict is not None:
            rows += [(_("Conclusion"), verdict.conclusion), (_("Analysis"), verdict.analysis)]
        return format_html(
            '<dl class="translation-original">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((str(k), v) for k, v in rows)),
        )

    @admin.display(description=_("what readers see"))
    def public_version(self, obj):
        published = PublishedTranslation.objects.filter(translation=obj).first() if obj.pk else None
        if published is None:
            return _("Not public until published.")
        return format_html(
            "{} — {}",
            published.title,
            _("publication %(n)d, %(date)s") % {"n": published.number, "date": published.updated_at.date()},
        )

    def save_model(self, request, obj, form, change):
        version = form.cleaned_data.get("expected_version")
        services.translation_save(translation=obj, by=request.user, expected_version=version)
        # A workflow button: refused, the whole save is undone and the form shows why (input kept).
        if "_submit_review" in request.POST:
            services.translation_submit(translation=obj, by=request.user)
        elif "_publish" in request.POST:
            services.translation_publish(translation=obj, by=request.user, expected_version=obj.version)
        elif "_return_draft" in request.POST:
            services.translation_return_to_draft(translation=obj, by=request.user)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        for _name, (button, _label, done) in WORKFLOW_BUTTONS.items():
            if button in request.POST:
                self.message_user(request, done, messages.SUCCESS)
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            allowed = services.allowed_actions(obj, request.user)
            context["workflow_buttons"] = [
                (WORKFLOW_BUTTONS[name][0], WORKFLOW_BUTTONS[name][1])
                for name in WORKFLOW_BUTTONS
                if allowed[name] is None
            ]
            context["workflow_hint"] = allowed["publish"] if obj.status == ClaimTranslation.Status.IN_REVIEW else ""
            context["translation"] = obj
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _bulk(self, request, queryset, action, done):
        count = 0
        for translation in queryset:
            try:
                action(translation=translation, by=request.user)
                count += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"“{translation}”: {_error_text(exc)}", messages.ERROR)
        if count:
            self.message_user(request, done % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Submit for review"))
    def submit_for_review(self, request, queryset):
        self._bulk(request, queryset, services.translation_submit, _("%(n)d submitted for review."))

    @admin.action(description=_("Send back to draft"))
    def return_to_draft(self, request, queryset):
        self._bulk(request, queryset, services.translation_return_to_draft, _("%(n)d sent back to draft."))


@admin.register(PublishedTranslation)
class PublishedTranslationAdmin(SimpleHistoryAdmin):
    """What readers see, read-only: it changes only when a reviewer publishes the translation."""

    list_display = ["title", "language", "claim", "translator", "reviewer", "number", "updated_at"]
    list_select_related = ["claim", "translator", "reviewer"]
    list_filter = ["language"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
