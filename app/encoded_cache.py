"""Published bodies compressed once per process, not once per request.

Flask-Compress compresses every response as it leaves (brotli or gzip, ~1–3 ms for a
200-session calendar). A body that only changes when an agenda is published (agenda.ics,
a session's .ics) is the same bytes for every caller until then, so its compressed forms are
kept here, addressed by the body's own digest and the encoding: a new publication is new
bytes, a new key, and nothing stale can be served. The choice of encoding and the levels are
Flask-Compress's own (its helpers), and its strong-ETag convention (``"tag:br"``) is kept.
"""

import hashlib
import threading
from collections import OrderedDict

from flask import Response, current_app, request
from flask_compress.flask_compress import _choose_algorithm, _compress_data

from app.extensions import compress

MAX_ENTRIES = 128  # bodies of tens of kB: a few MB per worker at most
_entries: OrderedDict[tuple[str, bytes], bytes] = OrderedDict()
_lock = threading.Lock()


def compressed_once(response: Response) -> Response:
    """``response`` (a complete body) in the encoding the client accepts, from the cache."""
    config = current_app.config
    algorithm = _choose_algorithm(
        compress.enabled_algorithms, request.headers.get("Accept-Encoding", "")
    )
    response.vary.add("Accept-Encoding")
    data = response.get_data()
    if algorithm is None or len(data) < config["COMPRESS_MIN_SIZE"]:
        return response
    key = (algorithm, hashlib.blake2b(data, digest_size=20).digest())
    with _lock:
        encoded = _entries.get(key)
        if encoded is not None:
            _entries.move_to_end(key)
    if encoded is None:
        encoded = _compress_data(current_app, data, algorithm)
        with _lock:
            _entries[key] = encoded
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    response.set_data(encoded)
    response.headers["Content-Encoding"] = algorithm  # Flask-Compress leaves it alone
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(f"{etag}:{algorithm}")
    return response


# --- bodies cached under the caller's own key ---------------------------------------------------


class Lru:
    """A bounded map, least recently used out first: one per kind of body, per process (so per
    gunicorn worker). Keys name what the body is made of (a published version, a language…),
    so nothing is ever invalidated by hand: a new publication is a new key."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


class EncodedBody:
    """One complete body and its encoded forms, each compressed on first demand."""

    __slots__ = ("data", "_encoded")

    def __init__(self, data: bytes):
        self.data = data
        self._encoded: dict[str, bytes] = {}

    def algorithm(self) -> str | None:
        """The encoding this request gets (Flask-Compress's choice), None for the bytes as is."""
        if len(self.data) < current_app.config["COMPRESS_MIN_SIZE"]:
            return None
        return _choose_algorithm(
            compress.enabled_algorithms, request.headers.get("Accept-Encoding", "")
        )

    def encoded(self, algorithm: str | None) -> bytes:
        if algorithm is None:
            return self.data
        data = self._encoded.get(algorithm)
        if data is None:  # two threads may both compress once: the same bytes either way
            data = self._encoded[algorithm] = _compress_data(current_app, self.data, algorithm)
        return data


def encoded_response(body: EncodedBody, etag: str, mimetype: str) -> Response:
    """A response of ``body`` (see ``encode_into``). Callers add their headers, then
    ``make_conditional`` (for If-Modified-Since)."""
    return encode_into(Response(mimetype=mimetype), body, etag)


def encode_into(response: Response, body: EncodedBody, etag: str) -> Response:
    """``response`` with ``body`` in the encoding the client accepts, under the strong ``etag``
    (with the encoding appended, Flask-Compress's ``"tag:br"``); a 304 when the client has
    those bytes already, before anything is compressed."""
    algorithm = body.algorithm()
    tag = f"{etag}:{algorithm}" if algorithm else etag
    response.vary.add("Accept-Encoding")
    response.set_etag(tag)
    if request.if_none_match.contains(tag):
        response.status_code = 304
        response.set_data(b"")
        return response
    response.set_data(body.encoded(algorithm))
    if algorithm is not None:
        response.headers["Content-Encoding"] = algorithm  # Flask-Compress leaves it alone
    return response
