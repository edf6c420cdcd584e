"""Article intake: writes. Every entry point (the admin's screens, the importarticle command, the
fetch task) calls these; the editorial rules of the claims they make are claims.services'.

An intake either becomes a source with its ranked sentences, whole, in one transaction, or leaves
nothing behind but (for a URL) the record of why it failed. The same text imported twice finds the
source it became the first time (same SHA-256) instead of making a second one."""

import datetime
import hashlib
import logging
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from claims import services as claim_services
from claims.api.throttling import count_request
from claims.models import Appearance, Claim, Claimant
from intake import cleaning, fetching, ranking
from intake.cleaning import IntakeError
from intake.models import Intake, Sentence
from sources.models import Publisher, Source, normalize_url

logger = logging.getLogger(__name__)

# A sentence is suggested when its score reaches this, and at most MAX_SUGGESTIONS are (the best).
SUGGEST_AT = 0.5
MAX_SUGGESTIONS = 12


def can_import(user):
    return user.is_active and user.has_perm("intake.add_intake")


def _check_can_import(user):
    if not can_import(user):
        raise PermissionDenied(_("You do not have permission to import articles."))


def intake_from_text(*, text, by, method=Intake.Method.PASTE, filename="") -> Intake:
    """Import pasted text (plain text or HTML)."""
    _check_can_import(by)
    if len(text.encode("utf-8")) > settings.INTAKE_MAX_BYTES:
        raise _too_big()
    html = cleaning.looks_like_html(text)
    article = cleaning.from_html(text) if html else cleaning.from_plain_text(text)
    return _record(article, by=by, method=method, filename=filename)


def intake_from_file(*, data, filename, by, method=Intake.Method.UPLOAD, content_type="") -> Intake:
    """Import an uploaded HTML or text file (bytes)."""
    _check_can_import(by)
    if len(data) > settings.INTAKE_MAX_BYTES:
        raise _too_big()
    article = cleaning.from_bytes(data, filename=filename, content_type=_declared_type(content_type, filename))
    return _record(article, by=by, method=method, filename=filename[:255])


def _declared_type(content_type, filename):
    # Browsers send application/octet-stream for files they do not know; the name or the content decides.
    ctype = (content_type or "").split(";")[0].strip().lower()
    return ctype if ctype in cleaning.HTML_TYPES + cleaning.TEXT_TYPES else ""


def _too_big():
    limit = settings.INTAKE_MAX_BYTES
    return IntakeError(
        _("This is larger than %(size)s KB, the most that is imported as one article.")
        % {"size": f"{limit // 1024:,}"},
        code="too_big",
    )


def intake_from_url(*, url, by, background=True) -> Intake:
    """Queue a URL to be fetched by the task queue once this transaction commits (the editor's
    screen). Refused at once if the address is not http(s) or the editor has asked for too many
    fetches lately (INTAKE_FETCH_RATE). With background=False (the command, which then calls
    intake_fetch itself) nothing is queued and no rate applies."""
    _check_can_import(by)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise IntakeError(_("Only http:// and https:// addresses can be imported."), code="scheme")
    if background:
        limit = count_request(f"intake-fetch:{by.pk}", settings.INTAKE_FETCH_RATE)
        if not limit.allowed:
            raise IntakeError(
                _("You have asked for many pages in a short time; try again in %(seconds)s seconds.")
                % {"seconds": limit.reset},
                code="rate_limited",
            )
    with transaction.atomic():
        intake = Intake(method=Intake.Method.URL, status=Intake.Status.QUEUED, url=url, created_by=by)
        intake.full_clean()
        intake.save()
        if background:
            transaction.on_commit(partial(_enqueue_fetch, intake.pk), robust=True)
    return intake


def _enqueue_fetch(intake_id):
    from intake import tasks

    tasks.fetch_article.enqueue(intake_id)


