"""One upload → preview → confirm flow for every import (people, OPDs, action items, realisation).

An import supplies only what is its own, as an ``Importer``:

- ``parse(rows, ctx)`` — the file's rows (``app.tabular.Row``, every cell already through
  ``clean_text``) → (records, row errors). Runs **once**, at upload; records are plain JSON
  values (numbers, strings, lists, dicts), one per valid row, with its ``"row"`` number.
- ``plan(records, ctx)`` → ``Plan``: what the records would do to the database as it is now
  (matches, creates, updates), more row errors, the counts and the preview's sections. Reads,
  never writes; runs for the preview and again on confirm.
- ``apply(plan, ctx)`` → the message for the user: writes the plan (audited as the package
  audits), leaves the commit to this module.

and this module does the rest, the same way for all:

- the upload is checked by ``app.uploads`` (real type, size) and ``app.tabular.read_table``
  (columns, the ``IMPORT_MAX_ROWS`` cap, control characters stripped);
- the parsed records are staged server-side (``app.uploads`` staging, outside the web root)
  under a random token bound to the uploading user, the import and its scope (e.g. the event),
  for ``PREVIEW_MAX_AGE`` seconds;
- the preview page (``templates/imports/preview.html``) shows the counts, the first
  ``PREVIEW_ROWS`` rows of each section and every row error;
- confirm (POST, CSRF, the token and the counts the preview promised) claims the staged
  records atomically, plans again, and writes all rows or none in one transaction with one
  audit entry for the import; a token of another user, an expired or an already used one is
  refused with a message, and a database that changed since the preview shows the preview
  again instead of writing something the user did not see.

``ctx`` is whatever the import needs besides the rows (the event for action items, else None).
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from celery import shared_task
from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from app import background_documents as jobs
from app import uploads
from app.audit.services import ACTION_LABELS, record_batch
from app.auth.models import User
from app.extensions import db
from app.forms import ActionForm, require_csrf
from app.tabular import Row, TableError, clean_text, read_table

PREVIEW_ROWS = 200  # rows listed per section of the preview (errors: all of them)
PREVIEW_MAX_AGE = 6 * 3600  # a preview older than this must be uploaded again

RowError = tuple[int, str]
IMPORTERS: dict[str, "Importer"] = {}
ACTION_LABELS.setdefault("import", _l("impor"))


class ImportRefused(ValueError):
    """The upload or the token cannot be used; the message is for the user."""


@dataclass
class Count:
    key: str  # in the audit entry ("dibuat")
    label: str  # on the preview ("baru")
    number: int


@dataclass
class Section:
    """A table on the preview: its title, column headers and (row number, cells) per row."""

    title: str
    header: list[str]
    rows: list[tuple[int, list]]


@dataclass
class Plan:
    """What an import would do; nothing is written until the importer's ``apply``."""

    rows: Any = None  # what ``apply`` writes, in the importer's own shape
    errors: list[RowError] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        """Rows the confirm button will write (counts whose key is not ``tidak_berubah``)."""
        return sum(c.number for c in self.counts if c.key != "tidak_berubah")

    @property
    def fingerprint(self) -> str:
        """The counts the preview promised, sent back on confirm ('3-1-0')."""
        return "-".join(str(c.number) for c in self.counts)


@dataclass(frozen=True)
class Importer:
    name: str  # staging area and audit label ("people")
    title: Any  # page title, lazily translated
    columns: tuple[str, ...]  # required columns
    parse: Callable[[list[Row], Any], tuple[list[dict], list[RowError]]]
    plan: Callable[[list[dict], Any], Plan]
    apply: Callable[[Plan, Any], str]
    endpoints: dict  # upload, preview, confirm, cancel (preview/confirm/cancel take ``token``)
    done: Callable[[Plan, Any], str]  # where to go after saving
    audit_type: str = "Import"
    url_args: Callable[[Any], dict] = lambda ctx: {}
    scope: Callable[[Any], str] = lambda ctx: ""
    ctx_id: Callable[[Any], Any] = lambda ctx: None  # ctx for a task (JSON: an id) …
    ctx_of: Callable[[Any], Any] = lambda ctx_id: None  # … and back, in the task

    def __post_init__(self):
        IMPORTERS[self.name] = self  # the background task finds its import by name

    @property
    def area(self) -> str:
        return f"import-{self.name}"

    def url(self, step: str, ctx, **args) -> str:
        return url_for(self.endpoints[step], **self.url_args(ctx), **args)


# --- the three steps ------------------------------------------------------------------------------


