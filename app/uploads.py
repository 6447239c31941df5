"""Uploaded files, one way for every feature (people import now, follow-up evidence next).

- size limit: ``MAX_UPLOAD_MB`` (Flask refuses larger requests before they reach a view);
- the type is judged from the content (magic bytes, the parts inside an Office file), never
  from the name; each caller says which kinds it accepts;
- the content is inspected too (``inspect``): no HTML or script near the start of any file
  (polyglots), no PDF that a parser cannot read or that carries JavaScript or automatic
  actions, no Office file that inflates beyond a sane size or ratio (zip bomb) or holds parts
  that are not Office's own (other payloads, macros);
- files are stored outside the web root (``UPLOAD_FOLDER``) under their SHA-256, so the same
  content is kept once and a name chosen by the uploader never becomes a path;
- they go back to users only as an attachment with a safe name (``send_stored``);
- multi-step flows (upload → preview → confirm) keep the file in a staging area for a day.
"""

import contextlib
import hashlib
import io
import logging
import os
import re
import secrets
import time
import zipfile
from dataclasses import dataclass

import pypdf
from flask import current_app, send_file
from flask_babel import gettext as _
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from werkzeug.utils import secure_filename

# kind -> (MIME type, extension, label shown to users)
KINDS = {
    "pdf": ("application/pdf", ".pdf", "PDF"),
    "png": ("image/png", ".png", "PNG"),
    "jpeg": ("image/jpeg", ".jpg", "JPG"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "XLSX"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
        "DOCX",
    ),
    "csv": ("text/csv", ".csv", "CSV"),
}
EVIDENCE_KINDS = frozenset({"pdf", "png", "jpeg", "xlsx", "docx"})
TABLE_KINDS = frozenset({"xlsx", "csv"})
STAGED_MAX_AGE = 24 * 3600
# Office files are zip archives: what they may hold once inflated (a zip bomb holds far more).
MAX_INFLATED_BYTES = 100 * 1024 * 1024
MAX_INFLATE_RATIO = 100
OFFICE_PARTS = ("[Content_Types].xml", "_rels/", "docProps/", "customXml/", "xl/", "word/")
# Markers of a page a browser would run, looked for in the first KiB of every upload.
HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed|svg|meta)[\s/>]"
    rb"|javascript:",
    re.IGNORECASE,
)
# In a PDF: actions that run by themselves or run code.
PDF_CODE_KEYS = frozenset({"/JS", "/JavaScript", "/AA"})
PDF_CODE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
_HASH = re.compile(r"^[0-9a-f]{64}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadError(ValueError):
    """The file cannot be accepted; the message is for the user."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    kind: str
    filename: str  # the uploader's name, made safe, with the extension of its real kind

    @property
    def mimetype(self) -> str:
        return KINDS[self.kind][0]


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None


def detect_kind(data: bytes) -> str | None:
    """The kind of file ``data`` really is (a key of KINDS), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    head = data[:4096]
    if head and b"\x00" not in head and not head.lstrip().startswith((b"<", b"MZ", b"\x7fELF")):
        return "csv"  # plain text; whether it is a usable table is for app.tabular to say
    return None


def _resolved(dictionary: DictionaryObject, key: str):
    value = dictionary.get(key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _pdf_runs_something(data: bytes) -> bool:
    """Whether any object of the PDF holds JavaScript, a Launch action, additional actions
    (/AA) or an /OpenAction other than "go to a page". Every object is looked at, compressed
    object streams too. Raises UploadError if the PDF cannot be read."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadError(_("Berkas PDF dikunci dengan kata sandi. Unggah PDF tanpa kunci."))
        ids = {(idnum, gen) for gen, table in reader.xref.items() for idnum in table}
        ids |= {(idnum, 0) for idnum in reader.xref_objStm}
        todo = [reader.trailer] + [reader.get_object(IndirectObject(i, g, reader)) for i, g in ids]
        while todo:
            value = todo.pop()
            if isinstance(value, DictionaryObject):
                if PDF_CODE_KEYS & set(value) or _resolved(value, "/S") in PDF_CODE_ACTIONS:
                    return True
                opening = _resolved(value, "/OpenAction")
                if isinstance(opening, DictionaryObject) and _resolved(opening, "/S") != "/GoTo":
                    return True
                todo.extend(v for v in value.values() if not isinstance(v, IndirectObject))
            elif isinstance(value, ArrayObject):
                todo.extend(v for v in value if not isinstance(v, IndirectObject))
    except UploadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        logging.getLogger(__name__).info("an uploaded PDF could not be read", exc_info=True)
        raise UploadError(_("Berkas PDF rusak atau tidak dapat dibaca.")) from None
    return False


def _office_is_safe(data: bytes, kind: str) -> None:
    """An Office file (a zip) that inflates within reason and holds only Office's parts."""
    label = KINDS[kind][2]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    inflated = sum(member.file_size for member in members)
    if inflated > MAX_INFLATED_BYTES or inflated > MAX_INFLATE_RATIO * len(data):
        raise UploadError(
            _(
                "Berkas %(label)s tidak wajar: isinya mengembang menjadi %(mb)s MB saat dibuka. "
                "Simpan ulang berkas dari aplikasi Office lalu unggah lagi.",
                label=label,
                mb=max(1, inflated // (1024 * 1024)),
            )
        )
    for member in members:
        name = member.filename
        if not name.startswith(OFFICE_PARTS) or ".." in name or name.startswith("/"):
            raise UploadError(
                _(
                    "Berkas %(label)s memuat bagian yang bukan bagian dokumen Office (%(name)s).",
                    label=label,
                    name=name[:80],
                )
            )
        if name.lower().endswith("vbaproject.bin"):
            raise UploadError(
                _(
                    "Berkas %(label)s memuat makro. Simpan tanpa makro lalu unggah lagi.",
                    label=label,
                )
            )


def inspect(data: bytes, kind: str) -> None:
    """Refuse content that is more than the kind it claims (see the module's docstring)."""
    if HTML_MARKERS.search(data[:1024]):
        raise UploadError(
            _("Berkas memuat kode HTML atau skrip dan tidak diterima. Unggah berkas aslinya.")
        )
    if kind == "pdf" and _pdf_runs_something(data):
        raise UploadError(
            _(
                "Berkas PDF memuat JavaScript atau tindakan otomatis (OpenAction, Launch, AA) "
                "dan tidak diterima. Cetak ulang sebagai PDF biasa lalu unggah lagi."
            )
        )
    if kind in ("xlsx", "docx"):
        _office_is_safe(data, kind)


def accepted_labels(accept) -> str:
    return ", ".join(KINDS[kind][2] for kind in KINDS if kind in accept)


def check(data: bytes, accept) -> str:
    """The kind of ``data`` if it is one of ``accept`` and within the size limit."""
    if not data:
        raise UploadError(_("Berkas kosong."))
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit and len(data) > limit:
        raise UploadError(
            _("Berkas terlalu besar: paling besar %(mb)s MB.", mb=limit // (1024 * 1024))
        )
    kind = detect_kind(data)
    if kind not in accept:
        raise UploadError(
            _(
                "Jenis berkas tidak didukung. Unggah berkas %(kinds)s.",
                kinds=accepted_labels(accept),
            )
        )
    inspect(data, kind)
    return kind


def safe_filename(filename: str | None, kind: str) -> str:
    """A name safe to show and to send: no path, no odd characters, the extension of ``kind``."""
    stem = os.path.splitext(secure_filename(filename or ""))[0][:100] or "berkas"
    return stem + KINDS[kind][1]


def _folder(*parts: str) -> str:
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], *parts)
    os.makedirs(path, exist_ok=True)
    return path


def path_of(sha256: str) -> str:
    if not _HASH.match(sha256 or ""):
        raise FileNotFoundError(sha256)
    return os.path.join(current_app.config["UPLOAD_FOLDER"], "files", sha256[:2], sha256)


def store(data: bytes, filename: str | None, accept) -> StoredFile:
    """Check ``data`` and keep it under its content hash (once, however often it is uploaded)."""
    kind = check(data, accept)
    digest = hashlib.sha256(data).hexdigest()
    path = path_of(digest)
    if not os.path.exists(path):
        _folder("files", digest[:2])
        partial = f"{path}.{secrets.token_hex(4)}.part"
        with open(partial, "wb") as handle:  # never a half-written file under the final name
            handle.write(data)
        os.replace(partial, path)
    return StoredFile(digest, len(data), kind, safe_filename(filename, kind))


def read(sha256: str) -> bytes:
    with open(path_of(sha256), "rb") as handle:
        return handle.read()


def send_stored(sha256: str, filename: str, kind: str):
    """A stored file as a download: always an attachment, never rendered by the browser."""
    response = send_file(
        path_of(sha256),
        mimetype=KINDS[kind][0],
        as_attachment=True,
        download_name=safe_filename(filename, kind),
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- staging: a file between upload, preview and confirmation ---------------------------------


def _staged_path(area: str, token: str) -> str:
    if not _TOKEN.match(token or ""):
        raise FileNotFoundError(token)
    return os.path.join(_folder("staging", area), token)


def stage(data: bytes, area: str) -> str:
    """Keep an upload for a later step under a new random token (``area`` names the flow)."""
    _sweep(area)
    token = secrets.token_urlsafe(24)
    with open(_staged_path(area, token), "wb") as handle:
        handle.write(data)
    return token


def read_staged(area: str, token: str) -> bytes:
    with open(_staged_path(area, token), "rb") as handle:
        return handle.read()


def discard_staged(area: str, token: str | None) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(_staged_path(area, token or ""))


def claim_staged(area: str, token: str) -> bytes:
    """Take a staged file for one request alone (an atomic rename): a second request with the
    same token (a double click, a second tab) gets FileNotFoundError. ``release_staged`` puts
    it back, ``finish_staged`` replaces it with a small marker (``staged_marker``)."""
    path = _staged_path(area, token)
    os.rename(path, path + ".claimed")
    with open(path + ".claimed", "rb") as handle:
        return handle.read()


def read_claimed(area: str, token: str) -> bytes:
    """A claimed file, for the task that a claiming request handed it to."""
    with open(_staged_path(area, token) + ".claimed", "rb") as handle:
        return handle.read()


def release_staged(area: str, token: str) -> None:
    path = _staged_path(area, token)
    with contextlib.suppress(FileNotFoundError):
        os.rename(path + ".claimed", path)


def finish_staged(area: str, token: str, marker: bytes) -> None:
    """The claimed file is done with: keep only ``marker`` (e.g. who used it), swept in a day."""
    path = _staged_path(area, token)
    with open(path + ".done", "wb") as handle:
        handle.write(marker)
    with contextlib.suppress(FileNotFoundError):
        os.remove(path + ".claimed")


def staged_marker(area: str, token: str) -> bytes | None:
    """The marker ``finish_staged`` left for ``token``, or None."""
    try:
        with open(_staged_path(area, token) + ".done", "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _sweep(area: str) -> None:
    limit = time.time() - STAGED_MAX_AGE
    with os.scandir(_folder("staging", area)) as entries:
        for entry in entries:
            if entry.is_file() and entry.stat().st_mtime < limit:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(entry.path)
