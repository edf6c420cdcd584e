"""Editors and reviewers see and act on proposed changes to public fact-checks (what each may do
with one is decided by claims.services, not by these permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_pendingchange", "change_pendingchange"]


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = list(Permission.objects.using(db).filter(content_type__app_label="claims", codename__in=CODENAMES))
    for group in Group.objects.using(db).filter(name__in=["Editors", "Reviewers"]):
        group.permissions.add(*perms)


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = list(Permission.objects.using(db).filter(content_type__app_label="claims", codename__in=CODENAMES))
    for group in Group.objects.using(db).filter(name__in=["Editors", "Reviewers"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_integrity")]
    operations = [migrations.RunPython(forwards, backwards)]
