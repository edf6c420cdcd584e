"""Reviewers, who manage partners' API keys, also manage their webhook endpoints, send deliveries
again, see and delete watches and build the dataset."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWER_PERMS = [
    "add_endpoint",
    "change_endpoint",
    "delete_endpoint",
    "view_endpoint",
    "change_delivery",
    "view_delivery",
    "view_watch",
    "delete_watch",
    "add_datasetversion",
    "view_datasetversion",
]


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("partners")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reviewers, _created = Group.objects.using(db).get_or_create(name="Reviewers")
    perms = Permission.objects.using(db).filter(content_type__app_label="partners", codename__in=REVIEWER_PERMS)
    reviewers.permissions.add(*perms)


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    reviewers = apps.get_model("auth", "Group").objects.using(db).filter(name="Reviewers").first()
    if reviewers is not None:
        reviewers.permissions.remove(
            *Permission.objects.using(db).filter(content_type__app_label="partners", codename__in=REVIEWER_PERMS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("claims", "0002_default_scales_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
