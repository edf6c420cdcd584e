"""Strict parsers for settings that come from environment variables.

A typo in production configuration must stop the process at start-up with a message that names
the variable, never fall back silently to a default.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name, default, *, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_float(name, default, *, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


_RATE = re.compile(r"^\d+/(second|minute|hour|day)$")


def env_rate(name, default):
    """A rate limit such as "5/hour": a count, a slash and second, minute, hour or day."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    if not _RATE.match(value) or int(value.split("/")[0]) < 1:
        raise ImproperlyConfigured(
            f"{name} must look like 5/hour (a count per second, minute, hour or day); got {raw!r}."
        )
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name, default):
    """Parse DATABASE_URL with dj-database-url; only SQLite and PostgreSQL are supported."""
    return _database_url(name, os.environ.get(name) or default)


def _database_url(name, raw):
    import dj_database_url

    try:
        config = dj_database_url.parse(raw)
    except Exception as exc:  # dj-database-url raises several types for a malformed URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL ({exc}); got {raw!r}.") from None
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise ImproperlyConfigured(
            f"{name} must be a sqlite:/// or postgres:// URL; got engine {engine or 'unknown'!r}."
        )
    return config


def env_database_list(name, *, primary):
    """A comma-separated list of postgres:// URLs: read replicas (streaming standbys) of the
    `primary` database, each parsed as strictly as DATABASE_URL. Unset or empty: no replicas."""
    urls = env_list(name)
    if urls and primary.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{name} needs a PostgreSQL DATABASE_URL: replicas are PostgreSQL standbys.")
    configs = []
    for number, url in enumerate(urls, start=1):
        config = _database_url(f"{name} (item {number})", url)
        if config["ENGINE"] != "django.db.backends.postgresql" or not config.get("NAME"):
            raise ImproperlyConfigured(
                f"{name} (item {number}) must be a postgres://user@host:port/name URL; got {url!r}."
            )
        configs.append(config)
    return configs


# Domains reserved for examples and documentation (RFC 2606, RFC 6761): mail sent there reaches nobody.
_PLACEHOLDER_DOMAINS = ("example.com", "example.net", "example.org", "localhost")
_PLACEHOLDER_SUFFIXES = (".example", ".invalid", ".localhost", ".example.com", ".example.net", ".example.org")


def env_email(name, default, *, production):
    """An email address readers are shown. In production (`production`) it must be set, and not to a
    placeholder such as corrections@example.org: readers would write to nobody."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    value = os.environ.get(name, default).strip()
    if not value:
        if production:
            raise ImproperlyConfigured(f"{name} must be set to the address readers write to (DEBUG is off).")
        return value
    try:
        validate_email(value)
    except ValidationError:
        raise ImproperlyConfigured(f"{name} must be an email address; got {value!r}.") from None
    domain = value.rsplit("@", 1)[1].lower()
    if production and (domain in _PLACEHOLDER_DOMAINS or domain.endswith(_PLACEHOLDER_SUFFIXES)):
        raise ImproperlyConfigured(
            f"{name} is {value!r}, a placeholder that reaches nobody: set the address readers write to."
        )
    return value
