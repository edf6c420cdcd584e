"""Editorial actions, and the only place their rules live. Every entry point (admin forms, list
actions and history revert, views, API, management commands) calls these.

The rule, per reviewable unit (a claim, its appearances, its verdict and evidence: claims.revisions):
- a unit goes public only as the exact revision a second person was shown (`revision`, its hash),
  and nobody who changed anything in it since its last publication may publish it;
- a public unit never changes in place: a change is proposed (`change_propose`) and goes public when
  another person approves that exact proposal (`change_approve`), with a public correction record;
- names that public material shows (claimants, topics, publishers, sources, ratings) are changed by
  reviewers only, on the record, and the claims showing them are marked changed for partners;
- every save names the version it was based on and is refused if someone saved since.
Each action runs in one transaction and, when public material changes, says what changed
(content_version_bump: the cached pages that show it are rendered afresh)."""

import contextlib
import contextvars
import logging

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import events, revisions
from claims.models import (
    Claim,
    Claimant,
    ContentVersion,
    Correction,
    PendingChange,
    Rating,
    Revision,
    Topic,
    Verdict,
    validate_rating_fits_claim,
)
from factcheck import cache as page_cache
from organisation.models import StaffProfile
from sources.models import Publisher, Source

PUBLISH_PERMISSION = "claims.publish_verdict"
logger = logging.getLogger(__name__)


class WorkflowError(ValidationError):
    """An editorial rule refused the action; the messages say why, in words an editor understands."""


class EditConflict(WorkflowError):
    """Someone else saved the record after the caller loaded it."""


# Where the digest of the ratings' stylesheet (/ratings.<digest>.css, claims.views.rating_styles) is
# kept once it has been served; a change to a rating removes it at commit.
RATING_STYLES_CACHE_KEY = "rating-styles-digest"


def content_version_bump(tags=None):
    """The one freshness trigger (factcheck/cache.py): mark public material changed at commit time
    of the caller's transaction. `tags` name what changed (claim_tags(), reference_tags(), or a
    set of names); the cached pages and API answers that show it, and only those, are rendered
    afresh. Without `tags`, everything is (a bulk load).

    In the database: the time of the last change (Last-Modified of the content-dated pages) always
    moves; the epoch only without `tags`, or when the cache is per process (another process's
    cached pages cannot hear of the tags)."""
    everything = tags is None or not page_cache.is_shared()
    values = {"changed_at": timezone.now()}
    if everything:
        values["number"] = F("number") + 1
    if not ContentVersion.objects.filter(pk=1).update(**values):
        ContentVersion.objects.create(pk=1, number=2)
    changed = {"all", *(tags or ())}
    number = ContentVersion.objects.values_list("number", flat=True).get(pk=1) if everything else None
    transaction.on_commit(lambda: _announce(changed, number, values["changed_at"]))


def _announce(tags, number, changed_at):
    """After the commit: move the tags' tokens; if the shared cache did not take them, move the epoch
    (nothing cached before may be served now)."""
    if number is None and not page_cache.bump(tags, changed_at):
        ContentVersion.objects.filter(pk=1).update(number=F("number") + 1)
        number = ContentVersion.objects.values_list("number", flat=True).get(pk=1)
        logger.warning("The cache did not take the bump of %d tags: moved the epoch to %s", len(tags), number)
    elif number is not None:
        page_cache.bump(tags, changed_at)
    if number is not None:
        try:
            page_cache.share_epoch(number)
        except Exception:  # the cached copy expires within EPOCH_CACHE_SECONDS and is read afresh
            logger.exception("Could not share content version %s with the cache", number)


def claim_tags(claim_id):
    """What a change to one claim's public unit makes stale: its own page and API item, the lists
    of published claims, its claimant's and its topics' lists. Two queries. Called before and after
    a change that can move the claim to another claimant or topic."""
    claimant_id = Claim.objects.filter(pk=claim_id).values_list("claimant_id", flat=True).first()
    topic_ids = Claim.topics.through.objects.filter(claim_id=claim_id).values_list("topic_id", flat=True)
    tags = {f"claim:{claim_id}", "claims", *(f"list:topic:{t}" for t in topic_ids)}
    if claimant_id:
        tags.add(f"list:claimant:{claimant_id}")
    return tags


def reference_tags(obj):
    """What a change to a name that public material shows makes stale: every page showing that
    object, and the lists, whose rows and filters show names."""
    if isinstance(obj, Rating):
        return {"ratings", "claims"}
    if isinstance(obj, Claimant):
        return {f"claimant:{obj.pk}", "claims"}
    if isinstance(obj, Topic):
        return {f"topic:{obj.pk}", "claims"}
    return {f"{type(obj)._meta.model_name}:{obj.pk}"}  # a publisher or a source: pages, not lists


def content_version_current():
    row = ContentVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return row or 1


