"""Requests to addresses a partner chose (webhook endpoints), guarded against server-side request
forgery: only http and https, and only to public addresses. A URL whose host resolves to a private,
loopback, link-local, shared, reserved or multicast address is refused, however it is written
(`localhost`, `127.1`, `[::ffff:127.0.0.1]`, a name that resolves there), unless it lies in one of
settings.WEBHOOK_ALLOWED_NETWORKS (none in production; the tests' local receivers).

The check is made again for every request and every redirect, and the connection goes to the very
address that was checked (TLS still verifies the certificate for the host name), so a name that
resolves to a public address at registration and to an internal one later (DNS rebinding) is
refused when it matters. Only 307 and 308 redirects are followed, at most MAX_REDIRECTS: the others
would turn the POST into a GET and drop the body.

The rules are those of article fetching (intake/fetching.py), whose guard is private to intake and
configured for it: this module keeps its own, with its own setting, rather than import sideways.)"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 3
RESPONSE_EXCERPT = 1024


class UnsafeURL(ValueError):
    """The URL may not be requested; the message says why, in words a partner understands."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    request_target: str
    address: str

    @property
    def host_header(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def is_allowed_address(address):
    """Whether an IP address may be requested: a public one (not private, loopback, link-local,
    shared, reserved, multicast or unspecified), or one in settings.WEBHOOK_ALLOWED_NETWORKS."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    allowed = (ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOK_ALLOWED_NETWORKS)
    if any(ip.version == network.version and ip in network for network in allowed):
        return True
    return ip.is_global and not ip.is_multicast


def check_url(url):
    """The Target to connect to for `url`, or UnsafeURL saying why it may not be requested."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL(_("This is not a valid URL.")) from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(_("Only http and https URLs can receive webhooks."))
    if not parts.hostname:
        raise UnsafeURL(_("The URL has no host name."))
    if parts.username or parts.password:
        raise UnsafeURL(_("Put no user name or password in the URL: verify our signature instead."))
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(parts.hostname, port)
    for address in addresses:
        if not is_allowed_address(address):
            raise UnsafeURL(
                _("%(host)s resolves to %(address)s, a private or reserved address: webhooks go to public ones.")
                % {"host": parts.hostname, "address": address}
            )
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    return Target(parts.scheme, parts.hostname, port, target, addresses[0])


def _resolve(host, port):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeURL(_("The host name %(host)s does not resolve.") % {"host": host}) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeURL(_("The host name %(host)s does not resolve.") % {"host": host})
    return addresses


def post(url, *, body, headers, timeout):
    """POST `body` to `url` through the guard; follows 307/308 redirects (each checked again).
    Returns an Answer with the status and the start of the response; raises UnsafeURL, or
    urllib3's errors for a connection that failed or timed out."""
    for _hop in range(MAX_REDIRECTS + 1):
        target = check_url(url)
        status, location, excerpt = _send(target, body, headers, timeout)
        if status in (307, 308) and location:
            url = urljoin(url, location)
            continue
        return Answer(status, excerpt)
    raise UnsafeURL(_("More than %(n)d redirects.") % {"n": MAX_REDIRECTS})


def _send(target, body, headers, timeout):
    kwargs = {"timeout": urllib3.Timeout(connect=min(timeout, 5), read=timeout), "retries": False, "maxsize": 1}
    if target.scheme == "https":
        # Connect to the checked address; SNI and the certificate check use the host name.
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=target.host,
            assert_hostname=target.host,
            **kwargs,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, **kwargs)
    try:
        response = pool.urlopen(
            "POST",
            target.request_target,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            excerpt = response.read(RESPONSE_EXCERPT, decode_content=False).decode("utf-8", "replace")
        finally:
            response.release_conn()
        return response.status, response.headers.get("Location"), excerpt
    finally:
        pool.close()
