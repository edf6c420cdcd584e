"""`manage.py check --deploy` reports nothing with the production environment of README "Deploying"."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qp2vZ9xL!mR4tW8yB1nC6dF0gH3jK5sA-eU7iO2pX9zV4qT",
    "ALLOWED_HOSTS": "factcheck.example",
    "CSRF_TRUSTED_ORIGINS": "https://factcheck.example",
    "SITE_URL": "https://factcheck.example",
    "SITE_CONTACT_EMAIL": "corrections@factcheck.test",
    "SECURE_HSTS_PRELOAD": "1",
    "STATIC_MANIFEST": "0",
}


def _check_deploy(**overrides):
    # Only the production variables (and the database under test): the test run's own environment
    # (SECURE_SSL_REDIRECT=0, DJANGO_ALLOW_ASYNC_UNSAFE from browser tests...) must not leak in.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "DATABASE_URL") if key in os.environ}
    env.update(PRODUCTION_ENV, **overrides)
    return subprocess.run(  # noqa: S603 - our own manage.py with this interpreter
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_deploy_reports_nothing_in_production():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_names_what_is_missing_when_https_is_turned_off():
    result = _check_deploy(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert result.returncode == 1
    assert "security.W004" in result.stderr  # HSTS
    assert "security.W008" in result.stderr  # HTTPS redirect


def test_production_refuses_to_start_with_the_example_contact_address():
    result = _check_deploy(SITE_CONTACT_EMAIL="corrections@example.org")
    assert result.returncode == 1
    assert (
        "SITE_CONTACT_EMAIL is 'corrections@example.org', a placeholder that reaches nobody: set the address "
        "readers write to."
    ) in result.stderr
    result = _check_deploy(SITE_CONTACT_EMAIL="")
    assert "SITE_CONTACT_EMAIL must be set to the address readers write to (DEBUG is off)." in result.stderr
