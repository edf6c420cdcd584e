"""Editorial actions. Every entry point (admin, views, API, management commands) calls these, so the
workflow rules (roles, the two-person rule, what publishing requires, public corrections) hold
everywhere. Each runs in one transaction and bumps the content version when public material
changes, so caches keyed on it never serve a stale verdict."""

import logging

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Claim, ContentVersion, Correction, Verdict, validate_rating_fits_claim

PUBLISH_PERMISSION = "claims.publish_verdict"
logger = logging.getLogger(__name__)


class WorkflowError(ValidationError):
    """An editorial rule refused the action; the messages say why, in words an editor understands."""


class EditConflict(WorkflowError):
    """Someone else saved the record after the caller loaded it."""


# Where a cache shared by all processes (Redis) keeps a copy of the content version, and for how
# long before the page cache reads it from the database again (factcheck/cache.py).
VERSION_CACHE_KEY = "content-version"
VERSION_CACHE_SECONDS = 5


def content_version_bump():
    """Invalidate every public cache entry, at commit time of the caller's transaction."""
    updated = ContentVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=timezone.now())
    if not updated:
        ContentVersion.objects.create(pk=1, number=2)
    number = ContentVersion.objects.values_list("number", flat=True).get(pk=1)
    transaction.on_commit(lambda: _share_content_version(number))


def _share_content_version(number):
    set_max = getattr(cache, "set_max", None)
    if set_max is None:  # a per-process cache: the page cache reads the database instead
        return
    try:
        set_max(VERSION_CACHE_KEY, number, VERSION_CACHE_SECONDS)
    except Exception:  # the cached copy expires within VERSION_CACHE_SECONDS and is read afresh
        logger.exception("Could not share content version %s with the cache", number)


def content_version_current():
    row = ContentVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return row or 1


