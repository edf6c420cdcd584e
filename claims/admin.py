from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from claims import services
from claims.models import APIKey, Appearance, Claim, Claimant, Correction, Evidence, Rating, Topic, Verdict
from sources.admin import SourceAdmin
from sources.models import Source

admin.site.site_header = _("Factcheck Desk — editors")
admin.site.site_title = _("Factcheck Desk admin")
admin.site.index_title = _("Claims, verdicts and sources")


def _error_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    # Django raises a bare PermissionDenied (no text) when a view-only user posts a change form.
    return str(exc) or _("You do not have permission to change this.")


class EditorialMedia:
    """The small stylesheet for the workflow buttons, rating swatches and wide title columns."""

    css = {"all": ["admin-extra/editorial.css"]}


class VersionedForm(forms.ModelForm):
    """Carries the version the editor loaded; a save based on an older one is refused with a
    message, and the editor's input stays in the form."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        model = type(self.instance)
        stale = self.instance.pk and expected is not None
        if stale and not model.objects.filter(pk=self.instance.pk, version=expected).exists():
            raise ValidationError(
                _(
                    "Someone else changed this record while you were editing it. Copy your changes, "
                    "reload the page to see theirs, then make yours again."
                ),
                code="edit_conflict",
            )
        return cleaned


class ServiceAdminMixin:
    """Turns a refusal raised by a service during save into a message instead of a server error.
    The transaction of the whole admin view is rolled back, so nothing is half-saved."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusals_as_messages(request, super().changeform_view, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an older version saves through the same services, which may refuse it.
        return self._refusals_as_messages(request, super().history_form_view, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except OverflowError:
            # A date-hierarchy year past datetime's range (Django catches only ValueError there):
            # the same answer Django gives any other bad lookup parameter.
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")

    def _refusals_as_messages(self, request, view, *args):
        try:
            with transaction.atomic():
                return view(request, *args)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


# --- Claimants, topics, ratings -----------------------------------------------------------------


@admin.register(Claimant)
class ClaimantAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "role", "country", "claim_count", "updated_at"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "role", "affiliation", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["kind", "name", "slug", "role", "affiliation", "country", "wikidata_id", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_claims=Count("claims"))

    @admin.display(description=_("claims"), ordering="num_claims")
    def claim_count(self, obj):
        return obj.num_claims

    def save_model(self, request, obj, form, change):
        services.claimant_save(claimant=obj, by=request.user)


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "featured"]
    list_filter = ["featured"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Rating)
class RatingAdmin(SimpleHistoryAdmin):
    list_display = ["label", "scale", "ordinal", "colour_swatch", "position"]
    list_filter = ["scale"]
    search_fields = ["label"]
    prepopulated_fields = {"slug": ["label"]}

    Media = EditorialMedia

    @admin.display(description=_("colour"), ordering="colour")
    def colour_swatch(self, obj):
        return rating_swatch(obj.colour, format_html("<code>{}</code>", obj.colour))


def rating_swatch(colour, text):
    """A coloured square before the text. The colour is an SVG presentation attribute, not a style,
    so the strict CSP (no inline style) holds."""
    return format_html(
        '<span class="rating-swatch"><svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
        '<rect width="14" height="14" rx="3" fill="{}"/></svg>{}</span>',
        colour,
        text,
    )


