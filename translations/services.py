"""Editorial actions on translations, and the only place their rules live. The admin (forms and
list actions), the seed loader and the tests call these.

The rule is the verdict's (claims.services): a translation goes public only when a second person
publishes it, nobody who wrote it or changed it since its last publication may, and it is published
exactly as the version the reviewer was shown (edit locking). Readers only ever see the last
published words (PublishedTranslation): editing a published translation changes the working copy,
which goes back to draft and public again only through the same review. A translation is published
only while its check is."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import services as claim_services
from claims.models import Claim, Evidence, Verdict
from translations.models import ClaimTranslation, PublishedTranslation
from translations.search import search_text

WorkflowError = claim_services.WorkflowError
CONTENT_FIELDS = ("title", "text", "claim_reviewed", "conclusion", "analysis", "evidence_notes")


def _content(translation):
    return {f: getattr(translation, f) for f in CONTENT_FIELDS}


def _published_changed(claim_id):
    """What readers see of a check changed: the one place this app tells the page cache (the pages
    and API answers that show the claim, factcheck/cache.py) and marks the claim changed for
    partners' ?updated_since=."""
    Claim.objects.filter(pk=claim_id).update(updated_at=timezone.now())
    claim_services.content_version_bump(claim_services.claim_tags(claim_id))


def _check_language(translation):
    original = Claim.objects.filter(pk=translation.claim_id).values_list("language", flat=True).first()
    if translation.language == original:
        raise WorkflowError({"language": _("The check is written in this language: choose another one.")})


def _clean_notes(translation):
    """Evidence notes keyed by the ids of the verdict's evidence (as strings); empty notes dropped."""
    notes = translation.evidence_notes or {}
    if not isinstance(notes, dict):
        raise WorkflowError({"evidence_notes": _("Give the evidence notes as {evidence id: note}.")})
    known = {
        str(pk) for pk in Evidence.objects.filter(verdict__claim_id=translation.claim_id).values_list("pk", flat=True)
    }
    unknown = sorted(set(notes) - known)
    if unknown:
        raise WorkflowError(
            {"evidence_notes": _("No evidence of this check has the id %(ids)s.") % {"ids": ", ".join(unknown)}}
        )
    translation.evidence_notes = {k: v.strip() for k, v in notes.items() if isinstance(v, str) and v.strip()}


@transaction.atomic
def translation_save(*, translation, by, expected_version=None):
    """Create or change a translation's working copy. A save based on an older version is refused
    (edit locking); a change of content makes `by` one of the people who may not publish it, and a
    published translation goes back to draft (readers keep its published words until review)."""
    if not claim_services.can_edit(by):
        raise PermissionDenied(_("You do not have permission to change translations."))
    _clean_notes(translation)
    translation.full_clean()
    _check_language(translation)
    if translation.pk is None:
        translation.translator = by
        translation.status = ClaimTranslation.Status.DRAFT
        translation.save()
        translation.changers.add(by)
        return translation
    current = claim_services._check_version(ClaimTranslation, translation.pk, expected_version, _("translation"))
    if current.language != translation.language:
        raise WorkflowError({"language": _("A translation's language cannot change: add a new translation instead.")})
    if _content(current) == _content(translation):
        translation.version, translation.status = current.version, current.status
        return translation  # nothing changed: the version the reviewer saw stays the one to publish
    translation.version = current.version + 1
    translation.status, translation.submitted_at = ClaimTranslation.Status.DRAFT, None
    translation.translator_id = current.translator_id
    translation.save()
    translation.changers.add(by)
    return translation


def requirements_missing(translation):
    """What a translation lacks before it may go to review or be published, one message each."""
    missing = []
    for field in ("title", "text", "conclusion"):
        if not getattr(translation, field).strip():
            missing.append(
                _("the %(field)s needs translating") % {"field": ClaimTranslation._meta.get_field(field).verbose_name}
            )
    verdict = Verdict.objects.filter(claim_id=translation.claim_id).only("analysis").first()
    if verdict is not None and verdict.analysis.strip() and not translation.analysis.strip():
        missing.append(_("the analysis needs translating"))
    evidence = Evidence.objects.filter(verdict__claim_id=translation.claim_id).values_list("pk", flat=True)
    if any(not (translation.evidence_notes or {}).get(str(pk)) for pk in evidence):
        missing.append(_("every evidence note needs translating"))
    return missing