def can_publish(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def can_edit(user):
    return user.is_active and user.has_perm("claims.change_verdict")


def _refresh_claim(claim_id):
    """Copy the claimant's name and the verdict's conclusion, the topics' names and the verdict's
    analysis into the claim's search text (each has its weight in the search vector, see
    claims/search.py), and touch updated_at so that partners syncing incrementally see the change."""
    claim = Claim.objects.select_related("claimant", "verdict").get(pk=claim_id)
    verdict = getattr(claim, "verdict", None)
    parts = [claim.claimant.name if claim.claimant else "", verdict.conclusion if verdict else ""]
    Claim.objects.filter(pk=claim_id).update(
        search_extra=" ".join(p for p in parts if p),
        search_topics=" ".join(Topic.objects.filter(claims=claim_id).order_by("name").values_list("name", flat=True)),
        search_analysis=verdict.analysis if verdict else "",
        updated_at=timezone.now(),
    )


def _check_version(model, pk, expected_version, what):
    current = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        changed = changed_since(model, pk, expected_version)
        detail = _(" They changed: %(fields)s.") % {"fields": ", ".join(changed)} if changed else ""
        raise EditConflict(
            _(
                "Someone else (%(who)s) changed this %(what)s while you were editing it.%(detail)s Your text is "
                "still in the form: check theirs, then save again to keep yours."
            )
            % {"what": what, "who": _last_editor(model, pk), "detail": detail},
            code="edit_conflict",
        )
    return current


def changed_since(model, pk, version):
    """Names of the fields that differ between the record at `version` (from its history) and now."""
    history = getattr(model, "history", None)
    if history is None:
        return []
    then = history.filter(id=pk, version=version).order_by("-history_date").first()
    now = history.filter(id=pk).order_by("-history_date").first()
    if then is None or now is None:
        return []
    skip = {
        "version",
        "updated_at",
        "search_extra",
        "search_topics",
        "search_analysis",
        "revision_hash",
        "normalized_url",
    }
    return [
        str(f.verbose_name)
        for f in model._meta.concrete_fields
        if f.editable and f.attname not in skip and getattr(then, f.attname, None) != getattr(now, f.attname, None)
    ]


def _last_editor(model, pk):
    history = getattr(model, "history", None)
    row = history.filter(id=pk).select_related("history_user").order_by("-history_date").first() if history else None
    user = row.history_user if row else None
    return (user.get_full_name() or user.get_username()) if user else _("another editor")


def _bumped(obj, current):
    obj.version = current.version + 1


# --- Units: who changed them, and which revision is public ----------------------------------------

# Set while an edit of a public unit runs inside change_capture(): the edit is measured, then undone.
_capturing = contextvars.ContextVar("capturing_unit", default=None)


def _unit_status(claim_id):
    return Verdict.objects.filter(claim_id=claim_id).values_list("status", flat=True).first()


def _guard_unit_write(claim_id):
    """A public unit never changes in place: only inside change_capture(), which always undoes it."""
    if _capturing.get() == claim_id:
        return
    status = _unit_status(claim_id)
    if status == Verdict.Status.PUBLISHED:
        raise WorkflowError(
            _(
                "This fact-check is public: a change to it is proposed with a public note, and goes public "
                "when a second person approves it."
            )
        )
    if status == Verdict.Status.RETRACTED:
        raise WorkflowError(_("This fact-check was retracted: it can only be reinstated through review."))


def unit_record_change(*, claim, by):
    """Called after anything in a unit was saved (claim, topics, appearances, verdict, evidence):
    refuses a write to a public unit outside change_capture(), and adds `by` to the people who
    changed the unit since its last publication when its content actually changed."""
    claim_id = claim.pk if isinstance(claim, Claim) else claim
    _guard_unit_write(claim_id)
    if _capturing.get() == claim_id:
        return
    _refresh_claim(claim_id)  # the topics may have changed
    locked = Claim.objects.select_for_update().get(pk=claim_id)
    now = revisions.current_hash(claim_id)
    if locked.revision_hash != now:
        if locked.revision_hash:
            locked.changers.add(by)
        Claim.objects.filter(pk=claim_id).update(revision_hash=now)
        # A scheduled publication approved another revision: it no longer stands.
        Verdict.objects.filter(claim_id=claim_id, scheduled_at__isnull=False).update(
            scheduled_at=None, scheduled_revision="", scheduled_by=None
        )


def claim_revision(claim):
    """The hash of the unit as it is now: what a reviewer's page carries back when publishing."""
    return revisions.current_hash(claim.pk if isinstance(claim, Claim) else claim)


def published_revision(claim):
    return Revision.objects.filter(claim=claim).order_by("-number").first()


@contextlib.contextmanager
def change_capture(*, claim):
    """Run an edit of a public unit (the admin's own forms and inlines) and measure the unit it would
    make, then undo every write: yields an object whose `.unit` is the edited unit afterwards (None if
    the edit raised). The caller proposes it with change_propose()."""

    class Captured:
        unit = None

    captured = Captured()
    with transaction.atomic():
        savepoint = transaction.savepoint()
        token = _capturing.set(claim.pk)
        try:
            yield captured
            captured.unit = revisions.unit_of(claim.pk)
        finally:
            _capturing.reset(token)
            transaction.savepoint_rollback(savepoint)


# --- Claims and verdicts (working copies) ----------------------------------------------------------


@transaction.atomic
def claim_save(*, claim, by, expected_version=None):
    """Create or update a claim, refusing a save based on a stale copy, a change to a public claim
    outside a proposal, and a kind that its verdict's rating does not fit."""
    if not can_edit(by):
        raise PermissionDenied(_("You do not have permission to change claims."))
    claim.full_clean(exclude=["topics"])
    if claim.pk:
        _guard_unit_write(claim.pk)
        current = _check_version(Claim, claim.pk, expected_version, _("claim"))
        _check_kind_fits_rating(claim)
        _bumped(claim, current)
        claim.revision_hash = current.revision_hash
    else:
        claim.created_by = by
    claim.updated_by = by
    created = claim.pk is None
    claim.save()
    _refresh_claim(claim.pk)
    if created:
        claim.changers.add(by)
    unit_record_change(claim=claim, by=by)
    return claim


def _check_kind_fits_rating(claim):
    rating = Rating.objects.filter(verdicts__claim_id=claim.pk).first()
    if rating is not None and rating.scale != claim.rating_scale:
        raise WorkflowError(
            {
                "kind": _(
                    "Its verdict is rated “%(rating)s”, which belongs to the %(scale)s scale. To make it a "
                    "%(kind)s, first clear or change the verdict's rating."
                )
                % {
                    "rating": rating.label,
                    "scale": rating.get_scale_display().lower(),
                    "kind": claim.get_kind_display().lower(),
                }
            }
        )


def claim_is_public(claim):
    return Verdict.objects.filter(claim_id=claim.pk, status__in=Verdict.PUBLIC_STATUSES).exists()


def _lock_verdict(verdict, expected_version=None):
    locked = _check_version(Verdict, verdict.pk, expected_version, _("verdict"))
    return Verdict.objects.select_related("claim", "rating").get(pk=locked.pk)


def _finish(verdict, *, fields, current_version):
    verdict.version = current_version + 1
    verdict.save(update_fields=[*fields, "version", "updated_at"])
    _refresh_claim(verdict.claim_id)
    return verdict


@transaction.atomic
def verdict_save(*, verdict, by, expected_version=None):
    """Create or edit a verdict's working copy (rating, conclusion, analysis). A public verdict is
    changed through change_propose(); its form goes through change_capture()."""
    if not can_edit(by):
        raise PermissionDenied(_("You do not have permission to change verdicts."))
    validate_rating_fits_claim(verdict.rating, verdict.claim)
    if not verdict.pk:
        _guard_unit_write(verdict.claim_id)
        verdict.author = verdict.author if verdict.author_id else by
        verdict.last_edited_by = by
        verdict.status = Verdict.Status.DRAFT
        verdict.full_clean()
        verdict.save()
        _refresh_claim(verdict.claim_id)
        verdict.claim.changers.add(by, verdict.author)
        unit_record_change(claim=verdict.claim_id, by=by)
        return verdict
    _guard_unit_write(verdict.claim_id)
    before = _lock_verdict(verdict, expected_version)
    verdict.full_clean()
    fields = ["rating", "conclusion", "analysis"]
    if any(getattr(before, f) != getattr(verdict, f) for f in ("rating_id", "conclusion", "analysis")):
        verdict.last_edited_by = by
        fields.append("last_edited_by")
    _finish(verdict, fields=fields, current_version=before.version)
    unit_record_change(claim=verdict.claim_id, by=by)
    return verdict


def publication_requirements_missing(verdict):
    """What a verdict lacks before it may be published, as messages that name each missing piece."""
    return unit_requirements_missing(revisions.unit_of(verdict.claim_id))


def unit_requirements_missing(unit):
    claim, verdict = unit["claim"], unit["verdict"] or {}
    missing = []
    if claim["claimant"] is None and not claim["unattributed"]:
        missing.append(_("the claim needs a claimant, or must be marked unattributed"))
    if not unit["appearances"]:
        missing.append(_("the claim needs at least one appearance (where it was made or repeated)"))
    rating = Rating.objects.filter(pk=verdict.get("rating")).first() if verdict.get("rating") else None
    scale = Rating.Scale.PLEDGE if claim["kind"] == Claim.Kind.PLEDGE else Rating.Scale.VERACITY
    if rating is None:
        missing.append(_("the verdict needs a rating"))
    elif rating.scale != scale:
        kind = Claim.Kind(claim["kind"]).label.lower()
        missing.append(_("the rating must come from the %(scale)s scale") % {"scale": kind})
    if not (verdict.get("conclusion") or "").strip():
        missing.append(_("the verdict needs a one-sentence conclusion"))
    if not unit["evidence"]:
        missing.append(_("the verdict needs at least one evidence source"))
    return missing


# --- What a person may do now (the admin's buttons come from here) -------------------------------


def _check_submit(verdict, by):
    if not can_edit(by):
        raise WorkflowError(_("You do not have permission to submit verdicts."))
    if verdict.status != Verdict.Status.DRAFT:
        raise WorkflowError(
            _("Only a draft can be submitted for review; this verdict is %(status)s.")
            % {"status": verdict.get_status_display().lower()}
        )


def _check_return(verdict, by):
    if verdict.status != Verdict.Status.IN_REVIEW:
        raise WorkflowError(_("Only a verdict in review can be sent back to draft."))
    if not (can_publish(by) or by.pk == verdict.author_id):
        raise WorkflowError(_("Only a reviewer or the verdict's author can send it back to draft."))


def _check_publish(verdict, by):
    if not can_publish(by):
        raise WorkflowError(_("Only a reviewer can publish a verdict."))
    if verdict.status == Verdict.Status.PUBLISHED:
        raise WorkflowError(_("This verdict is already published."))
    if verdict.status != Verdict.Status.IN_REVIEW:
        raise WorkflowError(
            _("Only a verdict in review can be published; this one is %(status)s.")
            % {"status": verdict.get_status_display().lower()}
        )
    if verdict.author_id == by.pk:
        raise WorkflowError(_("You wrote this verdict: a second editor must review and publish it."))
    if Claim.changers.through.objects.filter(claim_id=verdict.claim_id, user_id=by.pk).exists():
        raise WorkflowError(
            _("You changed this fact-check since it was last published: another reviewer must check and publish it.")
        )


def _check_retract(verdict, by):
    if not can_publish(by):
        raise WorkflowError(_("Only a reviewer can retract a verdict."))
    if verdict.status != Verdict.Status.PUBLISHED:
        raise WorkflowError(_("Only a published verdict can be retracted."))


def _check_propose(verdict, by, kind=None):
    if not can_edit(by):
        raise WorkflowError(_("You do not have permission to propose changes."))
    if kind == Correction.Kind.REINSTATEMENT:
        if verdict.status != Verdict.Status.RETRACTED:
            raise WorkflowError(_("Only a retracted verdict can be reinstated."))
    elif verdict.status != Verdict.Status.PUBLISHED:
        raise WorkflowError(_("Only a published fact-check takes a proposed change; edit the draft instead."))
    if PendingChange.objects.filter(claim_id=verdict.claim_id, status=PendingChange.Status.PENDING).exists():
        raise WorkflowError(
            _("A change to this fact-check is already waiting for review. Approve, send back or withdraw it first.")
        )


def _check_approve(change, by):
    if change.status != PendingChange.Status.PENDING:
        raise WorkflowError(
            _("This change is no longer waiting for review (%(status)s).")
            % {"status": change.get_status_display().lower()}
        )
    if not can_publish(by):
        raise WorkflowError(_("Only a reviewer can approve a change to a public fact-check."))
    if change.proposed_by_id == by.pk:
        raise WorkflowError(_("You proposed this change: a second person must review and approve it."))


def _check_reject(change, by):
    if change.status != PendingChange.Status.PENDING:
        raise WorkflowError(_("This change is no longer waiting for review."))
    if not can_publish(by):
        raise WorkflowError(_("Only a reviewer can send a proposed change back."))


def _check_withdraw(change, by):
    if change.status != PendingChange.Status.PENDING:
        raise WorkflowError(_("This change is no longer waiting for review."))
    if by.pk != change.proposed_by_id and not can_publish(by):
        raise WorkflowError(_("Only whoever proposed the change, or a reviewer, can withdraw it."))


def _check_unschedule(verdict, by):
    if not can_publish(by):
        raise WorkflowError(_("Only a reviewer can cancel a scheduled publication."))
    if verdict.scheduled_at is None:
        raise WorkflowError(_("This verdict is not scheduled."))


VERDICT_ACTIONS = {
    "submit": _check_submit,
    "return_to_draft": _check_return,
    "publish": _check_publish,
    "schedule": _check_publish,
    "unschedule": _check_unschedule,
    "retract": _check_retract,
    "propose_change": _check_propose,
    "propose_reinstatement": lambda v, by: _check_propose(v, by, Correction.Kind.REINSTATEMENT),
}
CHANGE_ACTIONS = {"approve": _check_approve, "reject": _check_reject, "withdraw": _check_withdraw}


def allowed_actions(obj, by):
    """{action: None if `by` may do it now, else the reason why not}, for a verdict or a proposed
    change. The same checks the actions themselves run (publishing also needs the revision shown and
    complete content, which are checked when the button is pressed)."""
    return refusals(CHANGE_ACTIONS if isinstance(obj, PendingChange) else VERDICT_ACTIONS, obj, by)


def refusals(checks, obj, by):
    """{action: None if `by` may do it to `obj` now, else the reason why not}, from `checks`
    ({action: check(obj, by) that raises ValidationError}): what the admin's buttons show, here and
    for translations (translations.services)."""
    result = {}
    for name, check in checks.items():
        try:
            check(obj, by)
            result[name] = None
        except ValidationError as exc:
            result[name] = " ".join(exc.messages)
    return result


# --- The workflow ---------------------------------------------------------------------------------


@transaction.atomic
def verdict_submit_for_review(*, verdict, by):
    """Move a draft into review. Editors and reviewers may submit."""
    locked = _lock_verdict(verdict)
    if not by.has_perm("claims.change_verdict"):
        raise PermissionDenied(_("You do not have permission to submit verdicts."))
    _check_submit(locked, by)
    missing = publication_requirements_missing(locked)
    if missing:
        raise WorkflowError([_("It cannot go to review yet:")] + missing)
    unit_record_change(claim=locked.claim_id, by=by)
    locked.status = Verdict.Status.IN_REVIEW
    locked.submitted_at = timezone.now()
    _finish(locked, fields=["status", "submitted_at"], current_version=locked.version)
    events.send_after_commit(events.verdict_submitted, claim_id=locked.claim_id, verdict_id=locked.pk, by_id=by.pk)
    verdict.refresh_from_db()
    return verdict


@transaction.atomic
def verdict_return_to_draft(*, verdict, by, comment=""):
    """A reviewer sends a verdict in review back to draft, saying why (required: its author reads it
    on the desk); its author may also take it back, without a comment."""
    locked = _lock_verdict(verdict)
    _check_return(locked, by)
    comment = (comment or "").strip()
    if not comment and by.pk != locked.author_id:
        raise WorkflowError({"comment": _("Say what needs to change: the author reads this on their desk.")})
    locked.status = Verdict.Status.DRAFT
    locked.submitted_at = None
    locked.returned_at, locked.returned_by, locked.return_comment = timezone.now(), by, comment
    _clear_schedule(locked)
    fields = ["status", "submitted_at", "returned_at", "returned_by", "return_comment", *SCHEDULE_FIELDS]
    _finish(locked, fields=fields, current_version=locked.version)
    events.send_after_commit(
        events.verdict_returned, claim_id=locked.claim_id, verdict_id=locked.pk, by_id=by.pk, comment=comment
    )
    verdict.refresh_from_db()
    return verdict


SCHEDULE_FIELDS = ["scheduled_at", "scheduled_revision", "scheduled_by"]


def _clear_schedule(verdict):
    verdict.scheduled_at, verdict.scheduled_revision, verdict.scheduled_by = None, "", None


@transaction.atomic
def verdict_schedule(*, verdict, by, revision, at):
    """Approve the revision `revision` (the one the reviewer was shown) to go public at `at`. The
    same rules as publishing now; the queue publishes it then through verdict_publish_scheduled(),
    only if that revision is still the current one. Scheduling again reschedules."""
    from claims import tasks  # the task module imports this one

    locked = _lock_verdict(verdict)
    claim = Claim.objects.select_for_update().get(pk=locked.claim_id)
    _check_publish(locked, by)
    _check_revision(claim.pk, revision, shown_what=_("it"))
    missing = publication_requirements_missing(locked)
    if missing:
        raise WorkflowError([_("It cannot be scheduled yet:")] + missing)
    if at is None or at <= timezone.now():
        raise WorkflowError({"publish_at": _("Choose a time in the future (or publish it now).")})
    locked.scheduled_at, locked.scheduled_revision, locked.scheduled_by = at, revision, by
    _finish(locked, fields=SCHEDULE_FIELDS, current_version=locked.version)
    # Queued inside the transaction: with the database backend the job exists exactly when the
    # schedule does; a queue that cannot take it refuses the schedule, with a message.
    try:
        tasks.publish_scheduled.using(run_after=at).enqueue(locked.pk, at.isoformat())
    except Exception as exc:
        logger.exception("Could not queue the scheduled publication of verdict %s", locked.pk)
        raise WorkflowError(
            _("The task queue did not accept the schedule; publish it now or try again later.")
        ) from exc
    events.send_after_commit(events.verdict_scheduled, claim_id=claim.pk, verdict_id=locked.pk, by_id=by.pk, at=at)
    verdict.refresh_from_db()
    return verdict


@transaction.atomic
def verdict_unschedule(*, verdict, by):
    """Cancel a scheduled publication; the verdict stays in review."""
    locked = _lock_verdict(verdict)
    if not can_publish(by):
        raise WorkflowError(_("Only a reviewer can cancel a scheduled publication."))
    if locked.scheduled_at is None:
        raise WorkflowError(_("This verdict is not scheduled."))
    _clear_schedule(locked)
    _finish(locked, fields=SCHEDULE_FIELDS, current_version=locked.version)
    verdict.refresh_from_db()
    return verdict


def verdict_publish_scheduled(*, verdict_id, at):
    """Run by the queue at the scheduled time: publish the verdict as scheduled by its reviewer, if
    the schedule still stands (not cancelled or moved) and the approved revision is still the
    current one; otherwise drop the schedule and say why in the log. Returns the verdict or None."""
    with transaction.atomic():
        locked = Verdict.objects.select_for_update().filter(pk=verdict_id).first()
        if locked is None or locked.scheduled_at is None or locked.scheduled_at.isoformat() != at:
            return None  # cancelled or rescheduled: another job carries the new time
        by, revision = locked.scheduled_by, locked.scheduled_revision
    try:
        return verdict_publish(verdict=locked, by=by, revision=revision)
    except WorkflowError as exc:
        with transaction.atomic():
            Verdict.objects.filter(pk=verdict_id, scheduled_at=locked.scheduled_at).update(
                scheduled_at=None, scheduled_revision="", scheduled_by=None
            )
        logger.warning("Scheduled publication of verdict %s dropped: %s", verdict_id, " ".join(exc.messages))
        return None


def _check_revision(claim_id, revision, *, shown_what):
    if not revision:
        raise WorkflowError(_("Say which revision you reviewed: open the verdict's page and publish from there."))
    if revision != revisions.current_hash(claim_id):
        raise WorkflowError(
            _(
                "This fact-check changed after you opened %(what)s: what you reviewed is not what would be "
                "published. Reload the page, review the current version, then publish it."
            )
            % {"what": shown_what}
        )


@transaction.atomic
def verdict_publish(*, verdict, by, revision):
    """Publish a verdict in review, exactly as the revision `revision` (claim_revision() of the unit
    the reviewer was shown). Needs the publish permission, a reviewer who neither wrote nor changed
    the unit since its last publication, and complete content. The row lock makes a double click
    publish once."""
    locked = _lock_verdict(verdict)
    claim = Claim.objects.select_for_update().get(pk=locked.claim_id)
    _check_publish(locked, by)
    _check_revision(claim.pk, revision, shown_what=_("it"))
    missing = publication_requirements_missing(locked)
    if missing:
        raise WorkflowError([_("It cannot be published yet:")] + missing)
    now = timezone.now()
    locked.status = Verdict.Status.PUBLISHED
    locked.reviewer = by
    locked.published_at = now
    _clear_schedule(locked)
    _finish(locked, fields=["status", "reviewer", "published_at", *SCHEDULE_FIELDS], current_version=locked.version)
    _write_revision(claim, kind="publication", note="", approved_by=by, at=now, changers=[locked.author_id])
    content_version_bump(claim_tags(claim.pk))
    events.send_after_commit(events.verdict_published, claim_id=claim.pk, verdict_id=locked.pk, by_id=by.pk)
    verdict.refresh_from_db()
    return verdict


def _write_revision(claim, *, kind, note, approved_by, at, changers=()):
    unit = revisions.unit_of(claim.pk)
    unit_hash = revisions.unit_hash(unit)
    ids = sorted({*claim.changers.values_list("pk", flat=True), *changers} - {None})
    number = (
        Revision.objects.filter(claim=claim).order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    Revision.objects.create(
        claim=claim,
        number=number,
        unit=unit,
        unit_hash=unit_hash,
        kind=kind,
        note=note,
        changed_by=ids,
        approved_by=approved_by,
        created_at=at,
    )
    claim.changers.clear()
    Claim.objects.filter(pk=claim.pk).update(revision_hash=unit_hash)


@transaction.atomic
def verdict_retract(*, verdict, note, by):
    """Withdraw a published verdict. Its page stays up and says when and why; a change waiting for
    review is closed, and the verdict can come back only through a reviewed reinstatement."""
    locked = _lock_verdict(verdict)
    _check_retract(locked, by)
    if not note or not note.strip():
        raise WorkflowError(_("A retraction needs a public note that says why."))
    now = timezone.now()
    locked.status = Verdict.Status.RETRACTED
    locked.retracted_at = now
    locked.retraction_note = note.strip()
    Correction.objects.create(
        verdict=locked, kind=Correction.Kind.RETRACTION, note=note.strip(), created_at=now, created_by=by
    )
    PendingChange.objects.filter(claim_id=locked.claim_id, status=PendingChange.Status.PENDING).update(
        status=PendingChange.Status.SUPERSEDED, decided_by=by, decided_at=now
    )
    _finish(locked, fields=["status", "retracted_at", "retraction_note"], current_version=locked.version)
    content_version_bump(claim_tags(locked.claim_id))
    events.send_after_commit(events.verdict_retracted, claim_id=locked.claim_id, verdict_id=locked.pk, by_id=by.pk)
    verdict.refresh_from_db()
    return verdict


# --- Changes to public fact-checks ----------------------------------------------------------------


def _change_kind(old, new, kind, claim_kind):
    if kind == Correction.Kind.REINSTATEMENT:
        return kind
    if (old["verdict"] or {}).get("rating") != (new["verdict"] or {}).get("rating"):
        return Correction.Kind.PLEDGE_STATUS if claim_kind == Claim.Kind.PLEDGE else Correction.Kind.RATING_CHANGE
    allowed = {Correction.Kind.CORRECTION, Correction.Kind.CLARIFICATION, Correction.Kind.UPDATE}
    return kind if kind in allowed else Correction.Kind.CORRECTION


def _validate_unit(claim, unit):
    """Check a proposed unit by writing it and undoing the write: every field and row validated as
    a direct edit would be, and complete enough to publish."""
    missing = unit_requirements_missing(unit)
    if missing:
        raise WorkflowError([_("This change cannot be proposed:")] + missing)
    scale = Rating.Scale.PLEDGE if unit["claim"]["kind"] == Claim.Kind.PLEDGE else Rating.Scale.VERACITY
    if not Rating.objects.filter(pk=unit["verdict"]["rating"], scale=scale).exists():
        raise WorkflowError(_("The rating does not fit the claim's kind: pick one from its scale."))
    with transaction.atomic():
        savepoint = transaction.savepoint()
        try:
            revisions.apply_unit(Claim.objects.get(pk=claim.pk), unit)
        except (ValueError, TypeError, KeyError) as exc:
            raise WorkflowError(_("This change is not a valid fact-check: %(error)s") % {"error": exc}) from exc
        finally:
            transaction.savepoint_rollback(savepoint)


@transaction.atomic
def change_propose(*, claim, unit, note, by, kind=Correction.Kind.CORRECTION, base_revision=None):
    """Propose a change to a public fact-check (or, with kind=REINSTATEMENT, bringing a retracted one
    back). Readers keep seeing the published revision until another person approves it. `unit` is
    the whole fact-check as it would become (revisions.unit_of's shape); `base_revision` the
    published revision the proposer started from."""
    verdict = Verdict.objects.select_for_update().select_related("claim").get(claim_id=claim.pk)
    _check_propose(verdict, by, kind)
    if not note or not note.strip():
        raise WorkflowError(
            {"public_note": _("This fact-check is public: write the note that tells readers what changed and why.")}
        )
    current = revisions.unit_of(claim.pk)
    base = revisions.unit_hash(current)
    if base_revision and base_revision != base:
        raise WorkflowError(
            _("This fact-check changed after you opened it. Reload the page and make your change again.")
        )
    _validate_unit(claim, unit)
    change = PendingChange.objects.create(
        claim_id=claim.pk,
        kind=_change_kind(current, unit, kind, unit["claim"]["kind"]),
        note=note.strip(),
        unit=unit,
        unit_hash=revisions.unit_hash(unit),
        base_hash=base,
        proposed_by=by,
    )
    events.send_after_commit(events.change_proposed, claim_id=claim.pk, change_id=change.pk, by_id=by.pk)
    return change


@transaction.atomic
def change_approve(*, change, by, revision):
    """Make a proposed change public, exactly as `revision` (the proposal's unit_hash the reviewer was
    shown): the rows take the proposed content, a public correction records it, partners see the
    claim as changed. Refused if the published fact-check changed since the proposal."""
    locked = PendingChange.objects.select_for_update().get(pk=change.pk)
    verdict = Verdict.objects.select_for_update(of=("self",)).select_related("rating").get(claim_id=locked.claim_id)
    claim = Claim.objects.select_for_update().get(pk=locked.claim_id)
    _check_approve(locked, by)
    if revision != locked.unit_hash:
        raise WorkflowError(_("This proposal is not the one you reviewed. Reload the page and review it again."))
    if revisions.current_hash(claim.pk) != locked.base_hash:
        raise WorkflowError(
            _(
                "The fact-check changed since this was proposed: the proposal is out of date. Withdraw it and propose again."
            )
        )
    old_rating, old_conclusion = verdict.rating, verdict.conclusion
    stale = claim_tags(claim.pk)  # its claimant's and topics' lists before the change, too
    token = _capturing.set(claim.pk)
    try:
        after = revisions.apply_unit(claim, locked.unit)
    finally:
        _capturing.reset(token)
    now = timezone.now()
    _record_correction(locked, verdict=after, old_rating=old_rating, old_conclusion=old_conclusion, at=now)
    fields = ["last_edited_by"]
    after.last_edited_by = locked.proposed_by
    if locked.kind == Correction.Kind.REINSTATEMENT:
        after.status, after.retracted_at, after.retraction_note = Verdict.Status.PUBLISHED, None, ""
        fields += ["status", "retracted_at", "retraction_note"]
    _finish(after, fields=fields, current_version=verdict.version)
    locked.status, locked.decided_by, locked.decided_at = PendingChange.Status.APPROVED, by, now
    locked.save()
    _write_revision(claim, kind=locked.kind, note=locked.note, approved_by=by, at=now, changers=[locked.proposed_by_id])
    content_version_bump(stale | claim_tags(claim.pk))
    events.send_after_commit(
        events.change_approved, claim_id=claim.pk, change_id=locked.pk, by_id=by.pk, kind=locked.kind
    )
    return locked


def _record_correction(change, *, verdict, old_rating, old_conclusion, at):
    rating_changed = old_rating is not None and verdict.rating_id != old_rating.pk
    return Correction.objects.create(
        verdict=verdict,
        kind=change.kind,
        note=change.note,
        old_rating=old_rating if rating_changed else None,
        new_rating=verdict.rating if rating_changed else None,
        old_conclusion=old_conclusion if old_conclusion != verdict.conclusion else "",
        created_at=at,
        created_by=change.proposed_by,
    )


@transaction.atomic
def change_reject(*, change, by, comment):
    """A reviewer sends a proposed change back, saying why. Nothing public changes."""
    locked = PendingChange.objects.select_for_update().get(pk=change.pk)
    _check_reject(locked, by)
    if not comment or not comment.strip():
        raise WorkflowError({"decision_note": _("Say why the change goes back: its proposer reads this.")})
    locked.status, locked.decided_by, locked.decided_at = PendingChange.Status.REJECTED, by, timezone.now()
    locked.decision_note = comment.strip()
    locked.save()
    return locked


@transaction.atomic
def change_withdraw(*, change, by):
    locked = PendingChange.objects.select_for_update().get(pk=change.pk)
    _check_withdraw(locked, by)
    locked.status, locked.decided_by, locked.decided_at = PendingChange.Status.WITHDRAWN, by, timezone.now()
    locked.save()
    return locked


def verdict_correct(
    *,
    verdict,
    note,
    by,
    kind=Correction.Kind.CORRECTION,
    rating=None,
    conclusion=None,
    analysis=None,
):
    """Propose a correction of a published verdict's rating, conclusion or analysis (a shortcut for
    change_propose). Returns the PendingChange; it goes public when another person approves it."""
    unit = revisions.unit_of(verdict.claim_id)
    if unit["verdict"] is None:
        raise WorkflowError(_("Only a published verdict can be corrected; edit the draft instead."))
    for field, value in (("rating", rating.pk if rating else None), ("conclusion", conclusion), ("analysis", analysis)):
        if value is not None:
            unit["verdict"][field] = value
    return change_propose(claim=verdict.claim, unit=unit, note=note, by=by, kind=kind)


def verdict_reinstate(*, verdict, note, by):
    """Propose bringing a retracted verdict back; a second person approves it like any change."""
    unit = revisions.unit_of(verdict.claim_id)
    return change_propose(claim=verdict.claim, unit=unit, note=note, by=by, kind=Correction.Kind.REINSTATEMENT)


# --- Names that public material shows -------------------------------------------------------------


def _claims_showing(obj):
    """The claims whose public pages, API items or ClaimReview show `obj`."""
    if isinstance(obj, Claimant):
        return Q(claimant=obj)
    if isinstance(obj, Topic):
        return Q(topics=obj)
    if isinstance(obj, Rating):
        return Q(verdict__rating=obj)
    if isinstance(obj, Publisher):
        return Q(appearances__source__publisher=obj) | Q(verdict__evidence__source__publisher=obj)
    if isinstance(obj, Source):
        return Q(appearances__source=obj) | Q(verdict__evidence__source=obj)
    raise TypeError(type(obj))


def shown_publicly(obj):
    """Whether public material (a published or retracted fact-check) shows `obj`."""
    if obj.pk is None:
        return False
    return Claim.objects.public().filter(pk__in=Claim.objects.filter(_claims_showing(obj)).values("pk")).exists()


def source_is_public(source):
    return shown_publicly(source)


@transaction.atomic
def reference_save(*, obj, by, expected_version=None):
    """Save a claimant, topic, rating, publisher or source. One that public material shows is changed
    by reviewers only; the change is kept in its history and every claim showing it is marked
    changed (updated_at), so partners syncing with updated_since receive it."""
    if not by.is_active or not by.is_staff:
        raise PermissionDenied(_("You do not have permission to change this."))
    obj.full_clean()
    model = type(obj)
    if obj.pk:
        current = _check_version(model, obj.pk, expected_version, model._meta.verbose_name)
        if shown_publicly(current) and not can_publish(by):
            raise WorkflowError(
                _(
                    "Published fact-checks show this %(what)s: only a reviewer can change it, and the change "
                    "is recorded."
                )
                % {"what": model._meta.verbose_name}
            )
        _bumped(obj, current)
    obj.save()
    claim_ids = Claim.objects.filter(_claims_showing(obj)).values("pk")
    if isinstance(obj, Claimant | Topic):  # their names are part of each claim's search text
        for claim_id in obj.claims.values_list("pk", flat=True):
            _refresh_claim(claim_id)
    else:
        Claim.objects.filter(pk__in=claim_ids).update(updated_at=timezone.now())
    if isinstance(obj, Rating):  # its colour is in the stylesheet every page links by digest
        transaction.on_commit(lambda: cache.delete(RATING_STYLES_CACHE_KEY))
    content_version_bump(reference_tags(obj))
    return obj


def claimant_save(*, claimant, by, expected_version=None):
    return reference_save(obj=claimant, by=by, expected_version=expected_version)


# --- Who we are (organisation): bylines, funding, editorial texts ----------------------------------


@transaction.atomic
def staff_profile_save(*, profile: StaffProfile, by, expected_version=None) -> StaffProfile:
    """Save a staff member's public profile. Its owner changes it (their public name and whether their
    page is published are theirs to decide), and a superuser may. The bylines of every fact-check
    they wrote or reviewed show the name, so those claims are marked changed for partners."""
    if not (by.is_active and by.is_staff and (by.pk == profile.user_id or by.is_superuser)):
        raise PermissionDenied(_("Only its owner can change a staff profile."))
    profile.full_clean()
    if profile.pk:
        _bumped(profile, _check_version(StaffProfile, profile.pk, expected_version, _("profile")))
    profile.save()
    signed = Q(verdict__author_id=profile.user_id) | Q(verdict__reviewer_id=profile.user_id)
    Claim.objects.filter(pk__in=Claim.objects.filter(signed).values("pk")).update(updated_at=timezone.now())
    content_version_bump({f"staff:{profile.user_id}"})
    return profile


@transaction.atomic
def organisation_save(*, obj, by, expected_version=None):
    """Save a funding source or an editorial text of the About and methodology pages: what we tell
    readers about ourselves is changed by reviewers only, on the record (history)."""
    if not can_publish(by):
        raise PermissionDenied(_("Only a reviewer can change what we publish about the organisation."))
    obj.full_clean()
    if obj.pk:
        _bumped(obj, _check_version(type(obj), obj.pk, expected_version, type(obj)._meta.verbose_name))
    obj.save()
    content_version_bump(set())  # the About and methodology pages, which depend on "all"
    return obj


@transaction.atomic
def organisation_delete(*, obj, by):
    """Delete a funding source (a row entered by mistake); its history keeps it."""
    if not can_publish(by):
        raise PermissionDenied(_("Only a reviewer can change what we publish about the organisation."))
    obj.delete()
    content_version_bump(set())