def can_publish(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def _refresh_claim(claim_id):
    """Copy the claimant's name and the verdict's conclusion into the claim's search text, and
    touch updated_at so that partners syncing incrementally see the change."""
    claim = Claim.objects.select_related("claimant", "verdict").get(pk=claim_id)
    verdict = getattr(claim, "verdict", None)
    parts = [claim.claimant.name if claim.claimant else "", verdict.conclusion if verdict else ""]
    Claim.objects.filter(pk=claim_id).update(search_extra=" ".join(p for p in parts if p), updated_at=timezone.now())


def _check_version(model, pk, expected_version, what):
    current = model.objects.select_for_update().only("version").get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(
            _(
                "Someone else changed this %(what)s while you were editing it. Reload the page to see "
                "their changes, then make yours again."
            )
            % {"what": what}
        )
    return current


@transaction.atomic
def claim_save(*, claim, by, expected_version=None):
    """Create or update a claim on behalf of an editor, refusing a save based on a stale copy."""
    claim.full_clean(exclude=["topics"])
    if claim.pk and claim_is_public(claim) and not can_publish(by):
        raise WorkflowError(_("This claim's verdict is public: only a reviewer can change the claim."))
    if claim.pk:
        # Under the row lock, so the increment cannot race another save.
        claim.version = _check_version(Claim, claim.pk, expected_version, _("claim")).version + 1
    else:
        claim.created_by = by
    claim.updated_by = by
    claim.save()
    _refresh_claim(claim.pk)
    if claim_is_public(claim):
        content_version_bump()
    return claim


def source_is_public(source):
    """Whether readers see `source`: evidence of a public verdict, or where a public claim appeared."""
    public = Verdict.PUBLIC_STATUSES
    return (
        source.evidence.filter(verdict__status__in=public).exists()
        or source.appearances.filter(claim__verdict__status__in=public).exists()
    )


def claim_is_public(claim):
    return Verdict.objects.filter(claim_id=claim.pk, status__in=Verdict.PUBLIC_STATUSES).exists()


@transaction.atomic
def claimant_save(*, claimant, by):
    """Save a claimant and refresh the search text of their claims (their name is part of it)."""
    claimant.full_clean()
    claimant.save()
    for claim_id in claimant.claims.values_list("pk", flat=True):
        _refresh_claim(claim_id)
    content_version_bump()
    return claimant


def _lock_verdict(verdict, expected_version=None):
    locked = _check_version(Verdict, verdict.pk, expected_version, _("verdict"))
    return Verdict.objects.select_related("claim", "rating").get(pk=locked.pk)


def _finish(verdict, *, fields, by, current_version):
    verdict.version = current_version + 1
    verdict.save(update_fields=[*fields, "version", "updated_at"])
    _refresh_claim(verdict.claim_id)
    return verdict


@transaction.atomic
def verdict_save(*, verdict, by, expected_version=None, correction_kind="", correction_note=""):
    """Create or edit a verdict. Editing a published verdict needs the publish permission, and a
    change to its rating or conclusion is recorded as a public correction, which needs a note."""
    validate_rating_fits_claim(verdict.rating, verdict.claim)
    if not verdict.pk:
        verdict.author = verdict.author if verdict.author_id else by
        verdict.last_edited_by = by
        verdict.status = Verdict.Status.DRAFT
        verdict.full_clean()
        verdict.save()
        _refresh_claim(verdict.claim_id)
        return verdict
    before = _lock_verdict(verdict, expected_version)
    if before.is_public and not can_publish(by):
        raise WorkflowError(_("Only a reviewer can change a published verdict."))
    if before.status == Verdict.Status.PUBLISHED:
        _record_changes(before=before, after=verdict, kind=correction_kind, note=correction_note, by=by)
    verdict.full_clean()
    fields = ["rating", "conclusion", "analysis"]
    if any(getattr(before, f) != getattr(verdict, f) for f in ("rating_id", "conclusion", "analysis")):
        verdict.last_edited_by = by  # whoever shaped the text cannot be its second pair of eyes
        fields.append("last_edited_by")
    _finish(verdict, fields=fields, by=by, current_version=before.version)
    if before.is_public:
        content_version_bump()
    return verdict


def _record_changes(*, before, after, kind, note, by):
    rating_changed = before.rating_id != after.rating_id
    conclusion_changed = before.conclusion != after.conclusion
    if not (rating_changed or conclusion_changed or note.strip()):
        return None
    if not note.strip():
        raise WorkflowError(
            _(
                "This verdict is published: changing its rating or conclusion is a public correction. "
                "Write a correction note that tells readers what changed and why."
            )
        )
    if rating_changed:
        kind = Correction.Kind.PLEDGE_STATUS if before.claim.kind == "pledge" else Correction.Kind.RATING_CHANGE
    return Correction.objects.create(
        verdict=before,
        kind=kind or Correction.Kind.CORRECTION,
        note=note.strip(),
        old_rating=before.rating if rating_changed else None,
        new_rating=after.rating if rating_changed else None,
        old_conclusion=before.conclusion if conclusion_changed else "",
        created_at=timezone.now(),
        created_by=by,
    )


@transaction.atomic
def verdict_correct(
    *,
    verdict,
    note,
    by,
    kind=Correction.Kind.CORRECTION,
    rating=None,
    conclusion=None,
    analysis=None,
    expected_version=None,
):
    """Correct, clarify or update a published verdict, or change its rating or pledge status, with
    a public note. Returns the Correction."""
    before = _lock_verdict(verdict, expected_version)
    if before.status != Verdict.Status.PUBLISHED:
        raise WorkflowError(_("Only a published verdict can be corrected; edit the draft instead."))
    if not can_publish(by):
        raise WorkflowError(_("Only a reviewer can correct a published verdict."))
    if not note or not note.strip():
        raise WorkflowError(_("A correction needs a note that tells readers what changed and why."))
    after = Verdict.objects.get(pk=before.pk)
    after.rating = rating if rating is not None else before.rating
    after.conclusion = conclusion if conclusion is not None else before.conclusion
    after.analysis = analysis if analysis is not None else before.analysis
    validate_rating_fits_claim(after.rating, before.claim)
    correction = _record_changes(before=before, after=after, kind=kind, note=note, by=by)
    _finish(after, fields=["rating", "conclusion", "analysis"], by=by, current_version=before.version)
    content_version_bump()
    verdict.refresh_from_db()
    return correction


@transaction.atomic
def verdict_submit_for_review(*, verdict, by):
    """Move a draft verdict into review. Editors and reviewers may submit."""
    locked = _lock_verdict(verdict)
    if not by.has_perm("claims.change_verdict"):
        raise PermissionDenied(_("You do not have permission to submit verdicts."))
    if locked.status != Verdict.Status.DRAFT:
        raise WorkflowError(
            _("Only a draft can be submitted for review; this verdict is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    missing = publication_requirements_missing(locked)
    if missing:
        raise WorkflowError([_("It cannot go to review yet:")] + missing)
    locked.status = Verdict.Status.IN_REVIEW
    locked.submitted_at = timezone.now()
    _finish(locked, fields=["status", "submitted_at"], by=by, current_version=locked.version)
    verdict.refresh_from_db()
    return verdict


@transaction.atomic
def verdict_return_to_draft(*, verdict, by):
    """A reviewer sends a verdict in review back to its author for more work."""
    locked = _lock_verdict(verdict)
    if locked.status != Verdict.Status.IN_REVIEW:
        raise WorkflowError(_("Only a verdict in review can be sent back to draft."))
    if not (can_publish(by) or by.pk == locked.author_id):
        raise WorkflowError(_("Only a reviewer or the verdict's author can send it back to draft."))
    locked.status = Verdict.Status.DRAFT
    locked.submitted_at = None
    _finish(locked, fields=["status", "submitted_at"], by=by, current_version=locked.version)
    verdict.refresh_from_db()
    return verdict


def publication_requirements_missing(verdict):
    """What a verdict lacks before it may be published, as messages that name each missing piece."""
    claim = verdict.claim
    missing = []
    if claim.claimant_id is None and not claim.unattributed:
        missing.append(_("the claim needs a claimant, or must be marked unattributed"))
    if not claim.appearances.exists():
        missing.append(_("the claim needs at least one appearance (where it was made or repeated)"))
    if verdict.rating_id is None:
        missing.append(_("the verdict needs a rating"))
    elif verdict.rating.scale != claim.rating_scale:
        missing.append(_("the rating must come from the %(scale)s scale") % {"scale": claim.get_kind_display().lower()})
    if not verdict.conclusion.strip():
        missing.append(_("the verdict needs a one-sentence conclusion"))
    if not verdict.evidence.exists():
        missing.append(_("the verdict needs at least one evidence source"))
    return missing


@transaction.atomic
def verdict_publish(*, verdict, by):
    """Publish a verdict in review. Needs the publish permission, a reviewer other than the author,
    and everything publication_requirements_missing checks. The row lock makes a double click
    publish once."""
    locked = _lock_verdict(verdict)
    if not can_publish(by):
        raise WorkflowError(_("Only a reviewer can publish a verdict."))
    if locked.status == Verdict.Status.PUBLISHED:
        raise WorkflowError(_("This verdict is already published."))
    if locked.status != Verdict.Status.IN_REVIEW:
        raise WorkflowError(
            _("Only a verdict in review can be published; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    if locked.author_id == by.pk:
        raise WorkflowError(_("You wrote this verdict: a second editor must review and publish it."))
    if locked.last_edited_by_id == by.pk:
        raise WorkflowError(
            _("You made the last change to this verdict's text: another reviewer must check and publish it.")
        )
    missing = publication_requirements_missing(locked)
    if missing:
        raise WorkflowError([_("It cannot be published yet:")] + missing)
    locked.status = Verdict.Status.PUBLISHED
    locked.reviewer = by
    locked.published_at = timezone.now()
    _finish(locked, fields=["status", "reviewer", "published_at"], by=by, current_version=locked.version)
    content_version_bump()
    verdict.refresh_from_db()
    return verdict


@transaction.atomic
def verdict_retract(*, verdict, note, by):
    """Withdraw a published verdict. Its page stays up and says when and why."""
    locked = _lock_verdict(verdict)
    if not can_publish(by):
        raise WorkflowError(_("Only a reviewer can retract a verdict."))
    if locked.status != Verdict.Status.PUBLISHED:
        raise WorkflowError(_("Only a published verdict can be retracted."))
    if not note or not note.strip():
        raise WorkflowError(_("A retraction needs a public note that says why."))
    now = timezone.now()
    locked.status = Verdict.Status.RETRACTED
    locked.retracted_at = now
    locked.retraction_note = note.strip()
    Correction.objects.create(
        verdict=locked, kind=Correction.Kind.RETRACTION, note=note.strip(), created_at=now, created_by=by
    )
    _finish(locked, fields=["status", "retracted_at", "retraction_note"], by=by, current_version=locked.version)
    content_version_bump()
    verdict.refresh_from_db()
    return verdict
