"""Editors and reviewers work the desk: assignments, internal comments and reader tips. (What each
may do with them is decided by desk.services.)"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = ["view_assignment", "add_assignment", "change_assignment", "view_comment", "add_comment",
           "view_tip", "change_tip"]
REVIEWERS = EDITORS + ["delete_tip"]


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Editors", EDITORS), ("Reviewers", REVIEWERS)):
        group = Group.objects.using(db).filter(name=name).first()
        if group:
            group.permissions.add(*Permission.objects.using(db).filter(content_type__app_label="desk", codename__in=codenames))


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.using(db).filter(name__in=["Editors", "Reviewers"]):
        group.permissions.remove(*Permission.objects.using(db).filter(content_type__app_label="desk"))


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial"), ("claims", "0008_pending_change_permissions")]
    operations = [migrations.RunPython(forwards, backwards)]
