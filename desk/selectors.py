"""Reads of the desk: the sections of the desk page (the admin's front page for editors and
reviewers), the filters of the claim and verdict lists, a claim's thread and assignment.

Each section is one condition on claims (or proposed changes, or tips), so the desk page, its
counts and the "On my desk" filter of the claims list (desk/admin_claims.py) cannot disagree. The
whole page runs a fixed number of queries however many claims there are: one query counts every
claim section, then one per section fetches its first rows."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import services as claim_services
from claims.models import Claim, PendingChange, Verdict
from desk.models import Assignment, Comment, Tip

ROWS = 6  # rows shown per section; its count and "See all" give the rest
RECENT_DAYS = 7  # "Recently published": the last week
ROW_RELATED = (
    "verdict__author",
    "verdict__returned_by",
    "verdict__scheduled_by",
    "verdict__reviewer",
    "assignment__editor",
    "assignment__reviewer",
    "created_by",
)
DRAFT, IN_REVIEW, PUBLISHED = Verdict.Status.DRAFT, Verdict.Status.IN_REVIEW, Verdict.Status.PUBLISHED


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    empty: str  # what the section says when nothing is in it
    order: tuple
    reviewers_only: bool = False


SECTIONS = [
    SectionSpec("drafts", _("My drafts"), _("No drafts of yours."), ("-updated_at", "-pk")),
    SectionSpec("assigned", _("Assigned to me"), _("Nothing is assigned to you."), ("-updated_at", "-pk")),
    SectionSpec(
        "review",
        _("Waiting for my review"),
        _("Nothing is waiting for your review."),
        ("verdict__submitted_at", "pk"),
        reviewers_only=True,
    ),
    SectionSpec(
        "sent_back", _("Sent back to me"), _("Nothing was sent back to you."), ("-verdict__returned_at", "-pk")
    ),
    SectionSpec("scheduled", _("Scheduled"), _("Nothing is scheduled."), ("verdict__scheduled_at", "pk")),
    SectionSpec(
        "published", _("Recently published"), _("Nothing was published this week."), ("-verdict__published_at", "-pk")
    ),
    SectionSpec("stale", _("Stale work"), _("No work has been left untouched."), ("updated_at", "pk")),
]
SECTION_KEYS = [spec.key for spec in SECTIONS]


def stale_days() -> int:
    return settings.DESK_STALE_DAYS


def _unpublished():
    return Q(verdict__isnull=True) | Q(verdict__status__in=[DRAFT, IN_REVIEW])


def _sent_back_to(user):
    # Sent back by someone else: an author who takes their own verdict back has a plain draft.
    return Q(verdict__status=DRAFT, verdict__author=user, verdict__returned_at__isnull=False) & ~Q(
        verdict__returned_by=user
    )


def _changed_by(user, claim_ref="pk"):
    return Exists(Claim.changers.through.objects.filter(claim_id=OuterRef(claim_ref), user_id=user.pk))


def section_condition(key: str, user, now: datetime.datetime) -> Q:
    """The claims in one section of `user`'s desk at `now`, as a condition on Claim."""
    if key == "drafts":
        mine = Q(verdict__status=DRAFT, verdict__author=user) & ~_sent_back_to(user)
        return mine | Q(verdict__isnull=True, created_by=user)
    if key == "assigned":
        return (Q(assignment__editor=user) | Q(assignment__reviewer=user)) & _unpublished()
    if key == "review":
        # What `user` may publish now (claims.services.allowed_actions): in review, not scheduled
        # already, neither written nor changed by them since its last publication.
        if not claim_services.can_publish(user):
            return Q(pk__in=[])
        waiting = Q(verdict__status=IN_REVIEW, verdict__scheduled_at__isnull=True) & ~Q(verdict__author=user)
        return waiting & ~_changed_by(user)
    if key == "sent_back":
        return _sent_back_to(user)
    if key == "scheduled":
        return Q(verdict__scheduled_at__isnull=False)
    if key == "published":
        return Q(verdict__status=PUBLISHED, verdict__published_at__gte=now - datetime.timedelta(days=RECENT_DAYS))
    if key == "stale":
        cutoff = now - datetime.timedelta(days=stale_days())
        untouched = Q(verdict__isnull=True) | Q(verdict__updated_at__lt=cutoff)
        return _unpublished() & Q(updated_at__lt=cutoff) & untouched
    raise ValueError(key)


