"""The desk on the claim and verdict pages of the admin: who works on the claim (its assignment), the
claim's internal thread, and the list filters "Mine", "On my desk", by assignee, by author and by
reviewer. claims cannot import desk, so this module registers subclasses of the claims admin in
place of the originals (as claims/admin.py does with the sources admin). Every write goes through
desk.services; a refusal comes back on the same page as a form error, with what was typed."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from claims import services as claim_services
from claims.admin import ClaimAdmin, VerdictAdmin
from claims.models import Claim, Verdict
from desk import selectors, services

COMMENT_MAX_LENGTH = 5000


def _person(user):
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _person(obj)


class AssignmentForm(forms.Form):
    editor = PersonChoiceField(
        queryset=None, required=False, label=_("Editor"), empty_label=_("Nobody yet"), help_text=_("Writes it.")
    )
    reviewer = PersonChoiceField(
        queryset=None,
        required=False,
        label=_("Reviewer"),
        empty_label=_("Nobody yet"),
        help_text=_("Checks and publishes it: a reviewer other than the editor."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editor"].queryset = selectors.possible_editors()
        self.fields["reviewer"].queryset = selectors.possible_reviewers()


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Add to the thread"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=_("For the desk only: never shown to readers or partners."),
    )


def _refused(form, exc):
    """A service's refusal as the form's errors."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, " ".join(exc.messages))


# --- List filters -----------------------------------------------------------------------------------


