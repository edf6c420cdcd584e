"""Fetching an article from a URL an editor gave, with guards: the site must not be turned into a
way to reach the machines around it (server-side request forgery) or to exhaust its workers.

- http and https only, no credentials in the URL;
- the host's resolved address must be public: private, loopback, link-local, reserved, multicast
  and unspecified addresses are refused unless settings.INTAKE_FETCH_ALLOWED_NETWORKS lists them
  (the tests allow their local server's address that way). The connection goes to the address that
  was checked, so a name that resolves differently a moment later (DNS rebinding) gains nothing;
- every redirect is checked the same way, at most INTAKE_FETCH_MAX_REDIRECTS of them;
- HTML or plain text only (by Content-Type);
- at most INTAKE_FETCH_MAX_BYTES, counted after decompression, and at most INTAKE_FETCH_TIMEOUT
  seconds for the whole fetch (not only per read: a server that trickles bytes is cut off too).
Each refusal raises FetchError with a message for the editor.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from intake.cleaning import HTML_TYPES, TEXT_TYPES, IntakeError

USER_AGENT = "FactcheckDesk-Intake/1.0 (+article import for fact-checkers)"
REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(IntakeError):
    pass


@dataclass
class Fetched:
    url: str
    content_type: str
    charset: str
    body: bytes


def fetch(url):
    """GET `url` under the guards above and return the Fetched page."""
    deadline = time.monotonic() + settings.INTAKE_FETCH_TIMEOUT
    for _hop in range(settings.INTAKE_FETCH_MAX_REDIRECTS + 1):
        parts = _checked_url(url)
        address = _public_address(parts)
        response = _get(parts, address, deadline)
        try:
            if response.status not in REDIRECTS:
                return _read(url, response, deadline)
            location = response.headers.get("Location")
            if not location:
                raise FetchError(
                    _("The page at %(url)s redirects without saying where to.") % {"url": url}, code="bad_redirect"
                )
            url = urljoin(url, location)
        finally:
            response.release_conn()
    raise FetchError(
        _("The page redirected more than %(count)d times; the last address was %(url)s.")
        % {"count": settings.INTAKE_FETCH_MAX_REDIRECTS, "url": url},
        code="too_many_redirects",
    )


def _checked_url(url):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(_("Only http:// and https:// addresses can be imported."), code="scheme")
    if not parts.hostname:
        raise FetchError(_("“%(url)s” has no host name.") % {"url": url}, code="host")
    if parts.username or parts.password:
        raise FetchError(_("Addresses with a user name or password in them are not fetched."), code="credentials")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number or out of range
    except ValueError:
        raise FetchError(_("“%(url)s” has an invalid port.") % {"url": url}, code="host") from None
    return parts


def _public_address(parts):
    """The first address the host resolves to, if every one of them may be fetched."""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(_("The host “%(host)s” could not be found.") % {"host": parts.hostname}, code="dns") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        _check_address(parts.hostname, ipaddress.ip_address(address.split("%")[0]))
    return addresses[0]


# The first that applies names the refusal (169.254.0.0/16 is private as well as link-local, say).
_NOT_PUBLIC = [
    (pgettext_lazy("address kind", "a loopback"), lambda ip: ip.is_loopback),
    (pgettext_lazy("address kind", "a link-local"), lambda ip: ip.is_link_local),
    (pgettext_lazy("address kind", "a multicast"), lambda ip: ip.is_multicast),
    (pgettext_lazy("address kind", "a reserved"), lambda ip: ip.is_unspecified or ip.is_reserved),
    (pgettext_lazy("address kind", "a private"), lambda ip: ip.is_private),
    (pgettext_lazy("address kind", "a reserved"), lambda ip: not ip.is_global),
]


def _check_address(host, ip):
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    allowed = [ipaddress.ip_network(n, strict=False) for n in settings.INTAKE_FETCH_ALLOWED_NETWORKS]
    if any(ip.version == net.version and ip in net for net in allowed):
        return
    kind = next((name for name, test in _NOT_PUBLIC if test(ip)), "")
    if kind:
        raise FetchError(
            _("“%(host)s” resolves to %(ip)s, %(kind)s address: only pages on the public internet are fetched.")
            % {"host": host, "ip": ip, "kind": kind},
            code="private_address",
        )


def _get(parts, address, deadline):
    remaining = max(0.1, deadline - time.monotonic())
    timeout = urllib3.Timeout(connect=min(remaining, settings.INTAKE_FETCH_TIMEOUT), read=remaining)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https":
        # Connect to the checked address, but verify the certificate for the host name.
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = parts.hostname if not parts.port else f"{parts.hostname}:{parts.port}"
    headers = {
        "Host": host,
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
        "Accept-Encoding": "gzip, deflate",
    }
    try:
        return pool.urlopen("GET", path, headers=headers, redirect=False, preload_content=False, decode_content=True)
    except urllib3.exceptions.NewConnectionError as exc:  # before TimeoutError: urllib3 makes it a subclass
        raise FetchError(
            _("%(host)s could not be reached (%(reason)s).") % {"host": parts.hostname, "reason": _reason(exc)},
            code="connection",
        ) from None
    except urllib3.exceptions.TimeoutError:
        raise _timeout() from None
    except urllib3.exceptions.SSLError as exc:
        raise FetchError(
            _("The secure connection to %(host)s failed: %(error)s.") % {"host": parts.hostname, "error": exc},
            code="tls",
        ) from None
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(
            _("%(host)s could not be reached (%(reason)s).") % {"host": parts.hostname, "reason": _reason(exc)},
            code="connection",
        ) from None


def _reason(exc):
    return str(getattr(exc, "reason", None) or exc).split(": ", 1)[-1]


def _timeout():
    return FetchError(
        _("The page took longer than %(seconds)s seconds to arrive; try again later, or paste its text.")
        % {"seconds": f"{settings.INTAKE_FETCH_TIMEOUT:g}"},
        code="timeout",
    )


def _read(url, response, deadline):
    if response.status != 200:
        raise FetchError(
            _("The page at %(url)s answered HTTP %(status)s, not the article.")
            % {"url": url, "status": response.status},
            code="status",
        )
    content_type, charset = _content_type(response.headers.get("Content-Type", ""))
    if content_type not in HTML_TYPES + TEXT_TYPES:
        raise FetchError(
            _("The address serves %(type)s, not a web page or plain text: only HTML and text are imported.")
            % {"type": content_type or _("an unnamed type")},
            code="content_type",
        )
    limit = settings.INTAKE_FETCH_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_big(limit)
    body = bytearray()
    try:
        for chunk in response.stream(64 * 1024):
            body += chunk
            if len(body) > limit:
                raise _too_big(limit)
            if time.monotonic() > deadline:
                raise _timeout()
    except urllib3.exceptions.TimeoutError:
        raise _timeout() from None
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(
            _("The page could not be read to its end (%(reason)s).") % {"reason": _reason(exc)}, code="connection"
        ) from None
    return Fetched(url=url, content_type=content_type, charset=charset, body=bytes(body))


def _content_type(header):
    message = Message()
    message["Content-Type"] = header
    return (message.get_content_type() if header else ""), (message.get_content_charset() or "")


def _too_big(limit):
    return FetchError(
        _("The page is larger than %(size)s KB, the most that is imported. Paste the article's text instead.")
        % {"size": intcomma(limit // 1024)},
        code="too_big",
    )
