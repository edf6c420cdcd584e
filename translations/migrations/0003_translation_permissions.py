"""Editors and reviewers translate checks (what each may do with a translation is decided by
translations.services: reviewers publish, never their own)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_claimtranslation", "add_claimtranslation", "change_claimtranslation", "view_publishedtranslation"]


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.using(db).filter(name__in=["Editors", "Reviewers"]):
        group.permissions.add(
            *Permission.objects.using(db).filter(content_type__app_label="translations", codename__in=CODENAMES)
        )


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.using(db).filter(name__in=["Editors", "Reviewers"]):
        group.permissions.remove(*Permission.objects.using(db).filter(content_type__app_label="translations"))


class Migration(migrations.Migration):
    dependencies = [("translations", "0002_postgres_search"), ("claims", "0008_pending_change_permissions")]
    operations = [migrations.RunPython(forwards, backwards)]
