"""Uploads read in chunks with a hard cap, so a huge file never sits whole in memory.

Werkzeug spools a large upload to a temporary file; reading it with `.read()` would pull
all of it into memory before any size check. These read block by block and stop at the
first byte over the limit.
"""
import hashlib

from flask_babel import lazy_gettext as _l

from app.core.errors import Invalid

CHUNK = 64 * 1024
MB = 1024 * 1024


class TooLarge(Invalid):
    """The stream is longer than `limit` bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(_l("Файл слишком большой: не более %(mb)s МБ", mb=self.megabytes))

    @property
    def megabytes(self) -> str:
        return f"{self.limit / MB:g}"


def _chunks(stream, limit: int):
    size = 0
    for block in iter(lambda: stream.read(CHUNK), b""):
        size += len(block)
        if size > limit:
            raise TooLarge(limit)
        yield block


def read_at_most(stream, limit: int) -> bytes:
    """All bytes of the stream; TooLarge as soon as there are more than `limit`."""
    return b"".join(_chunks(stream, limit))


def sha256_at_most(stream, limit: int) -> str:
    """SHA-256 (hex) of the stream, computed while it is read; TooLarge past `limit` bytes."""
    digest = hashlib.sha256()
    for block in _chunks(stream, limit):
        digest.update(block)
    return digest.hexdigest()
