"""Desk actions, and the only place their rules live; the public tip form, the admin and any
command call these. Refusals are claims.services.WorkflowError (a message for the person) or
PermissionDenied, as in claims.services."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from claims import services as claim_services
from claims.events import send_after_commit
from claims.models import Appearance, Claim, Verdict
from desk import events
from desk.models import Assignment, Comment, NotificationPreference, Tip
from desk.notifications import KINDS
from desk.tasks import queue_notification
from sources.models import Source, normalize_url
from sources.text import strip_controls

# --- Reader tips ----------------------------------------------------------------------------------

TIP_SCHEMES = ("http", "https")
TRIAGE_PERMISSION = "desk.change_tip"
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@transaction.atomic
def tip_submit(*, text: str, where_seen: str = "", url: str = "", email: str = "") -> Tip:
    """Record a reader's tip and tell the reviewers once it is committed. Control characters are
    removed (full_clean); the link must be http or https. Raises ValidationError by field."""
    tip = Tip(text=text, where_seen=where_seen, url=url, email=email)
    tip.full_clean()
    limit = Tip._meta.get_field("text").max_length  # a TextField's max_length is not validated by Django
    if len(tip.text) > limit:
        message = _("Please shorten this to %(limit)d characters at most (it has %(length)d).")
        raise ValidationError({"text": message % {"limit": limit, "length": len(tip.text)}})
    if tip.url and urlsplit(tip.url).scheme.lower() not in TIP_SCHEMES:
        raise ValidationError({"url": _("Enter a web address starting with https:// or http://.")})
    tip.save()
    queue_notification("tip", tip_id=tip.pk)
    return tip


def tip_allowed_actions(tip: Tip, by) -> set[str]:
    """What `by` may do to `tip` now: "convert" (into a draft claim) and "dismiss", while it is new."""
    if tip.status != Tip.Status.NEW or not by.is_active or not by.has_perm(TRIAGE_PERMISSION):
        return set()
    return {"convert", "dismiss"} if claim_services.can_edit(by) else {"dismiss"}


def _check_triage(tip, by, action):
    if not by.is_active or not by.has_perm(TRIAGE_PERMISSION):
        raise PermissionDenied(_("You do not have permission to triage reader tips."))
    if tip.status != Tip.Status.NEW:
        who = tip.handled_by.get_username() if tip.handled_by else _("someone")
        raise claim_services.WorkflowError(
            _("This tip was already handled (%(status)s, by %(who)s).")
            % {"status": tip.get_status_display(), "who": who}
        )
    if action not in tip_allowed_actions(tip, by):
        raise PermissionDenied(_("You do not have permission to write claims."))


def _locked(tip):
    return Tip.objects.select_for_update(of=("self",)).select_related("handled_by").get(pk=tip.pk)


@transaction.atomic
def tip_convert(*, tip: Tip, by) -> Claim:
    """Turn a new tip into a draft claim through claims.services.claim_save: its first sentence as
    the title, its text as the statement, unattributed, in English. A tip with a link also gets the
    link's source (an existing one with the same normalised URL, else a new one) and an appearance
    there, quoting the tip, seen today. The tip is recorded as converted, with its claim."""
    locked = _locked(tip)
    _check_triage(locked, by, "convert")
    title = tip_title(locked.text)
    claim = Claim(title=title, slug=_free_slug(Claim, title, "tip"), text=locked.text, unattributed=True, language="en")
    claim_services.claim_save(claim=claim, by=by)
    if locked.url:
        appearance = Appearance(
            claim=claim, source=_source_for(locked, by), quote=locked.text, seen_on=timezone.localdate(), is_first=True
        )
        appearance.full_clean()
        appearance.save()
        claim_services.unit_record_change(claim=claim, by=by)
    _handled(locked, by, status=Tip.Status.CONVERTED, claim=claim)
    tip.refresh_from_db()
    return claim


@transaction.atomic
def tip_dismiss(*, tip: Tip, reason: str, by) -> Tip:
    """Dismiss a new tip, saying why (required: the desk sees it in the tip's record)."""
    locked = _locked(tip)
    _check_triage(locked, by, "dismiss")
    reason = strip_controls(reason or "").strip()
    if not reason:
        raise claim_services.WorkflowError(
            {"reason": _("Say why the tip is dismissed (e.g. already checked, not a claim, spam).")}
        )
    _handled(locked, by, status=Tip.Status.DISMISSED, dismiss_reason=reason)
    tip.refresh_from_db()
    return tip


def _handled(tip, by, **changes):
    for name, value in changes.items():
        setattr(tip, name, value)
    tip.handled_by, tip.handled_at = by, timezone.now()
    tip.full_clean()
    tip.save()


def tip_title(text: str, limit: int = Claim._meta.get_field("title").max_length) -> str:
    """A claim title from a tip: its first sentence on one line, without the closing full stop,
    cut at a word and ended with an ellipsis if longer than `limit`."""
    first = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0].rstrip(".").strip()
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def _free_slug(model, text, fallback):
    """A slug for `text` that no row of `model` has yet: -2, -3… added when it is taken."""
    base = slugify(text)[:180].strip("-") or fallback
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _source_for(tip, by):
    existing = Source.objects.filter(normalized_url=normalize_url(tip.url)).first()
    if existing is not None:
        return existing
    parts = urlsplit(tip.url)
    title = (tip.where_seen or f"{parts.hostname}{parts.path}".rstrip("/"))[:500]
    source = Source(
        title=title, slug=_free_slug(Source, title, "source"), url=tip.url, accessed_on=timezone.localdate()
    )
    return claim_services.reference_save(obj=source, by=by)


