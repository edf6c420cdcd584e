from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers as admin_helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from claims import revisions, selectors, services, views
from claims.models import (
    APIKey,
    Appearance,
    Claim,
    Claimant,
    Correction,
    Evidence,
    PendingChange,
    Rating,
    Topic,
    Verdict,
)
from sources.admin import PublisherAdmin, SourceAdmin, SourceForm
from sources.models import Publisher, Source

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


class RefusalFormMixin:
    """A refusal by a service during the save comes back as `service_refusal`: the form shows it as
    its error, on the same page, with everything the person typed."""

    service_refusal = None

    def clean(self):
        cleaned = super().clean()
        exc = self.service_refusal
        if exc is None:
            return cleaned
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, _error_text(exc))
        return cleaned


class VersionedForm(RefusalFormMixin, forms.ModelForm):
    """Carries the version the editor loaded, which the service compares with the stored one."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the stored row, not the instance: a history revert's instance is the old version.
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            self.fields["expected_version"].initial = current.first() or self.instance.version


def _with_refusal(form_class, request):
    refusal = getattr(request, "_service_refusal", None)
    if refusal is None:
        return form_class
    return type(form_class.__name__, (form_class,), {"service_refusal": refusal})


def _valid_pk(model, object_id):
    try:
        model._meta.pk.to_python(unquote(str(object_id)))
    except (ValidationError, ValueError, TypeError):
        return False
    return True


class NotFoundMixin:
    """Every admin URL with an id that cannot exist answers 404 (Django redirects to the index with a
    message, and simple_history's pages raised a 500 for a non-numeric id)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and not _valid_pk(self.model, object_id):
            raise Http404
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not _valid_pk(self.model, object_id):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if not _valid_pk(self.model, object_id):
            raise Http404
        return super().delete_view(request, object_id, extra_context)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404


class ServiceAdminMixin(NotFoundMixin):
    """Saves go through the services. A refusal during the save (an edit conflict, a rule) rolls the
    whole save back and re-renders the same form with the person's input and the reason; after an
    edit conflict the form carries the newer version, so saving again keeps their text on purpose.
    Every URL with an id that cannot exist answers 404."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        return _with_refusal(super().get_form(request, obj, change, **kwargs), request)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and not _valid_pk(self.model, object_id):
            raise Http404
        return self._saving(request, object_id, super().changeform_view, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not _valid_pk(self.model, object_id) or not str(version_id).isdigit():
            raise Http404
        return self._saving(request, object_id, super().history_form_view, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except OverflowError:
            # A date-hierarchy year past datetime's range (Django catches only ValueError there):
            # the same answer Django gives any other bad lookup parameter.
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")

    def _saving(self, request, object_id, view, *args):
        try:
            with transaction.atomic():
                return self._save_view(request, object_id, view, *args)
        except (ValidationError, PermissionDenied) as exc:
            if request.method != "POST":
                raise
            request._service_refusal = exc
            if isinstance(exc, services.EditConflict) and object_id is not None:
                request.POST = request.POST.copy()
                request.POST["expected_version"] = str(
                    self.model.objects.filter(pk=unquote(object_id)).values_list("version", flat=True).first()
                )
            with transaction.atomic():  # the form is invalid now: this renders it, saves nothing
                return view(request, *args)

    def _save_view(self, request, object_id, view, *args):
        return view(request, *args)

    def save_model(self, request, obj, form, change):
        services.reference_save(obj=obj, by=request.user, expected_version=form.cleaned_data.get("expected_version"))


class ReferenceAdminMixin(ServiceAdminMixin):
    """Claimants, topics, ratings, publishers and sources: what public fact-checks show of them is
    changed by reviewers only (the page is read-only for others), through services.reference_save,
    and deleted by nobody (a deleted topic would silently leave the public checks that show it; the
    others are protected by their foreign keys too)."""

    def _shown(self, obj):
        if not hasattr(obj, "_shown_publicly"):  # asked several times per page: one query
            obj._shown_publicly = services.shown_publicly(obj)
        return obj._shown_publicly

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and not services.can_publish(request.user):
            return not self._shown(obj)
        return allowed

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self._shown(obj))

    def delete_queryset(self, request, queryset):
        shown = [obj for obj in queryset if self._shown(obj)]
        if shown:
            names = ", ".join(f"“{obj}”" for obj in shown)
            self.message_user(
                request,
                _("Nothing was deleted: published fact-checks show %(names)s.") % {"names": names},
                messages.ERROR,
            )
            return
        super().delete_queryset(request, queryset)


class ReferenceForm(VersionedForm):
    pass


# --- Claimants, topics, ratings -----------------------------------------------------------------


@admin.register(Claimant)
class ClaimantAdmin(ReferenceAdminMixin, SimpleHistoryAdmin):
    form = ReferenceForm
    list_display = ["name", "kind", "role", "country", "claim_count", "updated_at"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "role", "affiliation", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "kind",
        "name",
        "slug",
        "role",
        "affiliation",
        "country",
        "wikidata_id",
        "description",
        "expected_version",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_claims=Count("claims"))

    @admin.display(description=_("claims"), ordering="num_claims")
    def claim_count(self, obj):
        return obj.num_claims


@admin.register(Topic)
class TopicAdmin(ReferenceAdminMixin, SimpleHistoryAdmin):
    form = ReferenceForm
    list_display = ["name", "slug", "featured"]
    list_filter = ["featured"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Rating)
class RatingAdmin(ReferenceAdminMixin, SimpleHistoryAdmin):
    form = ReferenceForm
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
        # A retracted fact-check is read-only; a published one is edited into a proposed change.
        verdict = obj if isinstance(obj, Verdict) else (getattr(obj, "verdict", None) if obj and obj.pk else None)
        return verdict is None or verdict.status != Verdict.Status.RETRACTED

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


class PublicChangeFields(forms.Form):
    """What a change to a public fact-check needs: its kind and the note readers see."""

    correction_kind = forms.ChoiceField(
        label=_("Kind of change"),
        required=False,
        choices=[("", "—")]
        + [
            c
            for c in Correction.Kind.choices
            if c[0] in (Correction.Kind.CORRECTION, Correction.Kind.CLARIFICATION, Correction.Kind.UPDATE)
        ],
        help_text=_("A rating change is recorded as such automatically."),
    )
    public_note = forms.CharField(
        label=_("Public note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed to change a published fact-check (readers see it as the correction's note) and to "
            "retract one (readers see it as the reason)."
        ),
    )


class ClaimForm(PublicChangeFields, VersionedForm):
    """On the add form, claims already on record that match the statement (published or not) are
    shown before anything is saved (`similar_claims`); the editor saves a new claim by ticking
    `confirm_new`."""

    confirm_new = forms.BooleanField(
        label=_("This is a new claim: none of these is the same claim"),
        required=False,
        help_text=_("Tick it and save again to add the claim anyway."),
    )
    similar_claims = ()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("confirm_new") and cleaned.get("text"):
            self.similar_claims = selectors.similar_claims(cleaned["text"])
            if self.similar_claims:
                self.add_error(
                    None,
                    _(
                        "Claims like this one are already on record (listed below). Check them first; nothing "
                        "has been saved yet."
                    ),
                )
        return cleaned

    class Meta:
        model = Claim
        fields = [
            "title",
            "slug",
            "text",
            "claim_reviewed",
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


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("Why they go back"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Needed to send back someone else's verdict: each author reads this on their desk."),
    )


def _send_back_action(modeladmin, request, verdicts):
    """The list action "Send back to draft" asks first why (a reviewer must say), then applies the
    service to each verdict with that comment; each refusal is reported on its own."""
    form = SendBackForm(request.POST if "send_back" in request.POST else None)
    if form.is_bound and form.is_valid():
        _apply_to_verdicts(
            modeladmin,
            request,
            verdicts,
            services.verdict_return_to_draft,
            lambda n: ngettext("%d verdict sent back to draft.", "%d verdicts sent back to draft.", n) % n,
            comment=form.cleaned_data["comment"],
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Send back to draft"),
        "opts": modeladmin.model._meta,
        "form": form,
        "verdicts": list(verdicts),
        "selected": request.POST.getlist(admin_helpers.ACTION_CHECKBOX_NAME),
        "action": request.POST.get("action", ""),
    }
    return TemplateResponse(request, "admin/claims/send_back.html", context)


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


def render_preview(request, parts, *, title, note, links):
    """The claim page built from `parts` exactly as the public view builds it (same template, same
    context), under a banner that says what it is. Staff only (the admin's login); never indexed,
    never stored by a cache (the page cache also skips the admin and every logged-in request)."""
    context = views.claim_page_context(parts, selectors.Aggregates())
    context.update({"preview_title": title, "preview_note": note, "preview_links": links})
    response = TemplateResponse(request, "claims/claim_preview.html", context)
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _claim_preview(request, claim):
    parts = selectors.claim_page_parts(claim)
    verdict = parts.verdict
    links = [(_("Back to the claim"), reverse("admin:claims_claim_change", args=[claim.pk]))]
    if verdict.pk:
        links.append((_("Back to the verdict"), reverse("admin:claims_verdict_change", args=[verdict.pk])))
    if verdict.is_public:
        links.append((_("The public page"), claim.get_absolute_url()))
        return render_preview(
            request,
            parts,
            title=_("Preview — as published"),
            note=_("Readers see this page now. A change to it goes public only once a second person approves it."),
            links=links,
        )
    # The date the page will carry: the scheduled time, or now if it were published now.
    verdict.published_at = verdict.scheduled_at or timezone.now()
    status = verdict.get_status_display() if verdict.pk else _("No verdict yet")
    return render_preview(
        request,
        parts,
        title=_("Preview — not published"),
        note=_("This is how the page will look once it is published. Readers cannot see it yet (%(status)s).")
        % {"status": status},
        links=links,
    )


def _change_preview(request, change):
    parts = selectors.proposal_page_parts(change, timezone.now())
    return render_preview(
        request,
        parts,
        title=_("Preview of the proposed change"),
        note=_(
            "How the page will look if a second person approves this %(kind)s. Readers see the published version "
            "until then."
        )
        % {"kind": change.get_kind_display().lower()},
        links=[
            (_("Back to the proposed change"), reverse("admin:claims_pendingchange_change", args=[change.pk])),
            (_("The public page"), change.claim.get_absolute_url()),
        ],
    )


class UnitAdminMixin(ServiceAdminMixin):
    """Claims and verdicts are parts of one reviewable unit (claims.revisions). Their pages show the
    whole unit read-only with what changed since its last publication, and carry the revision shown
    back to the services. Saving a published unit's forms does not change it: the edit is measured
    inside services.change_capture() (always undone) and proposed for a second person's approval."""

    def unit_claim(self, obj):
        raise NotImplementedError

    def _claim_for_id(self, object_id):
        obj = self.model.objects.filter(pk=unquote(object_id)).first() if object_id else None
        return self.unit_claim(obj) if obj else None

    def _save_view(self, request, object_id, view, *args):
        claim = self._claim_for_id(object_id) if request.method == "POST" else None
        verdict = Verdict.objects.filter(claim=claim).first() if claim else None
        if verdict is None or verdict.status != Verdict.Status.PUBLISHED:
            return view(request, *args)
        if "_retract" in request.POST:
            services.verdict_retract(verdict=verdict, note=request.POST.get("public_note", ""), by=request.user)
            self.message_user(request, _("Retracted. The public page now says so, with your note."), messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        request._capturing = True
        with services.change_capture(claim=claim) as captured:
            response = view(request, *args)
        request._capturing = False
        if response.status_code != 302 or captured.unit is None:
            return response  # the form had errors: shown as usual, nothing was kept
        change = services.change_propose(
            claim=claim,
            unit=captured.unit,
            note=request.POST.get("public_note", ""),
            kind=request.POST.get("correction_kind") or Correction.Kind.CORRECTION,
            by=request.user,
            base_revision=request.POST.get("_revision") or None,
        )
        self.message_user(
            request,
            _(
                "Your change is waiting for review: readers see the published version until a second person approves it."
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:claims_pendingchange_change", args=[change.pk]))

    def message_user(self, request, message, *args, **kwargs):
        if getattr(request, "_capturing", False):
            return  # "changed successfully" would be untrue: the edit becomes a proposal
        super().message_user(request, message, *args, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        services.unit_record_change(claim=self.unit_claim(obj), by=request.user)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        # After the inlines and topics: the unit is whole again (also for a history revert).
        services.unit_record_change(claim=self.unit_claim(obj), by=request.user)
        return self.after_save(request, obj) or super().response_change(request, obj)

    def after_save(self, request, obj):
        """A response of a workflow button pressed with the save, or None."""
        return None

    def public_change_fields(self, request, obj):
        verdict = Verdict.objects.filter(claim=self.unit_claim(obj)).first() if obj else None
        if verdict and verdict.status == Verdict.Status.PUBLISHED and services.can_edit(request.user):
            return [(_("Change to the published fact-check"), {"fields": ["correction_kind", "public_note"]})]
        return []

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            claim = self.unit_claim(obj)
            context.update(self._review_context(request, claim))
            context["preview_url"] = reverse("admin:claims_claim_preview", args=[claim.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _review_context(self, request, claim):
        unit = revisions.unit_of(claim.pk)
        published = services.published_revision(claim)
        names = revisions.Names(unit, published.unit if published else None)
        pending = PendingChange.objects.filter(claim=claim, status=PendingChange.Status.PENDING).first()
        return {
            "unit_revision": revisions.unit_hash(unit),
            "unit_rows": [(label, revisions.shown(v)) for label, v in revisions.readable(unit, names)],
            "unit_changes": [
                (label, revisions.shown(before), revisions.shown(after))
                for label, before, after in revisions.diff(published.unit if published else None, unit, names)
            ],
            "unit_published": published,
            "pending_change": pending,
        }


class ClaimMedia(EditorialMedia):
    # Live suggestions of similar claims on the add form (does nothing on other pages).
    js = ["admin-extra/similar-claims.js"]


SIMILAR_TEXT_MAX = 2000


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
class ClaimAdmin(NoDeletePublicMixin, UnitAdminMixin, SimpleHistoryAdmin):
    form = ClaimForm
    change_form_template = "admin/claims/unit_change_form.html"
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
    actions = ["submit_for_review", "return_to_draft"]
    Media = ClaimMedia

    def unit_claim(self, obj):
        return obj

    def get_urls(self):
        return [
            path("similar/", self.admin_site.admin_view(self.similar_view), name="claims_claim_similar"),
            path(
                "<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name="claims_claim_preview"
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """The claim's page as readers will see it, from its working copy (a draft too)."""
        claim = selectors.claim_for_preview(unquote(object_id)) if _valid_pk(Claim, object_id) else None
        if claim is None:
            raise Http404
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        return _claim_preview(request, claim)

    def similar_view(self, request):
        """Claims on record (published or not) matching ?text=, as JSON: the add form's live
        suggestions (static/admin-extra/similar-claims.js)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        text = request.GET.get("text", "")[:SIMILAR_TEXT_MAX]
        results = [
            {
                "title": claim.title,
                "status": str(claim.status_label),
                "score": claim.score_percent,
                "url": reverse("admin:claims_claim_change", args=[claim.pk]),
            }
            for claim in selectors.similar_claims(text)
        ]
        return JsonResponse({"results": results})

    def get_fieldsets(self, request, obj=None):
        return [
            (
                None,
                {
                    "fields": [
                        "title",
                        "slug",
                        "text",
                        "claim_reviewed",
                        "kind",
                        "topics",
                        "language",
                        "expected_version",
                    ]
                },
            ),
            (_("Who said it, when and where"), {"fields": ["claimant", "unattributed", "made_on", "made_at"]}),
            *self.public_change_fields(request, obj),
            (_("Verdict"), {"fields": ["verdict_link", "public_link"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        # A public claim's address is on partners' sites and in search engines: it stays.
        return [*self.readonly_fields, "slug"] if obj and _public_verdict(obj) else self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj and _public_verdict(obj) else self.prepopulated_fields

    def get_queryset(self, request):
        # Also what the changelist joins: Django skips list_select_related once a queryset has one.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def has_change_permission(self, request, obj=None):
        verdict = getattr(obj, "verdict", None) if obj is not None and obj.pk else None
        if verdict is not None and verdict.status == Verdict.Status.RETRACTED:
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

    @admin.action(description=_("Submit the verdicts for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        _apply_to_verdicts(
            self,
            request,
            _claim_verdicts(queryset),
            services.verdict_submit_for_review,
            lambda n: ngettext("%d verdict submitted for review.", "%d verdicts submitted for review.", n) % n,
        )

    @admin.action(description=_("Send the verdicts back to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        return _send_back_action(self, request, _claim_verdicts(queryset))


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
    verbose_name_plural = _("public corrections (propose one by changing the published fact-check with a note)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("verdict__claim", "old_rating", "new_rating", "created_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReinstateForm(forms.Form):
    note = forms.CharField(
        label=_("Public note"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Why the verdict comes back; readers see it in the record of corrections."),
    )


class ReviewFields(forms.Form):
    """What a reviewer adds when sending a verdict back or scheduling it."""

    send_back_comment = forms.CharField(
        label=_("Why it goes back"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to send it back: its author reads this on their desk."),
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("For “Save and schedule”: the revision you approve goes public then (site time zone)."),
    )


class VerdictForm(ReviewFields, PublicChangeFields, VersionedForm):
    class Meta:
        model = Verdict
        fields = ["claim", "rating", "conclusion", "analysis"]
        widgets = {
            "conclusion": forms.Textarea(attrs={"rows": 2, "cols": 80, "maxlength": 400}),
            "analysis": forms.Textarea(attrs={"rows": 14, "cols": 80}),
        }


def _publish_at(request):
    """The "Publish at" time of the form, aware in the site's time zone; None when empty."""
    try:
        return ReviewFields.base_fields["publish_at"].clean(request.POST.get("publish_at", ""))
    except ValidationError as exc:
        raise services.WorkflowError({"publish_at": exc.messages}) from exc


# (POST name, label, css class, message when done) of each workflow button.
WORKFLOW_BUTTONS = {
    "submit": (
        "_submit_review",
        _("Save and submit for review"),
        "default",
        _("Submitted for review. A reviewer can now publish it."),
    ),
    "publish": ("_publish", _("Save and publish"), "default", _("Published. It is now on the public site.")),
    "schedule": ("_schedule", _("Save and schedule"), "", _("Scheduled: it goes public at the time you chose.")),
    "unschedule": ("_unschedule", _("Cancel the schedule"), "", _("The scheduled publication is cancelled.")),
    "return_to_draft": ("_return_draft", _("Send back to draft"), "", _("Sent back to draft.")),
    "retract": ("_retract", _("Retract"), "danger", ""),
}


@admin.register(Verdict)
class VerdictAdmin(NoDeletePublicMixin, UnitAdminMixin, SimpleHistoryAdmin):
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
        "returned_at",
        "returned_by",
        "return_comment",
        "scheduled_at",
        "scheduled_by",
        "public_link",
    ]
    # No bulk "Publish": a reviewer publishes the exact revision their verdict page showed them.
    actions = ["submit_for_review", "return_to_draft"]
    Media = EditorialMedia

    def unit_claim(self, obj):
        return obj.claim

    def get_fieldsets(self, request, obj=None):
        workflow = ["status", "author", "last_edited_by", "reviewer", "submitted_at", "published_at", "public_link"]
        if obj and obj.status == Verdict.Status.RETRACTED:
            workflow += ["retracted_at", "retraction_note"]
        if obj and obj.returned_at and obj.status == Verdict.Status.DRAFT:
            workflow += ["returned_at", "returned_by", "return_comment"]
        if obj and obj.scheduled_at:
            workflow += ["scheduled_at", "scheduled_by"]
        review = []
        if obj and obj.status == Verdict.Status.IN_REVIEW and services.can_publish(request.user):
            review = [(_("Review"), {"fields": ["send_back_comment", "publish_at"]})]
        return [
            (None, {"fields": ["claim", "rating", "conclusion", "analysis", "expected_version"]}),
            *review,
            *self.public_change_fields(request, obj),
            (_("Workflow"), {"fields": workflow}),
        ]

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
        if obj is not None and obj.status == Verdict.Status.RETRACTED:
            return False
        return super().has_change_permission(request, obj)

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
        services.verdict_save(verdict=obj, by=request.user, expected_version=form.cleaned_data.get("expected_version"))

    def after_save(self, request, obj):
        revision = request.POST.get("_revision", "")
        actions = {
            "submit": lambda: services.verdict_submit_for_review(verdict=obj, by=request.user),
            "return_to_draft": lambda: services.verdict_return_to_draft(
                verdict=obj, by=request.user, comment=request.POST.get("send_back_comment", "")
            ),
            "publish": lambda: services.verdict_publish(verdict=obj, by=request.user, revision=revision),
            "schedule": lambda: services.verdict_schedule(
                verdict=obj, by=request.user, revision=revision, at=_publish_at(request)
            ),
            "unschedule": lambda: services.verdict_unschedule(verdict=obj, by=request.user),
        }
        for name, action in actions.items():
            button, _label, _css, done = WORKFLOW_BUTTONS[name]
            if button in request.POST:
                try:
                    action()
                except (ValidationError, PermissionDenied) as exc:
                    # The save itself went through: what was typed is kept, the step is refused.
                    self.message_user(request, _error_text(exc), messages.ERROR)
                else:
                    self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["verdict"] = obj
        if obj is not None:
            allowed = services.allowed_actions(obj, request.user)
            context["workflow_buttons"] = [
                WORKFLOW_BUTTONS[name][:3] for name in WORKFLOW_BUTTONS if allowed.get(name, "no") is None
            ]
            context["workflow_hint"] = self._workflow_hint(obj, allowed)
            if allowed["propose_reinstatement"] is None:
                context["reinstate_url"] = reverse("admin:claims_verdict_reinstate", args=[obj.pk])
        # One verdict per claim, written from the claim's page: "add another" leads nowhere useful.
        context["show_save_and_add_another"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view(self.reinstate_view)
        return [path("<path:object_id>/reinstate/", view, name="claims_verdict_reinstate"), *super().get_urls()]

    def reinstate_view(self, request, object_id):
        """Propose bringing a retracted verdict back, with the note readers will see."""
        verdict = self.get_object(request, unquote(object_id)) if _valid_pk(Verdict, object_id) else None
        if verdict is None or not self.has_view_permission(request, verdict):
            raise Http404
        form = ReinstateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                change = services.verdict_reinstate(verdict=verdict, note=form.cleaned_data["note"], by=request.user)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                self.message_user(request, _("The reinstatement is waiting for a second person's review."))
                return HttpResponseRedirect(reverse("admin:claims_pendingchange_change", args=[change.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Propose reinstating “%(claim)s”") % {"claim": verdict.claim},
            "opts": self.opts,
            "original": verdict,
            "form": form,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/claims/verdict/reinstate.html", context)

    def _workflow_hint(self, verdict, allowed):
        if verdict.status == Verdict.Status.DRAFT:
            return _("When the verdict is ready, submit it: a reviewer who did not write or change it publishes it.")
        if verdict.status == Verdict.Status.IN_REVIEW and allowed["publish"] is not None:
            return allowed["publish"]
        if verdict.status == Verdict.Status.PUBLISHED:
            return _(
                "Saving proposes your change with the public note; it goes public when a second person approves "
                "it. To retract, write the reason in “Public note”."
            )
        if verdict.status == Verdict.Status.RETRACTED and allowed["propose_reinstatement"] is None:
            return _("A retracted verdict comes back only through a reviewed reinstatement.")
        return ""

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        _apply_to_verdicts(
            self,
            request,
            queryset.select_related("claim", "rating"),
            services.verdict_submit_for_review,
            lambda n: ngettext("%d verdict submitted for review.", "%d verdicts submitted for review.", n) % n,
        )

    @admin.action(description=_("Send back to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        return _send_back_action(self, request, queryset.select_related("claim", "rating"))


# --- Proposed changes to public fact-checks -------------------------------------------------------


class PendingChangeForm(RefusalFormMixin, forms.ModelForm):
    class Meta:
        model = PendingChange
        fields = ["decision_note"]
        widgets = {"decision_note": forms.Textarea(attrs={"rows": 3, "cols": 80})}


CHANGE_BUTTONS = {
    "approve": ("_approve", _("Approve and publish"), "default", _("Approved: the change is now public.")),
    "reject": ("_reject", _("Send back"), "", _("Sent back to whoever proposed it.")),
    "withdraw": ("_withdraw", _("Withdraw"), "danger", _("Withdrawn.")),
}


@admin.register(PendingChange)
class PendingChangeAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """Changes to public fact-checks waiting for a second person, with what each would change."""

    form = PendingChangeForm
    change_form_template = "admin/claims/pendingchange/change_form.html"
    list_display = ["claim", "kind", "status", "proposed_by", "created_at", "decided_by"]
    list_select_related = ["claim", "proposed_by", "decided_by"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["claim__title", "note"]
    readonly_fields = ["claim", "kind", "note", "status", "proposed_by", "created_at", "decided_by", "decided_at"]
    fields = [*readonly_fields, "decision_note"]
    Media = EditorialMedia

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.preview_view)
        return [path("<path:object_id>/preview/", view, name="claims_pendingchange_preview"), *super().get_urls()]

    def preview_view(self, request, object_id):
        """The claim's page as it would be if this change were approved."""
        change = self.get_object(request, unquote(object_id)) if _valid_pk(PendingChange, object_id) else None
        if change is None:
            raise Http404
        if not self.has_view_permission(request, change):
            raise PermissionDenied
        return _change_preview(request, change)

    def save_model(self, request, obj, form, change):
        pass  # the buttons act through the services; the model is never saved from the form

    def save_related(self, request, form, formsets, change):
        pass

    def log_change(self, request, obj, message):
        pass  # the services' history records the decision

    def response_change(self, request, obj):
        actions = {
            "approve": lambda: services.change_approve(
                change=obj, by=request.user, revision=request.POST.get("_revision", "")
            ),
            "reject": lambda: services.change_reject(
                change=obj, by=request.user, comment=request.POST.get("decision_note", "")
            ),
            "withdraw": lambda: services.change_withdraw(change=obj, by=request.user),
        }
        for name, action in actions.items():
            button, _label, _css, done = CHANGE_BUTTONS[name]
            if button in request.POST:
                action()  # a refusal re-renders this page with the reason (ServiceAdminMixin)
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            allowed = services.allowed_actions(obj, request.user)
            current = revisions.unit_of(obj.claim_id)
            names = revisions.Names(current, obj.unit)
            context.update(
                {
                    "proposal": obj,
                    "preview_url": reverse("admin:claims_pendingchange_preview", args=[obj.pk]),
                    "change_rows": [
                        (label, revisions.shown(before), revisions.shown(after))
                        for label, before, after in revisions.diff(current, obj.unit, names)
                    ],
                    "change_buttons": [CHANGE_BUTTONS[n][:3] for n in CHANGE_BUTTONS if allowed[n] is None],
                    "change_hint": allowed["approve"] or "",
                    "out_of_date": obj.status == PendingChange.Status.PENDING
                    and revisions.unit_hash(current) != obj.base_hash,
                }
            )
        context["show_save"] = context["show_save_and_continue"] = False
        context["show_save_and_add_another"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Correction)
class CorrectionAdmin(NotFoundMixin, admin.ModelAdmin):
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
class APIKeyAdmin(NotFoundMixin, admin.ModelAdmin):
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


class CitedSourceForm(SourceForm, VersionedForm):
    pass


class CitedSourceAdmin(ReferenceAdminMixin, SourceAdmin):
    """The sources admin, with the rules that only claims know about: a source that public
    fact-checks cite or quote is changed by reviewers only, through services.reference_save, which
    also locks edits and marks the claims showing it as changed. (`sources` cannot know this;
    `claims` wires it in here.)"""

    form = CitedSourceForm

    def get_fieldsets(self, request, obj=None):
        (name, options), *rest = super().get_fieldsets(request, obj)
        return [(name, {**options, "fields": [*options["fields"], "expected_version"]}), *rest]


class CitedPublisherAdmin(ReferenceAdminMixin, PublisherAdmin):
    form = ReferenceForm


admin.site.unregister(Source)
admin.site.register(Source, CitedSourceAdmin)
admin.site.unregister(Publisher)
admin.site.register(Publisher, CitedPublisherAdmin)

from claims import admin_organisation  # noqa: E402, F401 - registers the organisation's admin