def intake_fetch(*, intake_id) -> Intake | None:
    """Fetch a queued URL intake and import the page (the task's work, outside any transaction while
    the network is used). A refusal or failure is recorded on the intake with its reason."""
    intake = Intake.objects.filter(pk=intake_id, status=Intake.Status.QUEUED).select_related("created_by").first()
    if intake is None:
        return None  # already done, or deleted
    try:
        fetched = fetching.fetch(intake.url)
        article = cleaning.from_bytes(
            fetched.body, content_type=fetched.content_type, charset=fetched.charset, url=fetched.url
        )
        return _record(article, by=intake.created_by, method=Intake.Method.URL, intake=intake)
    except IntakeError as exc:
        _fail(intake, exc.message)
    except (ValidationError, PermissionDenied) as exc:
        _fail(intake, " ".join(getattr(exc, "messages", [str(exc)])))
    except Exception:
        logger.exception("Article intake %s failed", intake_id)
        _fail(intake, _("The import failed unexpectedly; the error was logged. Try again, or paste the text."))
    intake.refresh_from_db()
    return intake


def _fail(intake, message):
    Intake.objects.filter(pk=intake.pk, status=Intake.Status.QUEUED).update(
        status=Intake.Status.FAILED, error=message, updated_at=timezone.now()
    )


@transaction.atomic
def _record(article, *, by, method, filename="", intake=None):
    """Write the source (or find it), the intake and its ranked sentences: all of it or nothing."""
    source, reused = _source_for(article, by=by)
    notes = list(article.notes)
    english = article.language == "en"
    if not english:
        notes.append(
            _(
                "The text is in %(language)s. Check-worthiness is scored for English only, so no sentences are "
                "suggested; the text is saved as a source."
            )
            % {"language": cleaning.language_name(article.language)}
        )
    if intake is None:
        intake = Intake(method=method, filename=filename, created_by=by)
    intake.status, intake.source, intake.reused_source, intake.notes, intake.error = (
        Intake.Status.READY,
        source,
        reused,
        notes,
        "",
    )
    intake.full_clean()
    intake.save()
    if english:
        Sentence.objects.bulk_create(rank(article.paragraphs, intake=intake))
    return intake


def _source_for(article, *, by):
    """(source, reused): the source with this exact text, or the one at this URL if its text is the
    same; otherwise a new source. A URL already recorded with another text is refused: sources
    are unique by URL, and the editor should decide which text is the evidence."""
    text = article.text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = Source.objects.filter(snapshot_sha256=digest).order_by("pk").first()
    if existing is not None:
        return existing, True
    if article.url:
        clash = Source.objects.filter(normalized_url=normalize_url(article.url)).first()
        if clash is not None:
            raise IntakeError(
                _(
                    "This address is already recorded as the source “%(title)s”, with a different captured text. "
                    "Open that source, or paste the new text to import it separately."
                )
                % {"title": clash.title},
                code="url_recorded",
            )
    source = Source(
        title=article.title,
        slug=_unique_slug(Source, article.title),
        kind=Source.Kind.NEWS_ARTICLE,
        url=article.url,
        author=article.author,
        published_on=article.published_on,
        accessed_on=timezone.localdate() if article.url else None,
        language=article.language[:16] or "en",
        publisher=_publisher_for(article, by=by),
    )
    source.capture(text)
    return claim_services.reference_save(obj=source, by=by), False


def _publisher_for(article, *, by):
    """The publisher the page names (site name) or its domain, found among the publishers, or
    recorded as a new one; None when the article says neither."""
    domain = (urlsplit(article.url).hostname or "").removeprefix("www.") if article.url else ""
    name = article.site_name or ""
    condition = Q(domain=domain) if domain else Q()
    if name:
        condition |= Q(name__iexact=name)
    if not condition:
        return None
    found = Publisher.objects.filter(condition).order_by("pk").first()
    if found is not None:
        return found
    publisher = Publisher(name=(name or domain)[:200], slug=_unique_slug(Publisher, name or domain), domain=domain)
    return claim_services.reference_save(obj=publisher, by=by)


def _unique_slug(model, text, *, max_length=80):
    base = slugify(text)
    if len(base) > max_length:  # cut between words
        base = base[: max_length + 1].rsplit("-", 1)[0]
    base = base.strip("-") or model._meta.model_name
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base[: max_length - len(str(n)) - 1]}-{n}"
    return slug