def upload(importer: Importer, file, ctx=None) -> str:
    """Check and parse an uploaded file once, stage the result; its token. ``ImportRefused``
    for a missing, wrong, empty or over-cap file (nothing staged)."""
    if file is None or not getattr(file, "filename", ""):
        raise ImportRefused(_("Pilih berkas XLSX atau CSV."))
    data = file.read()
    try:
        rows = read_table(data, list(importer.columns), current_app.config["IMPORT_MAX_ROWS"])
    except TableError as exc:
        raise ImportRefused(str(exc)) from exc
    if not rows:
        raise ImportRefused(_("Berkas tidak berisi baris data."))
    records, errors = importer.parse(rows, ctx)
    payload = {
        "user": current_user.id,
        "import": importer.name,
        "scope": importer.scope(ctx),
        "filename": clean_text(file.filename or "")[-200:],  # only shown and audited
        "created": time.time(),
        "rows": len(rows),
        "records": records,
        "errors": errors,
    }
    return uploads.stage(json.dumps(payload).encode(), importer.area)


def start(importer: Importer, file, ctx=None):
    """``upload``, then off to the preview (the caller shows ``ImportRefused`` on its form)."""
    token = upload(importer, file, ctx)
    return redirect(importer.url("preview", ctx, token=token))


def plan_of(importer: Importer, payload: dict, ctx) -> Plan:
    plan = importer.plan(payload["records"], ctx)
    plan.errors = sorted([tuple(e) for e in payload["errors"]] + list(plan.errors))
    return plan


def preview(importer: Importer, ctx=None):
    """The preview page of the token in the query string (or back to the upload page)."""
    token = request.args.get("token", "")
    try:
        payload = _load(importer, token, ctx)
    except ImportRefused as exc:
        flash(str(exc), "warning")
        return redirect(importer.url("upload", ctx))
    return _render(importer, ctx, token, payload, plan_of(importer, payload, ctx))


def confirm(importer: Importer, ctx=None):
    """Write all rows of the token's preview or none, audited; the preview again when it has
    errors (422) or the database changed since it was shown (409). A file of more than
    ``BACKGROUND_IMPORT_ROWS`` rows is saved by a task (``save_in_background``) under the same
    rules while the user follows it on the progress page (``/unduhan/<token>``)."""
    require_csrf()
    token = request.form.get("token", "")
    try:
        payload = _load(importer, token, ctx, claim=True)
    except ImportRefused as exc:
        flash(str(exc), "danger")
        return redirect(importer.url("upload", ctx))
    try:
        plan = plan_of(importer, payload, ctx)
        warning, status = None, None
        if not plan.ok:
            status = 422
        elif request.form.get("expected") != plan.fingerprint:
            warning = _("Data berubah sejak pratinjau ditampilkan. Periksa lagi lalu simpan.")
            status = 409
        if status:
            db.session.rollback()
            uploads.release_staged(importer.area, token)
            return _render(importer, ctx, token, payload, plan, warning), status
        if payload["rows"] > current_app.config["BACKGROUND_IMPORT_ROWS"]:
            db.session.rollback()  # the task plans again and writes in a transaction of its own
            job = jobs.start(
                save_in_background,
                importer.name,
                token,
                current_user.id,
                importer.ctx_id(ctx),
                plan.fingerprint,
                importer.done(plan, ctx),
                importer.url("preview", ctx, token=token),
                title=_("%(title)s: %(name)s", title=importer.title, name=payload["filename"]),
                kind="import",
            )
            return redirect(url_for("core.download", token=job.token))
        message = _save(importer, payload, plan, ctx)
    except BaseException:
        db.session.rollback()
        uploads.release_staged(importer.area, token)  # the same preview can be saved later
        raise
    uploads.finish_staged(importer.area, token, json.dumps({"user": current_user.id}).encode())
    flash(message, "success")
    return redirect(importer.done(plan, ctx))


@shared_task(name="app.staged_import.save_in_background")
def save_in_background(
    job_token: str,
    name: str,
    token: str,
    user_id: int,
    ctx_id,
    expected: str,
    done_url: str,
    preview_url: str,
) -> None:
    """Confirm's second half for a large file, in a worker: the staged records the request
    claimed are planned again and written all or none, audited as the user who confirmed
    (logged in on a request context of the task's own, as the importers and the audit log
    expect); a database that changed since the preview writes nothing and sends the user back
    to the preview. A task delivered again after it ended does nothing."""
    if jobs.already_done(job_token):
        return
    importer = IMPORTERS[name]

    def give_up(message: str, link: str = "") -> None:
        """Nothing written, the staged file released for another try, the user told why."""
        db.session.rollback()
        uploads.release_staged(importer.area, token)
        jobs.fail(job_token, message, link=link)

    with current_app.test_request_context(preview_url):
        user = db.session.get(User, user_id)
        if user is None or not login_user(user):
            give_up(_("Akun yang mengimpor tidak aktif lagi; tidak ada data diubah."))
            return
        try:
            payload = json.loads(uploads.read_claimed(importer.area, token))
        except OSError:
            jobs.fail(
                job_token,
                _(
                    "Tidak ada pratinjau impor yang menunggu (sudah kedaluwarsa?). Unggah berkasnya."
                ),
            )
            return
        jobs.report(job_token, 0, payload["rows"])
        try:
            ctx = importer.ctx_of(ctx_id)
            plan = plan_of(importer, payload, ctx)
            if payload.get("user") != user_id or not plan.ok or plan.fingerprint != expected:
                give_up(
                    _("Data berubah sejak pratinjau ditampilkan. Periksa lagi lalu simpan."),
                    preview_url,
                )
                return
            message = _save(importer, payload, plan, ctx)
        except Exception:
            give_up(
                _("Impor gagal disimpan; tidak ada data yang diubah. Coba lagi nanti."),
                preview_url,
            )
            raise
        uploads.finish_staged(importer.area, token, json.dumps({"user": user_id}).encode())
        jobs.done(job_token, message, done_url)


