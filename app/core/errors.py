import logging

from flask import current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        _l("Permintaan tidak valid"),
        _l("Permintaan tidak dapat diproses. Muat ulang halaman dan coba lagi."),
    ),
    401: (_l("Perlu masuk"), _l("Silakan masuk terlebih dahulu.")),
    403: (_l("Akses ditolak"), _l("Anda tidak memiliki izin untuk membuka halaman ini.")),
    404: (
        _l("Halaman tidak ditemukan"),
        _l("Alamat yang Anda buka tidak ada atau sudah dipindahkan."),
    ),
    413: (_l("Berkas terlalu besar"), _l("Ukuran berkas melebihi batas yang diizinkan.")),
    422: (_l("Data tidak valid"), _l("Data yang dikirim tidak dapat diproses.")),
    429: (
        _l("Terlalu banyak percobaan"),
        _l("Terlalu banyak permintaan dalam waktu singkat. Tunggu beberapa menit lalu coba lagi."),
    ),
    503: (
        _l("Sambungan terputus"),
        _l("Sambungan ke basis data terputus dan sudah dipulihkan. Coba lagi."),
    ),
    500: (
        _l("Terjadi kesalahan"),
        _l("Terjadi kesalahan pada server. Tim kami telah dicatat; coba lagi sebentar lagi."),
    ),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if _wants_json():
        return jsonify(error={"code": code, "message": str(detail or message)}), code
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def _discard_session() -> None:
    """Roll back the failed request's changes (they must not leak into the next request), or,
    when the database itself is gone and nothing can be rolled back, drop the session."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.remove()


def register_error_handlers(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            str(
                _l("Sesi formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi.")
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in MESSAGES:
            return render_error(error.code)
        if _wants_json():  # the API answers JSON whatever the status (405, 415, …)
            response = jsonify(error={"code": error.code, "message": error.description})
            # …keeping the headers the status needs (Allow on a 405, RFC 9110).
            extra = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
            response.headers.extend(extra)
            return response, error.code
        return error

    @app.errorhandler(DBAPIError)
    def database_error(error):
        # A connection the server or a firewall dropped (no pre-ping checks it out): the pool
        # has already replaced it and every connection older than it. This request is answered
        # 503 with Retry-After (scanners resend: a scan's nonce makes that safe); the next
        # gets a fresh connection. Any other database error is a 500 as before.
        _discard_session()
        if not error.connection_invalidated:
            raise error
        response, code = render_error(503)
        response = current_app.make_response((response, code))
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(500)
    def server_error(error):
        _discard_session()
        try:
            return render_error(500)
        except SQLAlchemyError:
            # The page needed the signed-in user (menu, language) from a database that does not
            # answer: show it as to a visitor rather than the server's bare error.
            log.warning("error page rendered without the user: the database does not answer")
            db.session.remove()
            g._login_user = login_manager.anonymous_user()
            return render_error(500)
