"""Triage of reader tips in the admin: the list of new tips, each tip's page with the fact-checks it
matches, and the two actions (turn it into a draft claim, dismiss it with a reason). The rules are
desk.services'; the buttons shown are the ones services.tip_allowed_actions() allows."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims import matching
from claims.models import Claim, Verdict
from desk import services
from desk.forms import TipDismissForm
from desk.models import Tip


def _refusal_text(exc):
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You do not have permission to do this.")


class TipStatusFilter(admin.SimpleListFilter):
    """New tips by default: the list is the triage queue."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Tip.Status.choices, ("all", _("All"))]

    def choices(self, changelist):
        current = self.value() or Tip.Status.NEW
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or Tip.Status.NEW
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    """Tips are never edited here (what the reader sent stays as sent): the page is read-only, with
    the triage buttons above the matches."""

    list_display = ["excerpt", "where_seen", "has_link", "created_at", "status", "handled_by"]
    list_display_links = ["excerpt"]
    list_filter = [TipStatusFilter]
    list_select_related = ["handled_by"]
    search_fields = ["text", "where_seen"]
    list_per_page = 50
    actions = ["dismiss_selected"]
    change_form_template = "admin/desk/tip/change_form.html"
    fields = [
        "text",
        "where_seen",
        "link",
        "email",
        "created_at",
        "status",
        "dismiss_reason",
        "claim",
        "handled_by",
        "handled_at",
    ]
    readonly_fields = fields
    HANDLING_FIELDS = ("dismiss_reason", "claim", "handled_by", "handled_at")

    class Media:
        css = {"all": ["admin-extra/editorial.css"]}  # the workflow row of the triage buttons

    @admin.display(description=_("claim"))
    def excerpt(self, tip):
        return Truncator(" ".join(tip.text.split())).chars(120)

    @admin.display(description=_("link"), boolean=True)
    def has_link(self, tip):
        return bool(tip.url)

    @admin.display(description=_("link"))
    def link(self, tip):
        # A reader's address: validated http(s), opened without telling the site who looked.
        if not tip.url:
            return "—"
        return format_html('<a href="{}" rel="noreferrer noopener nofollow" target="_blank">{}</a>', tip.url, tip.url)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status == Tip.Status.NEW:
            return [name for name in self.fields if name not in self.HANDLING_FIELDS]
        return self.fields

    def has_add_permission(self, request):
        return False  # tips come from readers only

    def has_change_permission(self, request, obj=None):
        return False  # read-only; triage goes through the buttons

    def has_triage_permission(self, request):
        return request.user.is_active and request.user.has_perm(services.TRIAGE_PERMISSION)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/convert/", wrap(self.convert_view), name="desk_tip_convert"),
            path("<path:object_id>/dismiss/", wrap(self.dismiss_view), name="desk_tip_dismiss"),
            *super().get_urls(),
        ]

    # --- The tip's page ---------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tip = self._tip(request, object_id)
        context = {
            "tip_actions": services.tip_allowed_actions(tip, request.user),
            "tip_matches": tip_matches(tip),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def _tip(self, request, object_id):
        try:
            tip = Tip.objects.select_related("handled_by", "claim").filter(pk=unquote(object_id)).first()
        except (ValueError, TypeError, ValidationError):
            tip = None
        if tip is None or not self.has_view_permission(request, tip):
            raise Http404
        return tip

    def convert_view(self, request, object_id):
        tip = self._tip(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            claim = services.tip_convert(tip=tip, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, _refusal_text(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:desk_tip_change", args=[tip.pk]))
        self.message_user(
            request, _("A draft claim was made from the tip. Check it, then write its verdict."), messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))

    def dismiss_view(self, request, object_id):
        tip = self._tip(request, object_id)
        form = TipDismissForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                services.tip_dismiss(tip=tip, reason=form.cleaned_data["reason"], by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error("reason" if getattr(exc, "error_dict", None) else None, _refusal_text(exc))
            else:
                self.message_user(request, _("The tip was dismissed."), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:desk_tip_changelist"))
        return self._dismiss_page(request, [tip], form)

    def _dismiss_page(self, request, tips, form, *, bulk=False):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Dismiss reader tips") if bulk else _("Dismiss a reader tip"),
            "tips": tips,
            "form": form,
            "bulk": bulk,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/desk/tip/dismiss.html", context)

    # --- The list's action ------------------------------------------------------------------------

    @admin.action(description=_("Dismiss the selected tips, with a reason…"), permissions=["triage"])
    def dismiss_selected(self, request, queryset):
        form = TipDismissForm(request.POST if "reason" in request.POST else None)
        tips = list(queryset.select_related("handled_by"))
        if not (form.is_bound and form.is_valid()):
            return self._dismiss_page(request, tips, form, bulk=True)
        done, refused = 0, []
        for tip in tips:
            try:
                services.tip_dismiss(tip=tip, reason=form.cleaned_data["reason"], by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                refused.append(_refusal_text(exc))
        if done:
            message = ngettext("%(n)d tip was dismissed.", "%(n)d tips were dismissed.", done) % {"n": done}
            self.message_user(request, message, messages.SUCCESS)
        for text in sorted(set(refused)):
            self.message_user(request, text, messages.WARNING)
        return None


def tip_matches(tip):
    """Fact-checks on record that match the tip, drafts included (staff only), best first: rows of
    (claim, status label, public URL or None). A public URL is what a reply to the reader may link.
    None if the matching ran out of time."""
    try:
        claims = matching.match(tip.text, limit=10, among=Claim.objects.all())
    except matching.MatchTimeout:
        return None
    rows = []
    for claim in claims:
        verdict = getattr(claim, "verdict", None)
        status = verdict.get_status_display() if verdict else _("No verdict yet")
        public = verdict is not None and verdict.status == Verdict.Status.PUBLISHED
        rows.append((claim, status, claim.get_absolute_url() if public else None))
    return rows
