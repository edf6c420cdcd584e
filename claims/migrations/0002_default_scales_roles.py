"""Default rating scales, the Editors and Reviewers groups with their permissions, and the single
content-version row."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VERACITY = [
    # label, slug, ordinal, colour, description
    ("True", "true", 5, "#1a7f37", "The statement is accurate and nothing significant is missing."),
    ("Mostly true", "mostly-true", 4, "#4d8a1f", "The statement is accurate but needs clarification or additional information."),
    ("Half true", "half-true", 3, "#9a6700", "The statement is partially accurate but leaves out important details or takes things out of context."),
    ("Mostly false", "mostly-false", 2, "#bc4c00", "The statement contains an element of truth but ignores critical facts that would give a different impression."),
    ("False", "false", 1, "#cf222e", "The statement is not accurate."),
    ("Misleading", "misleading", None, "#8250df", "The statement may be accurate in its parts but, as presented, leads to a false conclusion."),
    ("Needs context", "needs-context", None, "#0969da", "The statement cannot be judged true or false without context that it omits."),
    ("Unproven", "unproven", None, "#57606a", "The evidence available does not settle the statement either way."),
]
PLEDGE = [
    ("Not yet rated", "not-yet-rated", None, "#57606a", "The pledge is recorded; no action to judge has happened yet."),
    ("In the works", "in-the-works", None, "#0969da", "Action to keep the pledge has started."),
    ("Stalled", "stalled", None, "#9a6700", "Action has stopped or is blocked."),
    ("Compromise", "compromise", None, "#8250df", "The pledge was partly kept, or kept in a weaker form."),
    ("Kept", "kept", None, "#1a7f37", "The pledge was kept as made."),
    ("Broken", "broken", None, "#cf222e", "The pledge was not kept, or was abandoned."),
]

EDITOR_PERMS = {
    "claims": ["add_claim", "change_claim", "view_claim", "add_claimant", "change_claimant", "view_claimant",
               "add_topic", "change_topic", "view_topic", "view_rating", "add_appearance", "change_appearance",
               "delete_appearance", "view_appearance", "add_verdict", "change_verdict", "view_verdict",
               "add_evidence", "change_evidence", "delete_evidence", "view_evidence", "view_correction"],
    "sources": ["add_source", "change_source", "view_source", "add_publisher", "change_publisher", "view_publisher"],
}
REVIEWER_EXTRA = {
    "claims": ["publish_verdict", "delete_claim", "delete_claimant", "delete_topic", "add_rating", "change_rating",
               "add_apikey", "change_apikey", "view_apikey"],
    "sources": ["delete_source", "delete_publisher"],
}


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    Rating = apps.get_model("claims", "Rating")
    for scale, rows in (("veracity", VERACITY), ("pledge", PLEDGE)):
        for position, (label, slug, ordinal, colour, description) in enumerate(rows):
            Rating.objects.using(db).update_or_create(
                slug=slug,
                defaults={"scale": scale, "label": label, "ordinal": ordinal, "colour": colour,
                          "description": description, "position": position},
            )
    apps.get_model("claims", "ContentVersion").objects.using(db).get_or_create(pk=1)

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(spec):
        return [Permission.objects.using(db).get(content_type__app_label=app, codename=code)
                for app, codes in spec.items() for code in codes]

    editors, _ = Group.objects.using(db).get_or_create(name="Editors")
    editors.permissions.set(perms(EDITOR_PERMS))
    reviewers, _ = Group.objects.using(db).get_or_create(name="Reviewers")
    reviewers.permissions.set(perms(EDITOR_PERMS) + perms(REVIEWER_EXTRA))


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    apps.get_model("auth", "Group").objects.using(db).filter(name__in=["Editors", "Reviewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
