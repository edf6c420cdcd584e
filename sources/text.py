"""Text hygiene at input, shared by every app (sources is the lowest layer)."""

import re

# C0 controls and DEL, except tab, line feed and carriage return. XML 1.0 (the feeds) cannot carry
# them at all, and readers never mean them: word processors paste a vertical tab for Shift+Enter.
_LINE_BREAKS = re.compile(r"[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def strip_controls(value):
    """`value` with line-breaking controls turned into newlines and other control characters removed."""
    if not isinstance(value, str):
        return value
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


class CleanTextModel:
    """A model mixin: full_clean() (every form and service runs it) removes control characters from
    every text field before validation, so they are never stored."""

    def clean_fields(self, exclude=None):
        for field in self._meta.concrete_fields:
            if field.get_internal_type() in ("CharField", "TextField", "SlugField", "URLField", "EmailField"):
                value = getattr(self, field.attname)
                cleaned = strip_controls(value)
                if cleaned != value:
                    setattr(self, field.attname, cleaned)
        super().clean_fields(exclude=exclude)
