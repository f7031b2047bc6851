"""What the documents pages share: one permission per view, download headers, the way back."""
from urllib.parse import quote, urlparse

from flask import request


def attachment_headers(filename: str) -> dict:
    """A download under its own (Cyrillic) name, never cached."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "document"
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store"}


def back(default: str) -> str:
    """Return to the page the form was posted from (same site only)."""
    target = request.form.get("next") or request.referrer or default
    parsed = urlparse(target)
    if parsed.netloc and parsed.netloc != request.host:
        return default
    return parsed.path + (f"?{parsed.query}" if parsed.query else "") if parsed.path else default
