"""Security headers on every response.

The CSP allows no inline script (all JavaScript is in static/js). Inline style is allowed
only because reportlab's SVG charts carry style attributes; they hold no script.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask, request
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Characters left as they are in a rebuilt path or query (RFC 3986's unreserved and
# sub-delimiters, ":", "@", "/" and "%" for what is already encoded); the rest is encoded.
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    # Pages may show survey answers or staff data: never keep them in a shared cache.
    "Cache-Control": "no-store",
}


def add_security_headers(app: Flask) -> None:
    @app.after_request
    def secure(response: Response) -> Response:
        # One pass over the response's headers, not one per header (setdefault each): a view
        # may set its own (a download's Cache-Control, say), and every response pays this.
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend(
            (name, value) for name, value in HEADERS.items() if name.lower() not in present
        )
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response


def same_site_path(target: str | None) -> str | None:
    """`target` rebuilt as a path and query on this site, or None if it could lead anywhere else.

    Browsers drop tabs and newlines from an address, trim leading spaces and controls, and read
    a backslash as a slash, so "/\\t/evil.example" or "/\\\\evil.example" means
    "//evil.example" to them: any control character or backslash is refused outright. What is
    left is split, and only its path and query are kept, percent-encoded so that no
    look-alike character can become a slash.
    """
    if not target or "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # a host urllib will not read (NFKC turns it into "/", "?" ...)
        return None
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    # One leading slash, however many were sent: "///x" is a path here, never a host.
    path = "/" + quote(parts.path.lstrip("/"), safe=PATH_SAFE)
    query = quote(parts.query, safe=PATH_SAFE + "?")
    return f"{path}?{query}" if query else path
