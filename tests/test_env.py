"""Strict parsing of settings from the environment (factcheck/env.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from factcheck.env import env_rate


@pytest.mark.parametrize(("raw", "value"), [("5/hour", "5/hour"), (" 100/minute ", "100/minute"), ("", "5/hour")])
def test_env_rate_reads_a_count_per_period(monkeypatch, raw, value):
    monkeypatch.setenv("TIPS_RATE", raw)
    assert env_rate("TIPS_RATE", "5/hour") == value


@pytest.mark.parametrize("raw", ["5", "5/week", "five/hour", "0/hour", "-1/hour", "5/h", "5 per hour"])
def test_env_rate_refuses_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("TIPS_RATE", raw)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_rate("TIPS_RATE", "5/hour")
    assert str(refused.value) == (
        f"TIPS_RATE must look like 5/hour (a count per second, minute, hour or day); got {raw!r}."
    )