# --- Notification settings ------------------------------------------------------------------------


def notification_settings(user) -> NotificationPreference:
    """The user's settings, unsaved with every kind on if they never changed them."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


@transaction.atomic
def notification_settings_save(*, user, **kinds: bool) -> NotificationPreference:
    """Turn each notification kind (desk.notifications.KINDS) on or off for `user`, a member of staff."""
    if not user.is_active or not user.is_staff:
        raise PermissionDenied(_("Only staff receive desk notifications."))
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown notification kinds: {sorted(unknown)}")
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults=kinds)
    return preference


# --- Assignments and the internal thread ----------------------------------------------------------

ASSIGN_PERMISSION = "desk.change_assignment"
COMMENT_PERMISSION = "desk.add_comment"


def _name(user):
    return user.get_full_name() or user.get_username()


def _check_assignment(claim, editor, reviewer):
    errors = {}
    if editor is not None and not claim_services.can_edit(editor):
        errors["editor"] = _("%(name)s cannot write verdicts: choose an editor.") % {"name": _name(editor)}
    if reviewer is not None:
        if not claim_services.can_publish(reviewer):
            errors["reviewer"] = _("%(name)s cannot publish: choose a reviewer.") % {"name": _name(reviewer)}
        elif editor is not None and editor.pk == reviewer.pk:
            errors["reviewer"] = _("The editor cannot also be the reviewer: a second person reviews the work.")
        elif Claim.changers.through.objects.filter(claim_id=claim.pk, user_id=reviewer.pk).exists() or (
            Verdict.objects.filter(claim_id=claim.pk, author=reviewer).exists()
        ):
            errors["reviewer"] = _(
                "%(name)s wrote or changed this fact-check since its last publication, so cannot publish it: "
                "choose another reviewer."
            ) % {"name": _name(reviewer)}
    if errors:
        raise claim_services.WorkflowError(errors)


@transaction.atomic
def assignment_set(*, claim: Claim, editor, reviewer, by) -> Assignment:
    """Say who works on `claim`: the editor who writes it and the reviewer who checks and publishes
    it (either may be None: nobody yet). The editor must be able to write verdicts; the reviewer must
    be able to publish this fact-check (a reviewer who neither wrote nor changed it since its last
    publication: claims.services' rule) and be another person. Records who assigned it, and sends
    desk.events.work_assigned after commit for each person newly assigned."""
    if not by.is_active or not by.has_perm(ASSIGN_PERMISSION):
        raise PermissionDenied(_("You do not have permission to assign claims."))
    _check_assignment(claim, editor, reviewer)
    assignment = Assignment.objects.select_for_update().filter(claim=claim).first() or Assignment(claim=claim)
    before = {"editor": assignment.editor_id, "reviewer": assignment.reviewer_id}
    assignment.editor, assignment.reviewer, assignment.assigned_by = editor, reviewer, by
    assignment.full_clean()
    assignment.save()
    for role, user in (("editor", editor), ("reviewer", reviewer)):
        if user is not None and user.pk != before[role]:
            send_after_commit(events.work_assigned, claim_id=claim.pk, user_id=user.pk, role=role, by_id=by.pk)
    return assignment


@transaction.atomic
def comment_add(*, claim: Claim, body: str, by) -> Comment:
    """Add a comment to the claim's internal thread: for the desk only (never on a public page or in
    the API), kept in history. Control characters are removed; an empty comment is refused."""
    if not by.is_active or not by.is_staff or not by.has_perm(COMMENT_PERMISSION):
        raise PermissionDenied(_("You do not have permission to comment on claims."))
    return _comment(claim_id=claim.pk, author=by, body=body, kind=Comment.Kind.COMMENT)


def comment_record_sent_back(*, claim_id: int, by_id: int, body: str) -> Comment | None:
    """The reviewer's reason for sending a verdict back, added to the claim's thread (kind "sent
    back"). Called on claims.events.verdict_returned, once claims.services.verdict_return_to_draft
    has decided who may send it back; an author taking their own verdict back writes no comment."""
    if not (body or "").strip():
        return None
    return _comment(claim_id=claim_id, author_id=by_id, body=body, kind=Comment.Kind.SENT_BACK)


def _comment(*, body, **fields):
    comment = Comment(body=strip_controls(body or "").strip(), **fields)
    if not comment.body:
        raise claim_services.WorkflowError({"body": _("Write the comment first.")})
    comment.full_clean()
    comment.save()
    return comment
