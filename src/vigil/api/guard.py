"""Same-origin guard and security headers for every request the server answers (API and UI).

One plain ASGI middleware (`Guard`), in front of every route, on every server configuration
(loopback without keys, `--require-auth`, a public host behind a proxy):

1. **Host allow-list** (DNS rebinding). A page on `evil.example` whose name an attacker re-points
   at 127.0.0.1 reaches the loopback server with `Host: evil.example`. Allowed: localhost names
   (`localhost`, `*.localhost`), any IP address literal (a browser only sends one when the page's own
   origin is that address, so rebinding cannot produce it), the address the connection arrived at,
   this machine's host name, the `vigil serve --host` name, and `VIGIL_ALLOWED_HOSTS`. Anything
   else: 421 Misdirected Request before any route runs.
2. **Same origin for every state change** (CSRF). A POST, PUT, PATCH or DELETE whose `Origin` (or,
   without one, `Referer`) names another origin, whose `Origin` is `null`, or whose
   `Sec-Fetch-Site` says `cross-site`/`same-site` is refused with 403. Browsers send these headers
   on every cross-origin form post and fetch; requests without any of them come from programs
   (curl, yente-client, OpenRefine's server), which cannot ride on a browser's cookies or on its
   network position. A request that carries an API key in a header (`X-API-Key`, `Authorization:
   Bearer`) is the API client's own, not a browser's riding on ambient credentials (browsers only add
   such headers to cross-origin requests after a CORS pre-flight, which this server never grants), so
   it is let through. UI forms carry a per-session token besides (`vigil.web.csrf`).
3. **Security headers** on every response: a Content-Security-Policy without inline script
   (`frame-ancestors 'none'`), `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff` and
   `Referrer-Policy: same-origin`. A route may set its own CSP (the docs pages' script hashes, the
   reconciliation preview that OpenRefine frames); the guard then keeps it.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Iterable
from urllib.parse import urlsplit

import orjson

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# The UI's policy: scripts and styles only from our own static files; nothing may frame a page.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def split_host(value: str) -> tuple[str, str | None]:
    """`Host`/netloc -> (lower-case host without brackets or trailing dot, port or None)."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return value, None
        host, rest = value[1:end], value[end + 1:]
        port = rest[1:] if rest.startswith(":") else None
        return host, port or None
    host, sep, port = value.rpartition(":")
    if sep and port.isdigit() and ":" not in host:
        return host.rstrip("."), port
    return value.rstrip("."), None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class HostPolicy:
    """Which `Host` values the server answers to (see the module docstring)."""

    def __init__(self, names: Iterable[str] = ()):
        exact, suffixes = set(LOCAL_NAMES), [".localhost"]
        self.any = False
        for name in names:
            name = name.strip().lower().rstrip(".")
            if not name:
                continue
            if name == "*":
                self.any = True
            elif name.startswith("*."):
                suffixes.append(name[1:])
            elif name.startswith("["):
                exact.add(name.strip("[]"))
            else:
                exact.add(name)
        try:
            exact.add(socket.gethostname().lower())
        except OSError:  # pragma: no cover - no host name
            pass
        self.exact = frozenset(exact)
        self.suffixes = tuple(suffixes)

    def allows(self, host_header: str | None, server: tuple | None = None) -> bool:
        if self.any or host_header is None:  # HTTP/1.0 without Host: not a browser
            return True
        host, _ = split_host(host_header)
        if not host:
            return False
        if host in self.exact or host.endswith(self.suffixes) or _is_ip(host):
            return True
        if server and server[0] and str(server[0]).lower().strip("[]") == host:
            return True  # the address the connection arrived at (TestClient's "testserver" too)
        return False


def _netloc(url_or_host: str, scheme: str | None) -> str | None:
    """host[:port] with the scheme's default port dropped, or None when unparsable."""
    if scheme is None:
        parts = urlsplit(url_or_host)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
        scheme, netloc = parts.scheme, parts.netloc.rpartition("@")[2]
    else:
        netloc = url_or_host
    host, port = split_host(netloc)
    if port and (scheme, port) in (("http", "80"), ("https", "443")):
        port = None
    return f"{host}:{port}" if port else host


