from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from desk.models import NotificationPreference, Tip
from desk.notifications import KINDS
from sources.text import strip_controls


class CleanCharField(forms.CharField):
    """Control characters are removed before validation (as the models do at full_clean), so a NUL
    or a pasted vertical tab is dropped rather than refused."""

    def to_python(self, value):
        return super().to_python(strip_controls(value))


TOO_LONG = _("Please shorten this to %(limit_value)s characters at most (it has %(show_value)s).")


class TipForm(forms.Form):
    """The readers' "Suggest a claim to check" form. `subject` is a honeypot: hidden from people by
    a stylesheet class, filled in by form-filling robots."""

    text = CleanCharField(
        label=_("The claim you want us to check"),
        max_length=Tip._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Quote it as closely as you can, with who said it if you know."),
        error_messages={"required": _("Tell us the claim you want us to check."), "max_length": TOO_LONG},
    )
    where_seen = CleanCharField(
        label=_("Where did you see or hear it? (optional)"),
        max_length=Tip._meta.get_field("where_seen").max_length,
        required=False,
        help_text=_("E.g. a television debate, a post on a social network, a leaflet."),
        error_messages={"max_length": TOO_LONG},
    )
    url = forms.URLField(
        label=_("Link (optional)"),
        max_length=Tip._meta.get_field("url").max_length,
        required=False,
        assume_scheme="https",
        help_text=_("The address of the page, if it is online."),
        error_messages={"invalid": _("Enter a web address starting with https:// or http://.")},
    )
    email = forms.EmailField(
        label=_("Your email, if you would like a reply (optional)"),
        max_length=Tip._meta.get_field("email").max_length,
        required=False,
        help_text=_("We use it only to answer you, and never publish it."),
        error_messages={"invalid": _("Enter an email address such as name@example.org, or leave it empty.")},
    )
    subject = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_robot(self):
        return bool(self.cleaned_data.get("subject"))

    def tip_fields(self):
        return {name: self.cleaned_data[name] for name in ("text", "where_seen", "url", "email")}

    def add_refusal(self, exc: ValidationError):
        """Show a service's refusal on the fields it names."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class TipDismissForm(forms.Form):
    reason = CleanCharField(
        label=_("Why is it dismissed?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the tip for the desk, e.g. “already checked”, “not a claim”, “spam”."),
        error_messages={"required": _("Say why the tip is dismissed (e.g. already checked, not a claim, spam).")},
    )


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = list(KINDS)
