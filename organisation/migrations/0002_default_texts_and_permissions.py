"""The editorial texts the About and methodology pages showed when they were templates (now kept in
the admin), and who may change what: every staff member their own public profile, reviewers the
funding sources and texts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEXTS = {
    "who_we_are": (
        "We are an independent editorial team. We check claims on their merits, whoever makes them, and we "
        "apply the same standards to every side. Every verdict names the editor who wrote it and the editor "
        "who reviewed it."
    ),
    # Only the organisation can say who owns it: empty (and not shown) until a reviewer writes it.
    "ownership": "",
    "funding": (
        "We list every source of our income, with its amount, year by year. No funder has a say in what we "
        "check or in our verdicts."
    ),
    "methodology": (
        "1. We record the claim as it was made: who said it, when and where, and every place it was repeated.\n"
        "2. We gather evidence from primary sources where we can, and capture each source's text so that it "
        "survives if the page changes or disappears.\n"
        "3. An editor writes the verdict; a second editor reviews it. Nobody publishes their own verdict.\n"
        "4. If we get something wrong, we correct it on the claim's page and in our corrections log."
    ),
    "corrections_policy": (
        "When we get something wrong, we fix it on the claim's page and say what changed, when and why. A change "
        "of rating or pledge status, a rewritten conclusion, a clarification or an update each get a dated note "
        "in the verdict's history. If a verdict cannot stand, we retract it: its page stays online and says "
        "that it was retracted, when and why, and its history keeps every earlier correction."
    ),
}

EVERY_STAFF_MEMBER = ["add_staffprofile", "change_staffprofile", "view_staffprofile", "view_fundingsource",
                      "view_organisationtext"]
REVIEWERS = ["add_fundingsource", "change_fundingsource", "delete_fundingsource", "change_organisationtext"]


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    OrganisationText = apps.get_model("organisation", "OrganisationText")
    for kind, body in TEXTS.items():
        OrganisationText.objects.using(db).get_or_create(kind=kind, defaults={"body": body})
    app_config = apps.get_app_config("organisation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editors", EVERY_STAFF_MEMBER), ("Reviewers", EVERY_STAFF_MEMBER + REVIEWERS)):
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.using(db).filter(content_type__app_label="organisation", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        ("claims", "0002_default_scales_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