def rank(paragraphs, *, intake=None):
    """Unsaved Sentence rows for the paragraphs (ranking.rank), each with the likely claimant; the
    best (score >= SUGGEST_AT, at most MAX_SUGGESTIONS) suggested."""
    ranked = ranking.rank(paragraphs)
    claimants = _claimants_for([r.speaker for r in ranked])
    rows = [
        Sentence(
            intake=intake,
            position=r.position,
            paragraph=r.paragraph,
            text=r.text,
            score=r.score,
            reasons=r.reasons,
            kind=Sentence.Kind.PLEDGE if r.pledge else Sentence.Kind.STATEMENT,
            speaker=r.speaker[0][:300] if r.speaker else "",
            claimant=_best_claimant(r.speaker, claimants),
        )
        for r in ranked
    ]
    best = sorted((r for r in rows if r.score >= SUGGEST_AT), key=lambda r: (-r.score, r.position))
    for row in best[:MAX_SUGGESTIONS]:
        row.suggested = True
    return rows


def _claimants_for(speakers):
    """{lower-case name form: Claimant} for every form of every speaker, in one query: a claimant
    whose whole name is a form, or whose name ends with a one-word form (a surname)."""
    forms = {form for found in speakers for form in found}
    if not forms:
        return {}
    condition = Q()
    for form in forms:
        condition |= Q(name__iexact=form) | Q(name__iexact=f"the {form}")
        if " " not in form:
            condition |= Q(name__iendswith=f" {form}")
    found = {}
    for claimant in Claimant.objects.filter(condition).order_by("pk")[:200]:
        name = claimant.name.lower().removeprefix("the ")
        found.setdefault(name, claimant)
        found.setdefault(name.split()[-1], claimant)
    return found


def _best_claimant(forms, claimants):
    for form in forms:  # longest first: "Vladimir Putin" before "Putin"
        if claimant := claimants.get(form.lower()):
            return claimant
    return None


# --- Sentences into draft claims ------------------------------------------------------------------


@transaction.atomic
def sentences_convert(*, intake, sentences, seen_on, by) -> list[Claim]:
    """Make a draft claim of each sentence, with its appearance in the intake's source (quote = the
    sentence, date = `seen_on`, the article's date) and the likely claimant; all of them or none.
    The claims are drafts under the review rules of claims.services."""
    if not claim_services.can_edit(by):
        raise PermissionDenied(_("You do not have permission to add claims."))
    if intake.status != Intake.Status.READY:
        raise ValidationError(_("This article has no text to take claims from yet."))
    if not isinstance(seen_on, datetime.date):
        raise ValidationError(_("Give the article's date: the claims' appearances need it."))
    rows = list(
        Sentence.objects.select_for_update(of=("self",))
        .filter(intake=intake, pk__in=[s.pk for s in sentences])
        .select_related("claimant")
        .order_by("position")
    )
    if not rows:
        raise ValidationError(_("Select at least one sentence."))
    taken = [row for row in rows if row.claim_id]
    if taken:
        raise ValidationError(
            _("Sentence %(n)s is already a claim.") % {"n": ", ".join(str(r.position) for r in taken)}
        )
    return [_convert(row, source=intake.source, seen_on=seen_on, by=by) for row in rows]


def _convert(row, *, source, seen_on, by):
    claim = Claim(
        title=_title(row.text),
        slug=_unique_slug(Claim, row.text, max_length=70),
        text=row.text,
        kind=Claim.Kind.PLEDGE if row.kind == Sentence.Kind.PLEDGE else Claim.Kind.STATEMENT,
        claimant=row.claimant,
        made_on=seen_on,
        language=source.language,
    )
    claim_services.claim_save(claim=claim, by=by)
    appearance = Appearance(claim=claim, source=source, quote=row.text, seen_on=seen_on, is_first=True)
    appearance.full_clean()
    appearance.save()
    claim_services.unit_record_change(claim=claim, by=by)
    Sentence.objects.filter(pk=row.pk).update(claim=claim)
    return claim


def _title(text, limit=200):
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