def carries_api_key(headers) -> bool:
    """An API key in a header a browser never adds by itself: `X-API-Key`, or `Authorization: Bearer|ApiKey`.

    Another origin's page can only send these after a CORS pre-flight, which this server never grants, so a
    request with one is a program's (or the user's own script's), whatever cookies it also carries. Basic and
    Negotiate credentials are not exempt: browsers replay them automatically (a proxy's basic auth)."""
    if headers.get("x-api-key", "").strip():
        return True
    scheme, _, value = headers.get("authorization", "").strip().partition(" ")
    return scheme.lower() in ("bearer", "apikey") and bool(value.strip())


def cross_origin_reason(method: str, headers: dict[str, str], scheme: str) -> str | None:
    """Why this request must be refused as a cross-site state change, or None when it may proceed."""
    if method in SAFE_METHODS:
        return None
    if carries_api_key(headers):
        return None  # an API client sending its own key: nothing ambient for another site to ride on
    own = _netloc(headers.get("host", ""), scheme) if headers.get("host") else None
    origin = headers.get("origin")
    if origin is not None:
        origin = origin.strip()
        if origin.lower() == "null":
            return "the request comes from an opaque origin (Origin: null)"
        if own is None or _netloc(origin, None) != own:
            return f"the request comes from another origin ({origin[:200]})"
    else:
        referer = headers.get("referer")
        if referer and (own is None or _netloc(referer, None) != own):
            return "the request comes from another site (Referer)"
    site = headers.get("sec-fetch-site", "").strip().lower()
    if site in ("cross-site", "same-site"):
        return f"the browser reports a {site} request"
    return None


_WANTED = {name.encode(): name for name in ("host", "origin", "referer", "sec-fetch-site", "cookie", "x-api-key",
                                             "authorization")}


def _headers(scope) -> dict[str, str]:
    out: dict[str, str] = {}
    wanted = _WANTED
    for key, value in scope.get("headers") or ():  # ASGI servers give lower-case names
        name = wanted.get(key)
        if name is not None:
            out[name] = value.decode("latin-1")
    return out


async def _refuse(send, status: int, message: str) -> None:
    body = orjson.dumps({"detail": message})
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), *HEADERS,
                            (b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The ASGI middleware: Host allow-list, same-origin state changes, security headers."""

    def __init__(self, app, hosts: HostPolicy):
        self.app = app
        self.hosts = hosts
        self._csp = CSP.encode()
        self._hosts_seen: dict[tuple, bool] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        server = scope.get("server")
        key = (headers.get("host"), server[0] if server else None)
        allowed = self._hosts_seen.get(key)
        if allowed is None:  # a handful of distinct values in practice: remember the answers (bounded)
            allowed = self.hosts.allows(key[0], server)
            if len(self._hosts_seen) > 1024:
                self._hosts_seen.clear()
            self._hosts_seen[key] = allowed
        if not allowed:
            host = headers.get("host", "")[:200]
            await _refuse(send, 421, f"this server does not answer to the host name {host!r}; if it is the server's "
                                     "public name, add it to VIGIL_ALLOWED_HOSTS (see docs/security.md)")
            return
        reason = cross_origin_reason(scope["method"], headers, scope.get("scheme", "http"))
        if reason is not None:
            await _refuse(send, 403, f"cross-site request refused: {reason}. State changes must come from this "
                                     "server's own pages or from an API client (see docs/security.md)")
            return

        csp = self._csp

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                raw = list(message.get("headers") or [])
                present = {k.lower() for k, _ in raw} if raw else set()
                raw.extend(h for h in HEADERS if h[0] not in present)
                if b"content-security-policy" not in present:
                    raw.append((b"content-security-policy", csp))
                    raw.append((b"x-frame-options", b"DENY"))
                elif b"x-frame-options" not in present and _forbids_framing(raw):
                    raw.append((b"x-frame-options", b"DENY"))
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _forbids_framing(raw) -> bool:
    for key, value in raw:
        if key.lower() == b"content-security-policy":
            return b"frame-ancestors 'none'" in value
    return False
