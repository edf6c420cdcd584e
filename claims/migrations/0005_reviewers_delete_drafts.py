"""Reviewers may delete a draft claim with its verdict (published ones are retracted, never
deleted: the admin refuses that)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=db)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reviewers = Group.objects.using(db).filter(name="Reviewers").first()
    if reviewers:
        reviewers.permissions.add(Permission.objects.using(db).get(content_type__app_label="claims", codename="delete_verdict"))


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reviewers = Group.objects.using(db).filter(name="Reviewers").first()
    if reviewers:
        reviewers.permissions.remove(Permission.objects.using(db).get(content_type__app_label="claims", codename="delete_verdict"))


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_published_index")]
    operations = [migrations.RunPython(forwards, backwards)]
