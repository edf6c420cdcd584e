import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims import events, services
from claims.models import Appearance, Claim, Claimant, Evidence, Rating, Topic, Verdict
from organisation.models import FundingSource, OrganisationText, StaffProfile
from sources.models import Source

SEEDS_DIR = settings.BASE_DIR / "seeds"


class Command(BaseCommand):
    help = (
        "Load the seed data in seeds/ (the ceasefire article and the claims built from it). Everything "
        "arrives as drafts unless --reviewer names the existing reviewer who approved it. Running it "
        "twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(SEEDS_DIR / "putin-ceasefire.json"))
        parser.add_argument(
            "--reviewer",
            help="Username of an existing reviewer who checked this material: the verdicts the file marks "
            "published are published (and corrected) with their approval. Without it, every verdict is a draft.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read seed file {path}: {exc}") from None
        reviewer = _existing_reviewer(options["reviewer"]) if options["reviewer"] else None
        try:
            with transaction.atomic():
                created = load(data, base=path.parent, reviewer=reviewer)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        self.stdout.write(self.style.SUCCESS(f"Seeds loaded: {created} new claim(s)."))


def _existing_reviewer(username):
    """The second person is a real account that already exists and may publish: a seed file can
    name its author, never its reviewer."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"There is no user “{username}”: create the reviewer's account first.")
    if not services.can_publish(user):
        raise CommandError(f"“{username}” cannot publish: only an active reviewer can approve seed verdicts.")
    return user


def load(data, *, base, reviewer=None):
    users = {"author": _seed_user(data["users"]["author"])}
    if reviewer is not None and reviewer.pk == users["author"].pk:
        raise CommandError("The reviewer must be someone other than the seed verdicts' author.")
    users["reviewer"] = reviewer
    _seed_profile(users["author"], data["users"]["author"].get("profile"))
    if reviewer is not None and "organisation" in data:
        _seed_organisation(data["organisation"], reviewer)
    for spec in data["topics"]:
        if not Topic.objects.filter(slug=spec["slug"]).exists():
            services.reference_save(obj=Topic(**spec), by=users["author"])
    for spec in data["claimants"]:
        if not Claimant.objects.filter(slug=spec["slug"]).exists():
            services.claimant_save(claimant=Claimant(**spec), by=users["author"])
    for spec in data["sources"]:
        _seed_source(spec, base)
    created = 0
    for spec in data["claims"]:
        if not Claim.objects.filter(slug=spec["slug"]).exists():
            _seed_claim(spec, users)
            created += 1
    # Higher apps add their seed material for these checks (a failure undoes the whole load).
    events.seeds_loaded.send(sender=None, base=base, users=users)
    return created


def _seed_user(spec):
    if spec.get("group") != "Editors":
        raise CommandError("The seed file's author must be in the Editors group.")
    user, made = get_user_model().objects.get_or_create(
        username=spec["username"],
        defaults={"first_name": spec["first_name"], "last_name": spec["last_name"], "is_staff": True},
    )
    if made:
        # Seed authors exist to sign the seed verdicts; nobody can log in as them.
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=spec["group"]))
    return user


def _seed_profile(user, spec):
    """The author's public profile (the name their bylines show), unless they have one."""
    if spec is None or StaffProfile.objects.filter(user=user).exists():
        return
    services.staff_profile_save(profile=StaffProfile(user=user, **spec), by=user)


def _seed_organisation(spec, reviewer):
    """Ownership and funding for the About page, approved by the named reviewer, where none is entered."""
    ownership = OrganisationText.objects.filter(kind=OrganisationText.Kind.OWNERSHIP).first()
    if ownership is not None and not ownership.body and spec.get("ownership"):
        ownership.body = spec["ownership"]
        services.organisation_save(obj=ownership, by=reviewer, expected_version=ownership.version)
    if not FundingSource.objects.exists():
        for row in spec.get("funding", []):
            services.organisation_save(obj=FundingSource(**{**row, "amount": Decimal(row["amount"])}), by=reviewer)


def _seed_source(spec, base):
    if Source.objects.filter(slug=spec["slug"]).exists():
        return
    fields = {k: v for k, v in spec.items() if k != "snapshot_file"}
    source = Source(**fields)
    source.capture((base / spec["snapshot_file"]).read_text(encoding="utf-8"))
    source.full_clean()
    source.save()


def _seed_claim(spec, users):
    claim = Claim(
        slug=spec["slug"],
        title=spec["title"],
        text=spec["text"],
        kind=spec["kind"],
        claimant=Claimant.objects.get(slug=spec["claimant"]) if spec.get("claimant") else None,
        unattributed=spec.get("unattributed", False),
        made_on=datetime.date.fromisoformat(spec["made_on"]),
        made_at=spec["made_at"],
    )
    services.claim_save(claim=claim, by=users["author"])
    claim.topics.set(Topic.objects.filter(slug__in=spec["topics"]))
    for item in spec["appearances"]:
        appearance = Appearance(
            claim=claim,
            source=Source.objects.get(slug=item["source"]),
            quote=item["quote"],
            seen_on=datetime.date.fromisoformat(item["seen_on"]),
            is_first=item["is_first"],
        )
        appearance.full_clean()
        appearance.save()
    services.unit_record_change(claim=claim, by=users["author"])
    _seed_verdict(claim, spec["verdict"], users)


def _seed_verdict(claim, spec, users):
    verdict = Verdict(
        claim=claim,
        rating=Rating.objects.get(slug=spec["rating"]),
        conclusion=spec["conclusion"],
        analysis=spec["analysis"],
        author=users["author"],
    )
    services.verdict_save(verdict=verdict, by=users["author"])
    for position, item in enumerate(spec["evidence"]):
        evidence = Evidence(
            verdict=verdict, source=Source.objects.get(slug=item["source"]), note=item["note"], position=position
        )
        evidence.full_clean()
        evidence.save()
    services.unit_record_change(claim=claim, by=users["author"])
    # Without a named reviewer nothing goes further than a draft: nobody is invented to approve it.
    if spec["status"] == Verdict.Status.DRAFT or users["reviewer"] is None:
        return
    services.verdict_submit_for_review(verdict=verdict, by=users["author"])
    if spec["status"] == Verdict.Status.IN_REVIEW:
        return
    services.verdict_publish(verdict=verdict, by=users["reviewer"], revision=services.claim_revision(claim))
    if correction := spec.get("correction"):
        # Proposed by the author, approved by the named reviewer: the same two-person rule.
        change = services.verdict_correct(
            verdict=verdict,
            by=users["author"],
            note=correction["note"],
            rating=Rating.objects.get(slug=correction["rating"]),
            conclusion=correction["conclusion"],
            analysis=correction["analysis"],
        )
        services.change_approve(change=change, by=users["reviewer"], revision=change.unit_hash)
