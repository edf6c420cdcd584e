import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from claims import matching
from intake import selectors, services
from intake.cleaning import IntakeError
from intake.models import Intake

COMMAND_USER = "importarticle"


class Command(BaseCommand):
    help = (
        "Import one article (an .html or .txt file, or an http(s) URL) as the editor's screen does: a source with "
        "its cleaned text, and its sentences ranked for check-worthiness. Prints a summary, or with --json one JSON "
        "object: metadata, cleaned text, SHA-256 and the ranked sentences (text, score, reasons, claimant guess, "
        "matching claims)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path_or_url")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON object")
        parser.add_argument(
            "--user",
            help=f"the editor the import is recorded as (default: the account “{COMMAND_USER}”, made on first use, "
            "in the Editors group and with no password, so nobody can sign in as it)",
        )

    def handle(self, *args, path_or_url, as_json=False, user=None, **options):
        by = _existing_user(user) if user else _command_user()
        try:
            intake = _import(path_or_url, by)
        except IntakeError as exc:
            raise CommandError(exc.message) from None
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        result = describe(intake)
        if as_json:
            self.stdout.write(_dumps(result))
        else:
            self._summary(result)

    def _summary(self, result):
        source = result["source"]
        state = "existing source" if source["reused"] else "new source"
        self.stdout.write(self.style.SUCCESS(f"Imported “{source['title']}” ({state} {source['slug']})."))
        self.stdout.write(
            f"SHA-256 {result['sha256']}, language {source['language']}, {len(result['sentences'])} sentences."
        )
        for note in result["notes"]:
            self.stdout.write(note)
        for row in [r for r in result["sentences"] if r["suggested"]]:
            reasons = "; ".join(r["label"] for r in row["reasons"])
            self.stdout.write(f"{row['score']:.2f}  {row['text']}\n      {reasons}")


def _import(path_or_url, by):
    if path_or_url.startswith(("http://", "https://")):
        queued = services.intake_from_url(url=path_or_url, by=by, background=False)
        intake = services.intake_fetch(intake_id=queued.pk)
        if intake.status == Intake.Status.FAILED:
            raise CommandError(intake.error)
        return intake
    path = Path(path_or_url)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
    return services.intake_from_file(data=data, filename=path.name, by=by, method=Intake.Method.COMMAND)


def describe(intake):
    """The intake as one JSON-ready dict, the sentences best first."""
    source = intake.source
    sentences = selectors.sentences_of(intake)
    return {
        "intake": intake.pk,
        "source": {
            "id": source.pk,
            "slug": source.slug,
            "title": source.title,
            "url": source.url,
            "author": source.author,
            "publisher": source.publisher.name if source.publisher else "",
            "published_on": source.published_on.isoformat() if source.published_on else None,
            "language": source.language,
            "reused": intake.reused_source,
        },
        "sha256": source.snapshot_sha256,
        "text": source.snapshot_text,
        "notes": intake.notes,
        "sentences": [_sentence(s) for s in sorted(sentences, key=lambda s: (-s.score, s.position))],
    }


def _sentence(sentence):
    try:
        matches = [
            {
                "id": c.pk,
                "slug": c.slug,
                "title": c.title,
                "status": selectors.claim_status(c),
                "score": round(c.score, 3),
            }
            for c in selectors.matches_for(sentence)
        ]
    except matching.MatchTimeout:
        matches = None
    return {
        "position": sentence.position,
        "text": sentence.text,
        "score": sentence.score,
        "suggested": sentence.suggested,
        "kind": sentence.kind,
        "reasons": sentence.reasons,
        "speaker": sentence.speaker,
        "claimant": {"id": sentence.claimant.pk, "name": sentence.claimant.name} if sentence.claimant else None,
        "matches": matches,
    }


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=2)


def _existing_user(username):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"There is no user “{username}”.")
    return user


def _command_user():
    user, made = get_user_model().objects.get_or_create(
        username=COMMAND_USER, defaults={"first_name": "Article", "last_name": "import", "is_staff": True}
    )
    if made:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="Editors"))
    return user
