"""The admin site, with the desk as its front page for editors and reviewers (desk.apps.DeskAdminConfig
makes it the default site). The stock list of every app and model moves to /admin/apps/ and stays in
the navigation sidebar of every page, the desk's included."""

import datetime
from dataclasses import dataclass, field

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from desk import selectors


@dataclass
class Row:
    """One line of a desk panel, as the template shows it."""

    title: str
    url: str
    status: str
    status_key: str
    facts: list = field(default_factory=list)
    when: datetime.datetime | None = None
    when_label: str = ""
    exact_time: bool = False  # the date and time itself (a schedule), not "3 hours ago"
    note: str = ""
    note_by: str = ""


@dataclass
class Panel:
    key: str
    title: str
    count: int
    rows: list
    empty: str
    all_url: str = ""
    all_label: str = ""


# The order of the desk: what waits for this person first, the newsroom's work after.
ORDER = ["review", "sent_back", "assigned", "drafts", "proposals", "tips", "scheduled", "stale", "published"]


class DeskAdminSite(admin.AdminSite):
    desk_template = "admin/desk/index.html"

    def get_urls(self):
        return [path("apps/", self.admin_view(self.apps_view), name="apps"), *super().get_urls()]

    def index(self, request, extra_context=None):
        """The desk for editors and reviewers; the stock index for other staff (e.g. accounts only)."""
        if not selectors.works_the_desk(request.user):
            return super().index(request, extra_context)
        panels = desk_panels(request.user)
        context = {
            **self.each_context(request),
            "title": gettext_lazy("Desk"),
            "subtitle": None,
            "panels": panels,
            "stale_days": selectors.stale_days(),
            **(extra_context or {}),
        }
        request.current_app = self.name
        return TemplateResponse(request, self.desk_template, context)

    def apps_view(self, request):
        """Every app and model, as the stock admin index lists them."""
        return super().index(request, {"title": gettext_lazy("All records")})


def desk_panels(user) -> list[Panel]:
    """The desk's panels for `user`, in ORDER (desk.selectors.desk_for's queries)."""
    desk = selectors.desk_for(user)
    panels = {s.key: _claim_panel(s, user) for s in desk.sections}
    panels["proposals"] = Panel(
        key="proposals",
        title=_("Proposed changes waiting"),
        count=desk.proposals_count,
        rows=[_proposal_row(change, user) for change in desk.proposals],
        empty=_("No change to a published fact-check is waiting."),
        all_url=reverse("admin:claims_pendingchange_changelist") + "?status__exact=pending",
        all_label=_("All proposed changes"),
    )
    if desk.tips_count is not None:
        panels["tips"] = _tips_panel(desk.tips_count)
    return [panels[key] for key in ORDER if key in panels]


def _claim_panel(section, user):
    return Panel(
        key=section.key,
        title=str(section.spec.title),
        count=section.count,
        rows=[_claim_row(section.key, claim, user) for claim in section.rows],
        empty=str(section.spec.empty),
        all_url=reverse("admin:claims_claim_changelist") + f"?desk={section.key}",
        all_label=_("See all %(count)d") % {"count": section.count},
    )


def _tips_panel(count):
    try:
        url = reverse("admin:desk_tip_changelist")
    except NoReverseMatch:  # the tips admin is not installed
        url = ""
    return Panel(
        key="tips",
        title=_("Reader tips waiting for triage"),
        count=count,
        rows=[],
        empty=_("No new tips.") if not count else "",
        all_url=url,
        all_label=_("Triage the tips") if count else _("All tips"),
    )


def _name(user, me=None):
    if user is None:
        return ""
    if me is not None and user.pk == me.pk:
        return _("you")
    return user.get_full_name() or user.get_username()


def _verdict(claim):
    return getattr(claim, "verdict", None)


def _claim_row(key, claim, user):
    verdict = _verdict(claim)
    assignment = getattr(claim, "assignment", None)
    row = Row(
        title=claim.title,
        url=reverse("admin:claims_verdict_change", args=[verdict.pk])
        if verdict
        else reverse("admin:claims_claim_change", args=[claim.pk]),
        status=verdict.get_status_display() if verdict else _("No verdict yet"),
        status_key=verdict.status if verdict else "none",
        when=claim.updated_at,
        when_label=_("changed"),
    )
    FILL[key](row, claim, verdict, assignment, user)
    return row


def _assigned_facts(assignment, user, roles=("editor", "reviewer")):
    facts = []
    for role in roles:
        person = getattr(assignment, role, None) if assignment else None
        if person is not None:
            label = _("editor: %(name)s") if role == "editor" else _("reviewer: %(name)s")
            facts.append(label % {"name": _name(person, user)})
    return facts


def _fill_drafts(row, claim, verdict, assignment, user):
    row.facts = _assigned_facts(assignment, user, roles=("reviewer",))


def _fill_assigned(row, claim, verdict, assignment, user):
    roles = []
    if assignment.editor_id == user.pk:
        roles.append(_("you write it"))
    if assignment.reviewer_id == user.pk:
        roles.append(_("you review it"))
    author = verdict.author if verdict else None
    row.facts = roles + ([_("by %(name)s") % {"name": _name(author, user)}] if author else [])


def _fill_review(row, claim, verdict, assignment, user):
    reviewer = assignment.reviewer if assignment else None
    row.facts = [_("by %(name)s") % {"name": _name(verdict.author, user)}]
    if reviewer is not None:
        row.facts.append(_("assigned to %(name)s") % {"name": _name(reviewer, user)})
    row.when, row.when_label = verdict.submitted_at, _("submitted")


def _fill_sent_back(row, claim, verdict, assignment, user):
    row.status, row.status_key = _("Sent back"), "sent_back"
    row.when, row.when_label = verdict.returned_at, _("sent back")
    row.note, row.note_by = verdict.return_comment, _name(verdict.returned_by, user)
    row.facts = [_("by %(name)s") % {"name": row.note_by}]


def _fill_scheduled(row, claim, verdict, assignment, user):
    row.status = _("Scheduled")
    row.status_key = "scheduled"
    row.when, row.when_label, row.exact_time = verdict.scheduled_at, _("goes public"), True
    row.facts = [_("approved by %(name)s") % {"name": _name(verdict.scheduled_by, user)}]


def _fill_published(row, claim, verdict, assignment, user):
    row.when, row.when_label = verdict.published_at, _("published")
    row.facts = [
        _("by %(name)s") % {"name": _name(verdict.author, user)},
        _("reviewed by %(name)s") % {"name": _name(verdict.reviewer, user)},
    ]


def _fill_stale(row, claim, verdict, assignment, user):
    holder = (assignment.editor if assignment else None) or (verdict.author if verdict else claim.created_by)
    row.when_label = _("last touched")
    row.facts = [_("with %(name)s") % {"name": _name(holder, user)}] if holder else [_("nobody assigned")]


FILL = {
    "drafts": _fill_drafts,
    "assigned": _fill_assigned,
    "review": _fill_review,
    "sent_back": _fill_sent_back,
    "scheduled": _fill_scheduled,
    "published": _fill_published,
    "stale": _fill_stale,
}


def _proposal_row(change, user):
    facts = [_("proposed by %(name)s") % {"name": _name(change.proposed_by, user)}]
    return Row(
        title=change.claim.title,
        url=reverse("admin:claims_pendingchange_change", args=[change.pk]),
        status=change.get_kind_display(),
        status_key="proposal",
        facts=facts,
        when=change.created_at,
        when_label=_("proposed"),
    )
