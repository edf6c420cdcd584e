"""Editor sign-in: login throttling (django-axes) and optional TOTP two-factor codes (django-otp).

The admin login form asks for a code from an authenticator app. The code is required from staff
who have set up a TOTP device, and from everyone who can publish when OTP_REQUIRED_FOR_REVIEWERS
is on; other staff may leave it empty.
"""

from axes.backends import AxesStandaloneBackend
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims.services import can_publish


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes counts failed logins per request. A call without a request (a management command, the
    test client's login()) has no client to throttle, so it is left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows once an account is locked: how long, and who can unlock it.
    Retry-After is the whole cool-off: every refused attempt starts it again."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": seconds // 60}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def two_factor_required(user):
    """Whether this user must confirm their login with a TOTP code."""
    if settings.OTP_REQUIRED_FOR_REVIEWERS and can_publish(user):
        return True
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


class EditorLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_(
            "The six digits your authenticator app shows. Leave empty if you have not set up two-factor authentication."
        ),
    )

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the six-digit code from your authenticator app."),
        "invalid_token": _("That code is wrong or has expired. Enter the code your authenticator app shows now."),
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and two_factor_required(user):
            self._check_code(user)
        return cleaned

    def _check_code(self, user):
        device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        if device is None:
            raise forms.ValidationError(
                _(
                    "Reviewers must sign in with a two-factor code, and your account has no authenticator app set up "
                    "yet. Ask an administrator to add a TOTP device for you."
                ),
                code="no_device",
            )
        token = self.cleaned_data.get("otp_token", "").strip()
        if not token:
            raise forms.ValidationError(self.otp_error_messages["token_required"], code="token_required")
        # Sets user.otp_device; django-otp marks the session verified when the login completes.
        user.otp_device = self._verify_token(user, token, device)