@dataclass
class Section:
    spec: SectionSpec
    count: int
    rows: list = field(default_factory=list)

    @property
    def key(self):
        return self.spec.key


@dataclass
class Desk:
    sections: list
    proposals_count: int
    proposals: list
    tips_count: int | None  # None: the person may not see tips


def works_the_desk(user) -> bool:
    """Editors and reviewers (anyone who may read claims) get the desk as the admin's front page."""
    return user.is_active and user.is_staff and user.has_perm("claims.view_claim")


def desk_for(user, now: datetime.datetime | None = None) -> Desk:
    """Every section of `user`'s desk with its count and first ROWS rows. Queries: one for every
    claim section's count, one per section's rows, two for the proposed changes, one for the tips."""
    now = now or timezone.now()
    specs = [s for s in SECTIONS if not s.reviewers_only or claim_services.can_publish(user)]
    conditions = {spec.key: section_condition(spec.key, user, now) for spec in specs}
    counts = Claim.objects.aggregate(**{key: Count("pk", filter=q) for key, q in conditions.items()})
    sections = []
    for spec in specs:
        rows = []
        if counts[spec.key]:
            claims = Claim.objects.filter(conditions[spec.key]).select_related(*ROW_RELATED)
            rows = list(claims.order_by(*spec.order)[:ROWS])
        sections.append(Section(spec=spec, count=counts[spec.key], rows=rows))
    waiting = PendingChange.objects.filter(status=PendingChange.Status.PENDING)
    proposals_count = waiting.count()
    proposals = list(waiting.select_related("claim", "proposed_by").order_by("created_at", "pk")[:ROWS])
    tips_count = Tip.objects.filter(status=Tip.Status.NEW).count() if user.has_perm("desk.view_tip") else None
    return Desk(sections=sections, proposals_count=proposals_count, proposals=proposals, tips_count=tips_count)


# --- The claim and verdict lists ------------------------------------------------------------------


def mine_condition(user, prefix: str = "") -> Q:
    """Claims (prefix "") or verdicts (prefix "claim__") that `user` wrote, is assigned to, or
    changed: created or last saved the claim, wrote or last edited the verdict, or changed the
    fact-check since its last publication."""
    claim_ref = "claim_id" if prefix else "pk"
    return (
        Q(**{f"{prefix}created_by": user})
        | Q(**{f"{prefix}updated_by": user})
        | Q(**{f"{prefix}verdict__author": user})
        | Q(**{f"{prefix}verdict__last_edited_by": user})
        | Q(**{f"{prefix}assignment__editor": user})
        | Q(**{f"{prefix}assignment__reviewer": user})
        | Q(_changed_by(user, claim_ref))
    )


def assignees(role: str):
    """People assigned to some claim as `role` ("editor" or "reviewer"), by name. One query."""
    users = get_user_model().objects.filter(Exists(Assignment.objects.filter(**{role: OuterRef("pk")})))
    return users.order_by("first_name", "last_name", "username")


# --- A claim's page: its thread and who works on it -----------------------------------------------


def thread(claim) -> list:
    """The claim's internal comments, oldest first. One query."""
    return list(Comment.objects.filter(claim=claim).select_related("author").order_by("created_at", "pk"))


def assignment_of(claim) -> Assignment | None:
    """One query."""
    return Assignment.objects.filter(claim=claim).select_related("editor", "reviewer", "assigned_by").first()


def _with_perm(codename):
    app_label, name = codename.split(".")
    held = Q(user_permissions__codename=name, user_permissions__content_type__app_label=app_label) | Q(
        groups__permissions__codename=name, groups__permissions__content_type__app_label=app_label
    )
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(pk__in=users.filter(Q(is_superuser=True) | held).values("pk")).order_by(
        "first_name", "last_name", "username"
    )


def possible_editors():
    """Active staff who may write verdicts (claims.services.can_edit)."""
    return _with_perm("claims.change_verdict")


def possible_reviewers():
    """Active staff who may publish (claims.services.can_publish)."""
    return _with_perm(claim_services.PUBLISH_PERMISSION)