# --- What a person may do now (the admin's buttons come from here) -------------------------------


def _check_submit(translation, by):
    if not claim_services.can_edit(by):
        raise WorkflowError(_("You do not have permission to submit translations."))
    if translation.status != ClaimTranslation.Status.DRAFT:
        raise WorkflowError(_("Only a draft translation can be submitted for review."))


def _check_return(translation, by):
    if translation.status != ClaimTranslation.Status.IN_REVIEW:
        raise WorkflowError(_("Only a translation in review can be sent back to draft."))
    if not (claim_services.can_publish(by) or by.pk == translation.translator_id):
        raise WorkflowError(_("Only a reviewer or the translator can send it back to draft."))


def _check_publish(translation, by):
    if not claim_services.can_publish(by):
        raise WorkflowError(_("Only a reviewer can publish a translation."))
    if translation.status == ClaimTranslation.Status.PUBLISHED:
        raise WorkflowError(_("This translation is already published."))
    # Who may publish first: an edit made with the publish button also puts it back to draft.
    if translation.translator_id == by.pk:
        raise WorkflowError(_("You translated this check: a second person must review and publish the translation."))
    if translation.changers.filter(pk=by.pk).exists():
        raise WorkflowError(
            _("You changed this translation since it was last published: another reviewer must check and publish it.")
        )
    if translation.status != ClaimTranslation.Status.IN_REVIEW:
        raise WorkflowError(_("Only a translation in review can be published; submit it first."))
    if not Verdict.objects.filter(claim_id=translation.claim_id, status=Verdict.Status.PUBLISHED).exists():
        raise WorkflowError(_("The check itself is not published: publish it before its translation."))


TRANSLATION_ACTIONS = {"submit": _check_submit, "return_to_draft": _check_return, "publish": _check_publish}


def allowed_actions(translation, by):
    """{action: None if `by` may do it now, else the reason why not}: the admin's buttons."""
    return claim_services.refusals(TRANSLATION_ACTIONS, translation, by)


def _lock(translation, expected_version=None):
    return claim_services._check_version(ClaimTranslation, translation.pk, expected_version, _("translation"))


# --- The workflow ---------------------------------------------------------------------------------


@transaction.atomic
def translation_submit(*, translation, by):
    """Send a draft translation to review, complete (every part of the check translated)."""
    locked = _lock(translation)
    _check_submit(locked, by)
    missing = requirements_missing(locked)
    if missing:
        raise WorkflowError([_("It cannot go to review yet:")] + missing)
    locked.status, locked.submitted_at = ClaimTranslation.Status.IN_REVIEW, timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    translation.refresh_from_db()
    return translation


@transaction.atomic
def translation_return_to_draft(*, translation, by):
    locked = _lock(translation)
    _check_return(locked, by)
    locked.status, locked.submitted_at = ClaimTranslation.Status.DRAFT, None
    locked.version += 1
    locked.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    translation.refresh_from_db()
    return translation


@transaction.atomic
def translation_publish(*, translation, by, expected_version):
    """Publish a translation in review exactly as the version the reviewer was shown
    (`expected_version`, the version their page carried): refused when it changed since, when `by`
    translated it or changed it since its last publication, when it is incomplete, and when the check
    itself is not published. Replaces the words readers see and refreshes every cached page."""
    if expected_version is None:
        raise WorkflowError(_("Say which version you reviewed: open the translation's page and publish from there."))
    locked = _lock(translation, expected_version)
    Claim.objects.select_for_update().filter(pk=locked.claim_id).first()
    _check_publish(locked, by)
    missing = requirements_missing(locked)
    if missing:
        raise WorkflowError([_("It cannot be published yet:")] + missing)
    now = timezone.now()
    published = PublishedTranslation.objects.filter(translation=locked).first()
    values = {**_content(locked), "claim_id": locked.claim_id, "language": locked.language}
    values.update(translator_id=locked.translator_id, reviewer=by, updated_at=now)
    values["search_text"] = search_text(locked.title, locked.text, locked.conclusion)
    if published is None:
        PublishedTranslation.objects.create(translation=locked, published_at=now, number=1, **values)
    else:
        for name, value in values.items():
            setattr(published, name, value)
        published.number += 1
        published.save()
    locked.status = ClaimTranslation.Status.PUBLISHED
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    locked.changers.clear()
    _published_changed(locked.claim_id)
    translation.refresh_from_db()
    return translation
