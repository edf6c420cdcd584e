"""Security headers on every kind of response, cookie flags, login lockout and two-factor sign-in."""

import base64
import contextlib
import datetime
import hashlib
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, make_verdict

PASSWORD = "correct-horse-battery"
EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), browsing-topics=()"
)


def _csp(response):
    directives = [part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")]
    return dict(directives)


def _named_paths(names, **kwargs):
    paths = []
    for name in names:
        with contextlib.suppress(NoReverseMatch):
            paths.append(reverse(name, kwargs=kwargs or None))
    return paths


def _pages(claim_slug):
    """A public page of each kind that exists, an API list and detail, the API docs, the admin
    login and the health endpoints."""
    return [
        "/admin/login/",
        "/healthz",
        "/readyz",
        *_named_paths(
            [
                "claims:home",
                "claims:claim_list",
                "claims:ratings",
                "claims:corrections",
                "claims:feed_verdicts_rss",
                "sitemap",
                "api:claim-list",
                "api:docs",
                "api:schema",
            ]
        ),
        *_named_paths(["claims:claim_detail", "api:claim-detail"], slug=claim_slug),
    ]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Many logins here; the production hasher would make each one take a fifth of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def published(db):
    return make_verdict(slug="secure-claim")


def test_every_kind_of_response_carries_the_security_headers(client, published):
    paths = _pages("secure-claim")
    assert "/claims/secure-claim/" in paths  # the readers' pages exist; the API ones are checked when wired
    for path in paths:
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert _csp(response) == EXPECTED_CSP, path
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path


def test_error_pages_carry_the_headers_too(client, db):
    response = client.get("/no-such-page/", secure=True)
    assert response.status_code == 404
    assert _csp(response) == EXPECTED_CSP
    assert response["X-Frame-Options"] == "DENY"


def test_the_policy_allows_no_inline_script_or_eval(client, db):
    header = client.get("/admin/login/")["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "*" not in header


def _inline_code(html):
    """Inline scripts (other than data blocks such as JSON-LD) and inline styles in a page."""
    scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and "application/ld+json" not in tag and "application/json" not in tag
    ]
    styles = re.findall(r"<style\b[^>]*>(.*?)</style>", html, flags=re.S)
    attributes = re.findall(r"<[^>]+\sstyle=\"[^\"]*\"", html)
    return scripts, styles, attributes


def test_pages_and_the_admin_have_no_inline_code_the_policy_would_block(admin_client, published):
    claim = published.claim
    paths = [
        *[p for p in _pages("secure-claim") if p not in ("/healthz", "/readyz", "/admin/login/")],
        "/admin/",
        reverse("admin:claims_claim_changelist"),
        reverse("admin:claims_claim_change", args=[claim.pk]),
        reverse("admin:claims_verdict_change", args=[published.pk]),
        reverse("admin:claims_claim_add"),
    ]
    for path in paths:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        if not response["Content-Type"].startswith("text/html"):
            continue
        scripts, styles, attributes = _inline_code(response.content.decode())
        assert scripts == [], path
        assert attributes == [], path
        allowed = _csp(response)["style-src"]
        for style in styles:  # Swagger UI's one <style>, allowed by its hash
            digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, path


def test_the_login_page_has_no_inline_code(client, db):
    assert _inline_code(client.get("/admin/login/").content.decode()) == ([], [], [])


def test_cookies_are_secure_httponly_and_samesite(client, db):
    UserFactory(username="cookie-editor", group="Editors")
    response = client.get("/admin/login/")
    csrf = response.cookies["csrftoken"]
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, True, "Lax")
    response = client.post(
        "/admin/login/",
        {"username": "cookie-editor", "password": PASSWORD, "csrfmiddlewaretoken": csrf.value, "next": "/admin/"},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")


def test_the_admin_still_refuses_a_post_without_a_csrf_token(db):
    # Readers' pages answer 405 before the CSRF check; forms that change something keep it.
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "The form could not be sent: its security check failed." in response.content.decode()


# --- Login lockout -------------------------------------------------------------------------------


def _login(client, username, password, token=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": token, "next": "/admin/"},
    )


def test_an_account_is_locked_after_five_failed_logins_with_a_clear_message(client, editor):
    for _ in range(4):
        response = _login(client, editor.username, "wrong password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = _login(client, editor.username, "wrong password")
    assert response.status_code == 429
    content = response.content.decode()
    assert "This account is locked after 5 failed sign-in attempts." in content
    assert "Try again in 15 minutes, or ask an administrator to unlock it" in content
    # Even the right password is refused while the lock lasts.
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The refused attempt counts too, and restarts the cool-off.
    assert AccessAttempt.objects.get(username=editor.username).failures_since_start == 6


def test_the_lockout_says_when_to_retry_in_retry_after(client, editor):
    for _ in range(5):
        response = _login(client, editor.username, "wrong password")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"  # LOGIN_LOCKOUT_MINUTES (15) in seconds
    # Every refused attempt restarts the cool-off, so each lockout answer names the whole period.
    assert _login(client, editor.username, PASSWORD)["Retry-After"] == "900"


def test_retry_after_follows_the_lockout_setting(client, editor, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=2)
    for _ in range(5):
        response = _login(client, editor.username, "wrong password")
    assert (response.status_code, response["Retry-After"]) == (429, "120")
    assert "Try again in 2 minutes" in response.content.decode()


def test_a_lockout_from_one_address_holds_from_another(editor):
    for _ in range(5):
        _login(Client(REMOTE_ADDR="203.0.113.5"), editor.username, "wrong password")
    assert _login(Client(REMOTE_ADDR="198.51.100.7"), editor.username, PASSWORD).status_code == 429


def test_a_successful_login_resets_the_failure_count(client, editor):
    for _ in range(4):
        _login(client, editor.username, "wrong password")
    assert _login(client, editor.username, PASSWORD).status_code == 302
    client.logout()
    assert _login(client, editor.username, "wrong password").status_code == 200
    assert AccessAttempt.objects.get(username=editor.username).failures_since_start == 1


def test_administrators_see_and_clear_lockouts_in_the_admin(admin_client, editor):
    for _ in range(5):
        _login(Client(), editor.username, "wrong password")
    response = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert editor.username in response.content.decode()
    attempt = AccessAttempt.objects.get(username=editor.username)
    response = admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert _login(Client(), editor.username, PASSWORD).status_code == 302


# --- Two-factor sign-in --------------------------------------------------------------------------


def _device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def test_staff_without_an_authenticator_sign_in_with_the_password_alone(client, editor):
    assert _login(client, editor.username, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_with_an_authenticator_must_give_its_code(client, editor):
    device = _device(editor)
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 200
    assert "Enter the six-digit code from your authenticator app." in response.content.decode()
    response = _login(client, editor.username, PASSWORD, token=_code(device))
    assert response.status_code == 302
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_wrong_code_is_refused(client, editor):
    device = _device(editor)
    response = _login(client, editor.username, PASSWORD, token="000000" if _code(device) != "000000" else "111111")
    assert response.status_code == 200
    assert "That code is wrong or has expired." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_login_page_asks_for_the_code(client, db):
    content = client.get("/admin/login/").content.decode()
    assert '<label for="id_otp_token">Authentication code:</label>' in content
    assert 'autocomplete="one-time-code"' in content


def test_mandatory_two_factor_refuses_a_reviewer_without_an_authenticator(client, reviewer, settings):
    settings.OTP_REQUIRED_FOR_REVIEWERS = True
    response = _login(client, reviewer.username, PASSWORD)
    assert response.status_code == 200
    assert "Reviewers must sign in with a two-factor code, and your account has no authenticator app set up yet." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_mandatory_two_factor_lets_a_reviewer_in_with_a_code(client, reviewer, settings):
    settings.OTP_REQUIRED_FOR_REVIEWERS = True
    device = _device(reviewer)
    assert _login(client, reviewer.username, PASSWORD, token=_code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_mandatory_two_factor_does_not_concern_editors(client, editor, settings):
    settings.OTP_REQUIRED_FOR_REVIEWERS = True
    assert _login(client, editor.username, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_mandatory_two_factor_refuses_an_unconfirmed_reviewer_session(reviewer_client, settings):
    settings.OTP_REQUIRED_FOR_REVIEWERS = True
    response = reviewer_client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Two-factor authentication required" in content
    assert "this session was opened without one" in content
    assert reviewer_client.get("/").status_code == 200  # the public site is not concerned


def test_an_administrator_sets_up_a_device_and_shows_its_qr_code(admin_client, editor):
    response = admin_client.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": editor.pk,
            "name": "Erin's phone",
            "key": "3132333435363738393031323334353637383930",
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "confirmed": "on",
            "throttling_failure_count": 0,
        },
    )
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=editor)
    assert (device.name, device.confirmed) == ("Erin's phone", True)
    image = admin_client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/svg+xml"
    assert image.content.startswith(b"<?xml")
