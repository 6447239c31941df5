"""Pages rendered once and served to many: the same markup for everyone but a few holes.

A published agenda page is the same for every reader of one version, language and day, except
a few small parts: the menu bar (the signed-in user's name, menu and CSRF tokens), flashed
messages, panels shown to some roles, "what changed since your last visit". The page is
rendered once with a marker in each hole (``render_skeleton``) and kept as its static parts;
each request renders only the holes (``base_block`` for those of base.html) and joins.

Joining must not cost a compression of the whole page per request (a 200-session agenda is
~0.5 MB of HTML, ~1 ms to brotli): each static part is kept as a raw deflate segment ended by a
sync flush, so a gzip body is the parts' segments with the holes' own small segments between
them, one gzip header and trailer around (RFC 1951/1952; the CRC is computed over the joined
bytes, ~0.1 ms). Brotli streams cannot be joined that way, so these pages answer in gzip.
"""

import secrets
import struct
import zlib

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.encoded_cache import Lru

_MARK = f"\x00hole-{secrets.token_hex(6)}:"  # never in rendered markup (NUL, random)
# This start of the app. An ETag made from a cache key (not from the page's bytes) includes it:
# a deploy restarts the app, and a page whose templates, translations or code changed must not
# be answered 304 with the previous release's copy. (gunicorn preloads the app, so every worker
# of one start shares it; a restart without a change costs each browser one full page.)
RELEASE = secrets.token_hex(8)
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime
_LAST_BLOCK = zlib.compressobj(wbits=-15).flush()  # an empty final block: ends the stream


def _segment(data: bytes, level: int) -> bytes:
    """``data`` as raw deflate blocks that refer to nothing before them, byte-aligned and not
    final: any number of these, then ``_LAST_BLOCK``, is one valid deflate stream."""
    if not data:
        return b""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def accepts_gzip() -> bool:
    return "gzip" in request.accept_encodings


class Skeleton:
    """A rendered page as static parts and the names of the holes between them."""

    __slots__ = ("parts", "holes", "_segments")

    def __init__(self, parts: list[bytes], holes: list[str]):
        self.parts = parts
        self.holes = holes
        self._segments: list[bytes] | None = None

    def joined(self, fills: dict[str, str]) -> bytes:
        """The page with each hole filled (``fills`` by hole name)."""
        out = [self.parts[0]]
        for name, part in zip(self.holes, self.parts[1:], strict=True):
            out += (fills[name].encode(), part)
        return b"".join(out)

    def gzipped(self, fills: dict[str, str]) -> bytes:
        """``joined(fills)`` gzip-encoded; the static parts are compressed once per skeleton."""
        segments = self._segments
        if segments is None:  # two threads may both compress once: the same bytes either way
            level = current_app.config.get("COMPRESS_LEVEL", 6)
            segments = self._segments = [_segment(part, level) for part in self.parts]
        crc, size = zlib.crc32(self.parts[0]), len(self.parts[0])
        out = [_GZIP_HEADER, segments[0]]
        for name, part, segment in zip(self.holes, self.parts[1:], segments[1:], strict=True):
            fill = fills[name].encode()
            crc = zlib.crc32(part, zlib.crc32(fill, crc))
            size += len(fill) + len(part)
            out += (_segment(fill, 1), segment)
        out += (_LAST_BLOCK, struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))
        return b"".join(out)


def render_skeleton(template_name: str, **context) -> Skeleton:
    """``template_name`` rendered with ``hole(name)`` marking where each per-request part goes
    (the template calls it instead of rendering that part)."""
    html = render_template(
        template_name,
        hole=lambda name: Markup(f"{_MARK}{name}\x00"),  # noqa: S704 (our own marker)
        **context,
    )
    pieces = html.split(_MARK)
    parts, holes = [pieces[0].encode()], []
    for piece in pieces[1:]:
        name, rest = piece.split("\x00", 1)
        holes.append(name)
        parts.append(rest.encode())
    return Skeleton(parts, holes)


_NAVS = Lru(256)  # a few kB each: one per signed-in reader, language and address
_CSRF_MARK = f"\x00csrf-{secrets.token_hex(6)}\x00"


def nav_html() -> str:
    """base.html's menu bar for this request, rendered once per reader, language and address
    (the language links lead back to it); the CSRF token, fresh from the session each time,
    is put in afterwards."""
    user = current_user
    reader = (
        (user.id, user.name, user.role, user.opd_id, user.locale) if user.is_authenticated else None
    )
    key = (reader, str(get_locale()), request.endpoint, request.full_path)
    html = _NAVS.get(key)
    if html is None:
        html = _NAVS.put(key, base_block("nav", csrf_token=lambda: _CSRF_MARK))
    if _CSRF_MARK in html:
        html = html.replace(_CSRF_MARK, generate_csrf())
    return html


def base_block(name: str, **context) -> str:
    """One block of base.html (``nav``, ``flashes``) rendered for this request, alone."""
    app = current_app._get_current_object()
    template = app.jinja_env.get_template("base.html")
    app.update_template_context(context)
    return "".join(template.blocks[name](template.new_context(context)))