# --- Claims --------------------------------------------------------------------------------------


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """Renders the selected option from the row's object, which the inline's queryset has already
    joined, instead of one query per inline row (keeps the change page's query count constant)."""

    preloaded = None

    def optgroups(self, name, value, attr=None):
        obj = self.preloaded
        if obj is None or [str(v) for v in value if v not in ("", None)] != [str(obj.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(obj)
        options.append(self.create_option(name, obj.pk, label, True, len(options)))
        return [(None, options, 0)]


class SourceRowsFormSet(forms.BaseInlineFormSet):
    """Inline rows citing a source: hands each row's loaded source to its autocomplete widget."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk and "source" in form.fields:
            widget = form.fields["source"].widget
            getattr(widget, "widget", widget).preloaded = form.instance.source
        return form


class AppearanceFormSet(SourceRowsFormSet):
    def clean(self):
        super().clean()
        # The database allows one first appearance per claim; checked here too because two new rows
        # of the same form are not compared with each other before they are saved.
        firsts = [f for f in self.forms if f.cleaned_data.get("is_first") and not self._should_delete_form(f)]
        if len(firsts) > 1:
            raise ValidationError(_("Only one appearance can be the first."), code="one_first_appearance")


class LockedWhenPublicInline(admin.TabularInline):
    """Rows of a public claim or verdict (appearances, evidence) are for reviewers only, like the
    record itself. Each row cites a source, picked by autocomplete."""

    formset = SourceRowsFormSet
    autocomplete_fields = ["source"]
    joined = ["source"]  # what each row's label and widgets show, loaded in the rows' one query

    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.joined)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["widget"] = PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _editable(self, request, obj):
        public = obj.is_public if isinstance(obj, Verdict) else (obj is not None and _public_verdict(obj))
        return not public or services.can_publish(request.user)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)


class AppearanceInline(LockedWhenPublicInline):
    model = Appearance
    formset = AppearanceFormSet
    extra = 1
    fields = ["source", "quote", "seen_on", "is_first"]
    joined = ["claim", "source"]


class ClaimForm(VersionedForm):
    class Meta:
        model = Claim
        fields = [
            "title",
            "slug",
            "text",
            "kind",
            "claimant",
            "unattributed",
            "made_on",
            "made_at",
            "language",
            "topics",
        ]


def _apply_to_verdicts(modeladmin, request, verdicts, action, done_message, **kwargs):
    done = 0
    for verdict in verdicts:
        try:
            action(verdict=verdict, by=request.user, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"“{verdict}”: {_error_text(exc)}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


def _public_verdict(claim):
    verdict = getattr(claim, "verdict", None) if claim.pk else None
    return verdict is not None and verdict.is_public


def _claim_from_request(request):
    """The claim a new verdict is for, from the form or the "Write the verdict" link (?claim=)."""
    if not hasattr(request, "_verdict_claim"):  # asked by the form and the initial data: one query
        pk = request.POST.get("claim") or request.GET.get("claim") or ""
        request._verdict_claim = Claim.objects.filter(pk=pk).first() if pk.isdigit() else None
    return request._verdict_claim


def _claim_verdicts(queryset):
    return Verdict.objects.filter(claim__in=queryset).select_related("claim", "rating")


class NoDeletePublicMixin:
    """A claim or verdict that readers and partners have seen is retracted, never deleted: a delete
    would leave partners who synced it no tombstone and readers no notice. Bulk delete is off for
    the same reason (it does not ask per object)."""

    def has_delete_permission(self, request, obj=None):
        verdict = obj if isinstance(obj, Verdict) else getattr(obj, "verdict", None) if obj else None
        if verdict is not None and verdict.status in Verdict.PUBLIC_STATUSES:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("none", _("No verdict yet")), *Verdict.Status.choices]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(verdict__isnull=True)
        if self.value() in Verdict.Status.values:
            return queryset.filter(verdict__status=self.value())
        return queryset


@admin.register(Claim)
class ClaimAdmin(NoDeletePublicMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    form = ClaimForm
    list_display = ["title", "claimant", "made_on", "status", "rating"]
    list_select_related = ["claimant", "verdict__rating"]
    list_filter = [
        StatusFilter,
        ("verdict__rating", admin.RelatedOnlyFieldListFilter),
        "kind",
        ("claimant", admin.RelatedOnlyFieldListFilter),
        "topics",
        "made_on",
        "language",
    ]
    date_hierarchy = "made_on"
    search_fields = ["title", "text", "claimant__name", "slug"]
    autocomplete_fields = ["claimant", "topics"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AppearanceInline]
    readonly_fields = ["verdict_link", "public_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "text", "kind", "topics", "language", "expected_version"]}),
        (_("Who said it, when and where"), {"fields": ["claimant", "unattributed", "made_on", "made_at"]}),
        (_("Verdict"), {"fields": ["verdict_link", "public_link"]}),
    ]
    actions = ["submit_for_review", "publish", "return_to_draft"]
    Media = EditorialMedia

    def get_queryset(self, request):
        # Also what the changelist joins: Django skips list_select_related once a queryset has one.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def has_change_permission(self, request, obj=None):
        # The service refuses it too; this makes the page read-only instead of failing on save.
        if obj is not None and _public_verdict(obj) and not services.can_publish(request.user):
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("status"), ordering="verdict__status")
    def status(self, obj):
        verdict = getattr(obj, "verdict", None)
        return verdict.get_status_display() if verdict else _("No verdict yet")

    @admin.display(description=_("rating"), ordering="verdict__rating__label")
    def rating(self, obj):
        verdict = getattr(obj, "verdict", None)
        return rating_swatch(verdict.rating.colour, verdict.rating.label) if verdict and verdict.rating else "—"

    @admin.display(description=_("verdict"))
    def verdict_link(self, obj):
        verdict = getattr(obj, "verdict", None) if obj.pk else None
        if verdict:
            url = reverse("admin:claims_verdict_change", args=[verdict.pk])
            return format_html('<a href="{}">{} ({})</a>', url, _("Open the verdict"), verdict.get_status_display())
        if obj.pk:
            url = reverse("admin:claims_verdict_add") + f"?claim={obj.pk}"
            return format_html('<a href="{}">{}</a>', url, _("Write the verdict"))
        return _("Save the claim first, then write its verdict.")

    @admin.display(description=_("public page"))
    def public_link(self, obj):
        verdict = getattr(obj, "verdict", None) if obj.pk else None
        if verdict and verdict.is_public:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())
        return _("Not public: the verdict is not published.")

    def view_on_site(self, obj):
        verdict = getattr(obj, "verdict", None)
        return obj.get_absolute_url() if verdict and verdict.is_public else None

    def save_model(self, request, obj, form, change):
        services.claim_save(claim=obj, by=request.user, expected_version=form.cleaned_data.get("expected_version"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if services.claim_is_public(form.instance):
            services.content_version_bump()

    @admin.action(description=_("Submit the verdicts for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        _apply_to_verdicts(
            self,
            request,
            _claim_verdicts(queryset),
            services.verdict_submit_for_review,
            lambda n: ngettext("%d verdict submitted for review.", "%d verdicts submitted for review.", n) % n,
        )

    @admin.action(description=_("Publish the verdicts"), permissions=["publish"])
    def publish(self, request, queryset):
        _apply_to_verdicts(
            self,
            request,
            _claim_verdicts(queryset),
            services.verdict_publish,
            lambda n: ngettext("%d verdict published.", "%d verdicts published.", n) % n,
        )

    @admin.action(description=_("Send the verdicts back to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        _apply_to_verdicts(
            self,
            request,
            _claim_verdicts(queryset),
            services.verdict_return_to_draft,
            lambda n: ngettext("%d verdict sent back to draft.", "%d verdicts sent back to draft.", n) % n,
        )

    def has_publish_permission(self, request):
        return services.can_publish(request.user)


# --- Verdicts ------------------------------------------------------------------------------------


class EvidenceInline(LockedWhenPublicInline):
    model = Evidence
    extra = 1
    fields = ["source", "note", "position"]
    joined = ["verdict__claim", "source"]


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["created_at", "kind", "note", "old_rating", "new_rating", "created_by"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("public corrections (add one by changing a published verdict with a note)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("verdict__claim", "old_rating", "new_rating", "created_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VerdictForm(VersionedForm):
    correction_kind = forms.ChoiceField(
        label=_("Kind of change"),
        required=False,
        choices=[("", "—")] + [c for c in Correction.Kind.choices if c[0] != Correction.Kind.RETRACTION],
        help_text=_("For a published verdict: a rating change is recorded as such automatically."),
    )
    public_note = forms.CharField(
        label=_("Public note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed to change the rating or conclusion of a published verdict (shown to readers as a "
            "correction), and to retract one (shown as the reason)."
        ),
    )

    class Meta:
        model = Verdict
        fields = ["claim", "rating", "conclusion", "analysis"]
        widgets = {
            "conclusion": forms.Textarea(attrs={"rows": 2, "cols": 80, "maxlength": 400}),
            "analysis": forms.Textarea(attrs={"rows": 14, "cols": 80}),
        }

    def clean(self):
        cleaned = super().clean()
        claim, rating = cleaned.get("claim"), cleaned.get("rating")
        if claim and rating and rating.scale != claim.rating_scale:
            self.add_error(
                "rating",
                _("A %(kind)s takes a rating from the %(scale)s scale.")
                % {"kind": claim.get_kind_display().lower(), "scale": Rating.Scale(claim.rating_scale).label.lower()},
            )
        published = self.instance.pk and self.instance.status == Verdict.Status.PUBLISHED
        corrected = "rating" in self.changed_data or "conclusion" in self.changed_data
        if published and corrected and not cleaned.get("public_note", "").strip():
            self.add_error(
                "public_note",
                _(
                    "This verdict is published: changing its rating or conclusion is a "
                    "public correction. Say what changed and why."
                ),
            )
        return cleaned


@admin.register(Verdict)
class VerdictAdmin(NoDeletePublicMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    form = VerdictForm
    change_form_template = "admin/claims/verdict/change_form.html"
    list_display = ["claim", "rating_badge", "status", "author", "reviewer", "published_at"]
    list_select_related = ["claim", "rating", "author", "reviewer", "last_edited_by"]
    list_filter = ["status", ("rating", admin.RelatedOnlyFieldListFilter), "claim__kind", "published_at"]
    search_fields = ["claim__title", "claim__text", "conclusion"]
    autocomplete_fields = ["claim"]
    date_hierarchy = "published_at"
    inlines = [EvidenceInline, CorrectionInline]
    readonly_fields = [
        "status",
        "author",
        "last_edited_by",
        "reviewer",
        "submitted_at",
        "published_at",
        "retracted_at",
        "retraction_note",
        "public_link",
    ]
    actions = ["submit_for_review", "publish", "return_to_draft"]
    Media = EditorialMedia

    def get_fieldsets(self, request, obj=None):
        workflow = ["status", "author", "last_edited_by", "reviewer", "submitted_at", "published_at", "public_link"]
        if obj and obj.status == Verdict.Status.RETRACTED:
            workflow += ["retracted_at", "retraction_note"]
        fieldsets = [
            (None, {"fields": ["claim", "rating", "conclusion", "analysis", "expected_version"]}),
            (_("Workflow"), {"fields": workflow}),
        ]
        # Only someone who may correct or retract sees the fields for it.
        if obj and obj.status == Verdict.Status.PUBLISHED and services.can_publish(request.user):
            fieldsets.insert(1, (_("Correction or retraction"), {"fields": ["correction_kind", "public_note"]}))
        return fieldsets

    def get_queryset(self, request):
        # Also what the changelist joins: Django skips list_select_related once a queryset has one.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def get_inlines(self, request, obj):
        # Corrections exist only once a verdict has been public.
        return self.inlines if obj and obj.is_public else [EvidenceInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        claim = obj.claim if obj else _claim_from_request(request)
        if claim and "rating" in form.base_fields:
            # Offer only the ratings of the scale that fits the claim (veracity or pledge status).
            field = form.base_fields["rating"]
            field.queryset = field.queryset.filter(scale=claim.rating_scale)
        return form

    def get_changeform_initial_data(self, request):
        # The "Write the verdict" link's ?claim=, only when it names a claim: any other value
        # would reach the claim widget's query as it is.
        initial = super().get_changeform_initial_data(request)
        initial.pop("claim", None)
        claim = _claim_from_request(request)
        if claim is not None:
            initial["claim"] = claim.pk
        return initial

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj:
            fields.append("claim")
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is not None and obj.is_public and not services.can_publish(request.user):
            return False
        if obj is not None and obj.status == Verdict.Status.RETRACTED:
            return False
        return allowed

    @admin.display(description=_("rating"), ordering="rating__label")
    def rating_badge(self, obj):
        return rating_swatch(obj.rating.colour, obj.rating.label) if obj.rating else "—"

    @admin.display(description=_("public page"))
    def public_link(self, obj):
        if obj.pk and obj.is_public:
            url = obj.claim.get_absolute_url()
            return format_html('<a href="{}">{}</a>', url, url)
        return _("Not public until published.")

    def view_on_site(self, obj):
        return obj.claim.get_absolute_url() if obj.is_public else None

    def save_model(self, request, obj, form, change):
        services.verdict_save(
            verdict=obj,
            by=request.user,
            expected_version=form.cleaned_data.get("expected_version"),
            correction_kind=form.cleaned_data.get("correction_kind", ""),
            # On "retract" the note is the retraction's reason, not a correction of the text.
            correction_note="" if "_retract" in request.POST else form.cleaned_data.get("public_note", ""),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.is_public:
            services.content_version_bump()

    def response_change(self, request, obj):
        for button, action, kwargs, done in self._workflow_buttons(request):
            if button in request.POST:
                try:
                    action(verdict=obj, by=request.user, **kwargs)
                except (ValidationError, PermissionDenied) as exc:
                    self.message_user(request, _error_text(exc), messages.ERROR)
                    return HttpResponseRedirect(request.path)
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _workflow_buttons(self, request):
        note = request.POST.get("public_note", "")
        return [
            (
                "_submit_review",
                services.verdict_submit_for_review,
                {},
                _("Submitted for review. A reviewer can now publish it."),
            ),
            ("_return_draft", services.verdict_return_to_draft, {}, _("Sent back to draft.")),
            ("_publish", services.verdict_publish, {}, _("Published. It is now on the public site.")),
            (
                "_retract",
                services.verdict_retract,
                {"note": note},
                _("Retracted. The public page now says so, with your note."),
            ),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["verdict"] = obj
        if obj and self.has_change_permission(request, obj):
            context["workflow_buttons"], context["workflow_hint"] = self._workflow(request, obj)
        # One verdict per claim, written from the claim's page: "add another" leads nowhere useful.
        context["show_save_and_add_another"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow(self, request, verdict):
        """The workflow buttons (name, label, css class) this user may use on this verdict now, and
        a hint on what happens next."""
        reviewer = services.can_publish(request.user)
        is_author = verdict.author_id == request.user.pk
        if verdict.status == Verdict.Status.DRAFT:
            return [("_submit_review", _("Save and submit for review"), "default")], _(
                "When the verdict is ready, submit it: a reviewer other than its author then publishes it."
            )
        if verdict.status == Verdict.Status.IN_REVIEW:
            buttons = [("_return_draft", _("Send back to draft"), "")] if reviewer or is_author else []
            if reviewer and not is_author:
                return [("_publish", _("Save and publish"), "default"), *buttons], ""
            return buttons, _("A reviewer other than its author publishes it.")
        if verdict.status == Verdict.Status.PUBLISHED and reviewer:
            return [("_retract", _("Retract"), "danger")], _(
                "To retract it, write the reason in “Public note” above: readers see it on the claim's page."
            )
        return [], ""

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        _apply_to_verdicts(
            self,
            request,
            queryset.select_related("claim", "rating"),
            services.verdict_submit_for_review,
            lambda n: ngettext("%d verdict submitted for review.", "%d verdicts submitted for review.", n) % n,
        )

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request, queryset):
        _apply_to_verdicts(
            self,
            request,
            queryset.select_related("claim", "rating"),
            services.verdict_publish,
            lambda n: ngettext("%d verdict published.", "%d verdicts published.", n) % n,
        )

    @admin.action(description=_("Send back to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        _apply_to_verdicts(
            self,
            request,
            queryset.select_related("claim", "rating"),
            services.verdict_return_to_draft,
            lambda n: ngettext("%d verdict sent back to draft.", "%d verdicts sent back to draft.", n) % n,
        )

    def has_publish_permission(self, request):
        return services.can_publish(request.user)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "verdict", "old_rating", "new_rating", "created_by"]
    list_select_related = ["verdict__claim", "old_rating", "new_rating", "created_by"]
    list_filter = ["kind", "created_at"]
    search_fields = ["note", "verdict__claim__title"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "verdict",
        "kind",
        "note",
        "old_rating",
        "new_rating",
        "old_conclusion",
        "created_at",
        "created_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Partner API keys ----------------------------------------------------------------------------


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "contact_email", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "contact_email"]
    fields = ["name", "contact_email"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.prefix, raw_key = APIKey.generate()
            obj.hashed_key = APIKey.hash(raw_key)
            self.message_user(
                request,
                _(
                    "The key for %(name)s is %(key)s — copy it now: it is stored only as a hash and will not be shown again."
                )
                % {"name": obj.name, "key": raw_key},
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, ngettext("%d key revoked.", "%d keys revoked.", count) % count, messages.SUCCESS)


# --- Sources, as the claims see them --------------------------------------------------------------


class CitedSourceAdmin(SourceAdmin):
    """The sources admin, with the rule that only claims know about: a source cited by a public
    verdict (as evidence or as where a public claim appeared) is public material, so only a
    reviewer may change it. (`sources` cannot know this; `claims` wires it in here.)"""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and not services.can_publish(request.user):
            if not hasattr(obj, "_is_public"):  # asked several times per page: one query
                obj._is_public = services.source_is_public(obj)
            return not obj._is_public
        return allowed


admin.site.unregister(Source)
admin.site.register(Source, CitedSourceAdmin)
