"""The seed checks in other languages (seeds/*.<language>.json), loaded with the seeds by
`loadseeds` (claims.events.seeds_loaded). Through the services: the translator writes and submits,
the reviewer `loadseeds --reviewer` names publishes the translations of published checks. Without a
reviewer everything stays a draft; running it twice changes nothing."""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError

from claims.models import Claim, Evidence, Verdict
from claims.services import staff_profile_save
from organisation.models import StaffProfile
from translations import services
from translations.models import ClaimTranslation

SEED_FILES = ("putin-ceasefire.uk.json",)


def load(*, base, reviewer=None):
    for name in SEED_FILES:
        path = base / name
        if path.exists():
            load_file(json.loads(path.read_text(encoding="utf-8")), reviewer=reviewer)


def load_file(data, *, reviewer=None):
    translator = _seed_translator(data["translator"])
    if reviewer is not None and reviewer.pk == translator.pk:
        raise CommandError("The reviewer must be someone other than the seed translations' translator.")
    for spec in data["translations"]:
        claim = Claim.objects.filter(slug=spec["slug"]).first()
        if claim is None or ClaimTranslation.objects.filter(claim=claim, language=data["language"]).exists():
            continue
        _seed_translation(claim, data["language"], spec, translator, reviewer)


def _seed_translator(spec):
    user, made = get_user_model().objects.get_or_create(
        username=spec["username"],
        defaults={"first_name": spec["first_name"], "last_name": spec["last_name"], "is_staff": True},
    )
    if made:
        # Like the seed author: the account signs the seed translations; nobody can log in as it.
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=spec["group"]))
    if spec.get("profile") and not StaffProfile.objects.filter(user=user).exists():
        staff_profile_save(profile=StaffProfile(user=user, **spec["profile"]), by=user)
    return user


def _seed_translation(claim, language, spec, translator, reviewer):
    evidence = Evidence.objects.filter(verdict__claim=claim).order_by("position", "pk").values_list("pk", flat=True)
    notes = {str(pk): note for pk, note in zip(evidence, spec["evidence_notes"], strict=False)}
    translation = ClaimTranslation(
        claim=claim,
        language=language,
        title=spec["title"],
        text=spec["text"],
        claim_reviewed=spec.get("claim_reviewed", ""),
        conclusion=spec["conclusion"],
        analysis=spec["analysis"],
        evidence_notes=notes,
    )
    services.translation_save(translation=translation, by=translator)
    if reviewer is None:
        return
    services.translation_submit(translation=translation, by=translator)
    if Verdict.objects.filter(claim=claim, status=Verdict.Status.PUBLISHED).exists():
        services.translation_publish(translation=translation, by=reviewer, expected_version=translation.version)
