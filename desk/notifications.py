"""Notification emails of the desk: who is told what, and the message.

Receivers (desk.receivers) and services only queue desk.tasks.send_notification with a kind and the
event's ids; the task calls deliver() in the worker, so recipients and their settings are read when
the email goes out. One plain-text email per recipient (nobody sees who else was told), with the
site name in the subject and a link to the admin page of the thing.

    assigned   work assigned to someone          to that person
    submitted  a verdict submitted for review    to the claim's assigned reviewer, else every reviewer
    returned   a verdict sent back to draft      to its author, with the reviewer's comment
    published  a verdict published               to its author
    tip        a reader sent a tip               to every reviewer

Nobody is told of their own action. Each kind is a field of desk.NotificationPreference: whoever
turned it off is not told (no row: every kind is on). Reviewers are the active staff who hold the
publish permission through a group or directly (superusers only if they are in the group too).
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from claims.models import Claim, Verdict
from claims.services import PUBLISH_PERMISSION
from desk.models import Assignment, Tip

logger = logging.getLogger(__name__)

KINDS = ("assigned", "submitted", "returned", "published", "tip")
SETTINGS_URL_NAME = "admin:desk_notificationpreference_changelist"
# Which backend answers "who holds this permission" (the login throttle backend cannot).
_PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass
class Notice:
    """One notification: its recipients before their settings are applied, and what they are told."""

    recipients: QuerySet
    subject: str
    context: dict = field(default_factory=dict)


def deliver(kind, ids, *, only=None):
    """Email the notification `kind` of the event `ids` to every recipient who has not turned that
    kind off (only those whose ids are in `only`, on a retry). Returns the ids of the users whose
    send failed; the failures are logged. Queries: the event's objects, then the recipients."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    try:
        notice = _NOTICES[kind](**ids)
    except ObjectDoesNotExist:
        logger.info("Notification %s %s dropped: its object no longer exists", kind, ids)
        return []
    users = recipients(kind, notice.recipients)
    if only is not None:
        users = users.filter(pk__in=only)
    failed = []
    for user in users:
        try:
            message(kind, notice, user).send()
        except Exception:  # any transport error: this recipient is tried again later
            logger.warning("Notification %s %s to user %s failed", kind, ids, user.pk, exc_info=True)
            failed.append(user.pk)
    return failed


def recipients(kind, users):
    """`users` narrowed to those who can receive an email of `kind` now."""
    return users.filter(is_active=True).exclude(email="").exclude(**{f"notification_preference__{kind}": False})


def message(kind, notice, user):
    context = {
        **notice.context,
        "user": user,
        "name": user.first_name or user.get_username(),
        "SITE_NAME": settings.SITE_NAME,
        "settings_url": _absolute(reverse(SETTINGS_URL_NAME)),
    }
    body = render_to_string(f"desk/email/{kind}.txt", context).strip() + "\n"
    subject = f"[{settings.SITE_NAME}] {notice.subject}"
    return EmailMessage(subject=subject, body=body, to=[user.email])


def reviewers():
    """Everyone who may publish: active staff with the publish permission (group or their own)."""
    users = get_user_model().objects.with_perm(
        PUBLISH_PERMISSION, include_superusers=False, backend=_PERMISSION_BACKEND
    )
    return users.filter(is_staff=True)


def _absolute(path):
    return f"{settings.SITE_URL}{path}"


def _admin_url(name, pk):
    return _absolute(reverse(f"admin:{name}", args=[pk]))


def _who(user_id):
    user = get_user_model().objects.filter(pk=user_id).first()
    return (user.get_full_name() or user.get_username()) if user else _("someone")


def _one_line(text, limit=60):
    """Reader text for a subject line: one line (a header cannot carry a break), at most `limit`."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _users(*ids):
    return get_user_model().objects.filter(pk__in=[pk for pk in ids if pk is not None])


# --- One function per kind: (recipients, subject, context) of the event ---------------------------


def _assigned(*, claim_id, user_id, role, by_id, **_ignored):
    claim = Claim.objects.only("title").get(pk=claim_id)
    role_name = _("reviewer") if role == "reviewer" else _("editor")
    return Notice(
        recipients=_users(user_id).exclude(pk=by_id),
        subject=_("Assigned to you: %(title)s") % {"title": _one_line(claim.title, 120)},
        context={
            "claim": claim,
            "role": role_name,
            "by": _who(by_id),
            "url": _admin_url("claims_claim_change", claim_id),
        },
    )


def _submitted(*, claim_id, verdict_id, by_id, **_ignored):
    verdict = Verdict.objects.select_related("claim").get(pk=verdict_id)
    not_them = {by_id, verdict.author_id}  # the author may not publish it; nobody is told of their own act
    assigned = Assignment.objects.filter(claim_id=claim_id).values_list("reviewer_id", flat=True).first()
    users = _users(assigned) if assigned and assigned not in not_them else reviewers().exclude(pk__in=not_them)
    return Notice(
        recipients=users,
        subject=_("For your review: %(title)s") % {"title": _one_line(verdict.claim.title, 120)},
        context={
            "claim": verdict.claim,
            "by": _who(by_id),
            "assigned": bool(assigned and assigned not in not_them),
            "url": _admin_url("claims_verdict_change", verdict_id),
        },
    )


def _returned(*, claim_id, verdict_id, by_id, comment="", **_ignored):
    verdict = Verdict.objects.select_related("claim").get(pk=verdict_id)
    return Notice(
        recipients=_users(verdict.author_id).exclude(pk=by_id),
        subject=_("Sent back to you: %(title)s") % {"title": _one_line(verdict.claim.title, 120)},
        context={
            "claim": verdict.claim,
            "by": _who(by_id),
            "comment": comment,
            "url": _admin_url("claims_verdict_change", verdict_id),
        },
    )


def _published(*, claim_id, verdict_id, by_id, **_ignored):
    verdict = Verdict.objects.select_related("claim").get(pk=verdict_id)
    return Notice(
        recipients=_users(verdict.author_id).exclude(pk=by_id),
        subject=_("Published: %(title)s") % {"title": _one_line(verdict.claim.title, 120)},
        context={
            "claim": verdict.claim,
            "by": _who(by_id),
            "url": _admin_url("claims_verdict_change", verdict_id),
            "public_url": _absolute(verdict.claim.get_absolute_url()),
        },
    )


def _tip(*, tip_id, **_ignored):
    tip = Tip.objects.get(pk=tip_id)
    return Notice(
        recipients=reviewers(),
        subject=_("New reader tip: %(text)s") % {"text": _one_line(tip.text)},
        context={"tip": tip, "url": _admin_url("desk_tip_change", tip_id)},
    )


_NOTICES = {
    "assigned": _assigned,
    "submitted": _submitted,
    "returned": _returned,
    "published": _published,
    "tip": _tip,
}
