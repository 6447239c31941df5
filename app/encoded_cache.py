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