def _save(importer: Importer, payload: dict, plan: Plan, ctx) -> str:
    """Write the plan with one audit entry for the import and commit; the user's message."""
    message = importer.apply(plan, ctx)
    record_batch(
        importer.audit_type,
        _("%(title)s: %(name)s", title=importer.title, name=payload["filename"]),
        "import",
        changes={
            "impor": [None, importer.name],
            "berkas": [None, payload["filename"]],
            "baris": [None, payload["rows"]],
        }
        | {count.key: [None, count.number] for count in plan.counts},
    )
    db.session.commit()
    return message


def cancel(importer: Importer, ctx=None):
    """Discard the token's staged records (only its owner can)."""
    if ActionForm().validate_on_submit():
        token = request.form.get("token", "")
        try:
            _load(importer, token, ctx)
        except ImportRefused as exc:
            flash(str(exc), "danger")
        else:
            uploads.discard_staged(importer.area, token)
            flash(_("Impor dibatalkan; tidak ada data yang diubah."), "info")
    return redirect(importer.url("upload", ctx))


def add_steps(bp, importer: Importer, rule: str, guard: Callable, context=None) -> None:
    """Route the preview, confirm and cancel steps of ``importer`` on ``bp`` under ``rule``
    (``rule + "/preview"`` …) as the endpoints ``import_preview``, ``import_confirm`` and
    ``import_cancel``, each wrapped in ``guard`` (the upload page's own
    ``permission_required(...)``); ``context(**view_args)`` finds the import's
    ``ctx`` from the URL (the event of an action-item import), else ``None``. The upload page
    stays the package's own view (its form and help differ)."""
    steps = {"preview": ("GET", preview), "confirm": ("POST", confirm), "cancel": ("POST", cancel)}
    for step, (method, run) in steps.items():

        def view(_run=run, **view_args):
            return _run(importer, context(**view_args) if context else None)

        view.__name__ = f"import_{step}"
        bp.add_url_rule(
            f"{rule}/{step}",
            view.__name__,
            guard(view),
            methods=[method],
        )


# --- inside -----------------------------------------------------------------------------------------


def _load(importer: Importer, token: str, ctx, claim: bool = False) -> dict:
    area = importer.area
    try:
        data = uploads.claim_staged(area, token) if claim else uploads.read_staged(area, token)
    except OSError:
        marker = _marker(area, token)
        if marker is not None and marker.get("user") == current_user.id:
            raise ImportRefused(
                _("Impor ini sudah disimpan. Unggah berkas baru untuk impor berikutnya.")
            ) from None
        raise ImportRefused(
            _("Tidak ada pratinjau impor yang menunggu (sudah kedaluwarsa?). Unggah berkasnya.")
        ) from None
    payload = json.loads(data)
    problem = None
    if payload.get("user") != current_user.id:
        problem = _("Pratinjau impor ini milik pengguna lain; unggah berkas Anda sendiri.")
    elif payload.get("import") != importer.name or payload.get("scope") != importer.scope(ctx):
        problem = _("Pratinjau ini milik impor lain; unggah berkasnya di halaman ini.")
    elif time.time() - payload.get("created", 0) > PREVIEW_MAX_AGE:
        problem = _("Pratinjau impor sudah kedaluwarsa; unggah berkasnya lagi.")
    if problem:
        if claim:
            uploads.release_staged(area, token)
        raise ImportRefused(problem)
    return payload


def _marker(area: str, token: str) -> dict | None:
    try:
        marker = uploads.staged_marker(area, token)
    except FileNotFoundError:  # not even a token's shape
        return None
    return json.loads(marker) if marker else None


def _render(importer: Importer, ctx, token: str, payload: dict, plan: Plan, warning=None):
    response = make_response(
        render_template(
            "imports/preview.html",
            importer=importer,
            ctx=ctx,
            token=token,
            filename=payload["filename"],
            plan=plan,
            warning=warning,
            limit=PREVIEW_ROWS,
        )
    )
    # Never kept by the browser: it holds the uploaded rows (names, NIPs) and, once saved, is
    # used up; Back asks the server again (sinergi.js reloads it from the back/forward cache).
    response.headers["Cache-Control"] = "no-store"
    return response
