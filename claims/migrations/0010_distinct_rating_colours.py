"""Rating colours distinct across both scales (True and Kept were one green, Not yet rated and Unproven
one grey), each dark enough for white badge text at WCAG AA. A colour an editor already changed is
kept."""

from django.db import migrations

# slug: (old default, new)
COLOURS = {
    "mostly-true": ("#4d8a1f", "#4b7d0f"),
    "half-true": ("#9a6700", "#8a6100"),
    "mostly-false": ("#bc4c00", "#b35300"),
    "not-yet-rated": ("#57606a", "#6e5a46"),
    "in-the-works": ("#0969da", "#00727d"),
    "stalled": ("#9a6700", "#6f4e9a"),
    "compromise": ("#8250df", "#a8277f"),
    "kept": ("#1a7f37", "#0b6e4f"),
    "broken": ("#cf222e", "#8c1d3d"),
}


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    Rating = apps.get_model("claims", "Rating")
    for slug, (old, new) in COLOURS.items():
        Rating.objects.using(db).filter(slug=slug, colour__iexact=old).update(colour=new)


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias  # the database being migrated, not always default
    Rating = apps.get_model("claims", "Rating")
    for slug, (old, new) in COLOURS.items():
        Rating.objects.using(db).filter(slug=slug, colour__iexact=new).update(colour=old)


class Migration(migrations.Migration):
    dependencies = [("claims", "0009_historicalverdict_return_comment_and_more")]

    operations = [migrations.RunPython(forwards, backwards)]
