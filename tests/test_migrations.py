import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations(capsys):
    """Fails when a model change has no migration (makemigrations --check exits non-zero)."""
    try:
        call_command("makemigrations", "--check", "--dry-run")
    except SystemExit:
        pytest.fail(f"Missing migrations:\n{capsys.readouterr().out}")
    assert capsys.readouterr().out == "No changes detected\n"