class MineFilter(admin.SimpleListFilter):
    title = _("whose")
    parameter_name = "mine"
    prefix = ""  # the path from the listed model to the claim

    def lookups(self, request, model_admin):
        return [("1", _("Mine: I wrote it, am assigned to it or changed it"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(selectors.mine_condition(request.user, self.prefix))
        return queryset


class VerdictMineFilter(MineFilter):
    prefix = "claim__"


class DeskSectionFilter(admin.SimpleListFilter):
    """The sections of the desk page, so that its "See all" links list the same claims."""

    title = _("on my desk")
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        can_publish = claim_services.can_publish(request.user)
        return [(s.key, s.title) for s in selectors.SECTIONS if can_publish or not s.reviewers_only]

    def queryset(self, request, queryset):
        if self.value() in selectors.SECTION_KEYS:
            return queryset.filter(selectors.section_condition(self.value(), request.user, timezone.now()))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    role = "editor"
    prefix = ""

    def lookups(self, request, model_admin):
        return [(str(user.pk), _person(user)) for user in selectors.assignees(self.role)]

    def queryset(self, request, queryset):
        if (self.value() or "").isdigit():
            return queryset.filter(**{f"{self.prefix}assignment__{self.role}": self.value()})
        return queryset


class AssignedEditorFilter(AssigneeFilter):
    title = _("assigned editor")
    parameter_name = "assigned_editor"


class AssignedReviewerFilter(AssigneeFilter):
    title = _("assigned reviewer")
    parameter_name = "assigned_reviewer"
    role = "reviewer"


class VerdictAssignedEditorFilter(AssignedEditorFilter):
    prefix = "claim__"


class VerdictAssignedReviewerFilter(AssignedReviewerFilter):
    prefix = "claim__"


class AuthorFilter(admin.RelatedOnlyFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("author")


class PublishedByFilter(admin.RelatedOnlyFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("reviewer who published it")


# --- The desk panel of the claim and verdict pages ---------------------------------------------------


class DeskPanelMixin:
    """Under the change form: who works on the claim (a form on the claim's page) and the claim's
    internal thread with a form to add to it. Each form posts to its own URL; a refusal re-renders
    the whole page with the form's errors and what was typed."""

    assignment_form = False

    class Media:
        css = {"all": ["desk/desk.css"]}

    def get_urls(self):
        urls = [path("<path:object_id>/comment/", self._desk_view(self.comment_view), name=self._url_name("comment"))]
        if self.assignment_form:
            urls.append(
                path("<path:object_id>/assign/", self._desk_view(self.assign_view), name=self._url_name("assign"))
            )
        return [*urls, *super().get_urls()]

    def _url_name(self, action):
        return f"{self.opts.app_label}_{self.opts.model_name}_{action}"

    def _desk_view(self, view):
        def wrapper(request, object_id):
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            obj = self._desk_object(request, object_id)
            return view(request, obj, object_id)

        return self.admin_site.admin_view(wrapper)

    def _desk_object(self, request, object_id):
        try:
            obj = self.get_object(request, unquote(object_id))
        except (ValidationError, ValueError):
            obj = None
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def comment_view(self, request, obj, object_id):
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_add(claim=self.unit_claim(obj), body=form.cleaned_data["body"], by=request.user)
            except ValidationError as exc:
                _refused(form, exc)
            else:
                self.message_user(request, _("Your comment is in the thread."), messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(obj) + "#desk-thread")
        return self._with_desk_forms(request, object_id, obj, comment_form=form)

    def assign_view(self, request, obj, object_id):
        form = AssignmentForm(request.POST)
        if form.is_valid():
            try:
                services.assignment_set(claim=self.unit_claim(obj), by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _refused(form, exc)
            else:
                self.message_user(request, _("The assignment is saved."), messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(obj) + "#desk-assignment")
        return self._with_desk_forms(request, object_id, obj, assignment_form=form)

    def _change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def _with_desk_forms(self, request, object_id, obj, **forms_):
        """The change page as a GET would show it, with the desk form that was sent and its errors."""
        request._desk_forms = forms_
        request.method = "GET"  # the change form itself was not sent: render it, save nothing
        return self.change_view(request, object_id, form_url=self._change_url(obj))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context.update(self._desk_context(request, self.unit_claim(obj), obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _desk_context(self, request, claim, obj):
        sent = getattr(request, "_desk_forms", {})
        assignment = selectors.assignment_of(claim)
        context = {
            "desk_assignment": assignment,
            "desk_thread": selectors.thread(claim),
            "desk_comment_form": sent.get("comment_form") or CommentForm(),
            "desk_comment_url": reverse(f"admin:{self._url_name('comment')}", args=[obj.pk]),
            "desk_may_comment": request.user.has_perm(services.COMMENT_PERMISSION),
        }
        if self.assignment_form and request.user.has_perm(services.ASSIGN_PERMISSION):
            initial = {"editor": assignment.editor_id, "reviewer": assignment.reviewer_id} if assignment else {}
            context["desk_assignment_form"] = sent.get("assignment_form") or AssignmentForm(initial=initial)
            context["desk_assignment_url"] = reverse(f"admin:{self._url_name('assign')}", args=[obj.pk])
        return context


class DeskClaimAdmin(DeskPanelMixin, ClaimAdmin):
    change_form_template = "admin/desk/claim_change_form.html"
    assignment_form = True
    list_display = [*ClaimAdmin.list_display, "assigned"]
    list_select_related = [*ClaimAdmin.list_select_related, "assignment__editor", "assignment__reviewer"]
    list_filter = [
        MineFilter,
        DeskSectionFilter,
        *ClaimAdmin.list_filter,
        AssignedEditorFilter,
        AssignedReviewerFilter,
        ("verdict__author", AuthorFilter),
        ("verdict__reviewer", PublishedByFilter),
    ]

    @admin.display(description=_("assigned"))
    def assigned(self, obj):
        assignment = getattr(obj, "assignment", None)
        people = [
            (_person(user), role)
            for user, role in (
                (assignment and assignment.editor, _("editor")),
                (assignment and assignment.reviewer, _("reviewer")),
            )
            if user
        ]
        return format_html_join(", ", '{} <span class="desk-role">({})</span>', people) if people else "—"


class DeskVerdictAdmin(DeskPanelMixin, VerdictAdmin):
    change_form_template = "admin/desk/verdict_change_form.html"
    list_filter = [
        VerdictMineFilter,
        *VerdictAdmin.list_filter,
        VerdictAssignedEditorFilter,
        VerdictAssignedReviewerFilter,
        ("author", AuthorFilter),
        ("reviewer", PublishedByFilter),
    ]


admin.site.unregister(Claim)
admin.site.register(Claim, DeskClaimAdmin)
admin.site.unregister(Verdict)
admin.site.register(Verdict, DeskVerdictAdmin)
