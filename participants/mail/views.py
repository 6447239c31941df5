"""Organiser pages for reaching participants: the e-mail outbox (per event and overall) and the
WhatsApp texts. (The invitation letters are printed documents: participants/documents/views.py.)

Queueing and sending are two steps: the "Antrekan …" buttons (invitations, reminders, agenda
updates) only queue; one click on "Kirim antrean" hands everything queued to the task queue
(participants/mail/tasks.py), and the page's progress bar follows the workers (htmx); without a
broker the sending happens in that click. ``flask --app wsgi mail send-queued`` sends from the
command line.
"""

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from agenda.event_links import event_link
from agenda.models import Event
from agenda.permissions import visible_event_or_404
from agenda.presenters import latest_published
from app.auth.permissions import can, permission_required
from app.core.home import nav_item
from app.extensions import db
from app.formatting import name_list
from app.forms import require_csrf
from app.tasks import in_background, queue_overview
from app.urls import redirect_back
from participants.facts import event_facts
from participants.mail import delivery, mailbox, outbox, tasks
from participants.mail.whatsapp import recipients as whatsapp_recipients
from participants.mail.whatsapp import whatsapp_link, whatsapp_text
from participants.models import (
    MESSAGE_KINDS,
    MESSAGE_STATUSES,
    OutboundMessage,
)

bp = Blueprint("mail", __name__, template_folder="../templates")  # participants/templates

nav_item("plan", 45, _l("Kotak keluar"), "mail.index", "outbox.view")
event_link(20, _l("Undangan email"), "mail.event_outbox", "outbox.view")

PER_PAGE = 50
UPCOMING = 12  # events offered on the overall outbox page


@bp.url_defaults
def _keep_slug(endpoint: str, values: dict) -> None:
    """Links built on an event's page (e.g. by the shared pagination macro, which knows only
    the query string) stay on that event."""
    if (
        endpoint in ("mail.event_outbox", "mail.whatsapp")
        and "slug" not in values
        and request.view_args
        and "slug" in request.view_args
    ):
        values["slug"] = request.view_args["slug"]


def _filters() -> tuple[str, str]:
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    return (
        status if status in MESSAGE_STATUSES else "",
        kind if kind in MESSAGE_KINDS else "",
    )


def _flash_queued(result: outbox.QueueResult, what: str) -> None:
    """Say what was queued (nothing is sent yet: sending is its own click) and who was
    skipped, by name, with the same count the page showed before the click."""
    if result.queued:
        flash(
            ngettext(
                "%(num)s %(what)s masuk antrean. Kirim dari kotak keluar acara ini dengan tombol “Kirim antrean”.",
                "%(num)s %(what)s masuk antrean. Kirim dari kotak keluar acara ini dengan tombol “Kirim antrean”.",
                result.queued,
                what=what,
            ),
            "success",
        )
    else:
        flash(_("Tidak ada %(what)s baru untuk dikirim.", what=what), "info")
    skipped = []
    if result.without_email:
        count = len(result.without_email)
        skipped.append(
            ngettext(
                "%(num)s tanpa alamat email (%(names)s)",
                "%(num)s tanpa alamat email (%(names)s)",
                count,
                names=name_list(result.without_email),
            )
        )
    if result.already:
        skipped.append(
            ngettext(
                "%(num)s sudah pernah dikirimi", "%(num)s sudah pernah dikirimi", result.already
            )
        )
    if result.not_affected:
        skipped.append(
            ngettext(
                "%(num)s tidak terdampak perubahan",
                "%(num)s tidak terdampak perubahan",
                result.not_affected,
            )
        )
    if skipped:
        flash(_("Dilewati: %(list)s.", list="; ".join(skipped)), "info")


def _flash_dispatched(done: tasks.Dispatched) -> None:
    result = done.result
    if done.background and done.count:
        flash(
            ngettext(
                "%(num)s email diserahkan ke pengirim latar belakang; kemajuannya tampil di kotak keluar.",
                "%(num)s email diserahkan ke pengirim latar belakang; kemajuannya tampil di kotak keluar.",
                done.count,
            ),
            "success",
        )
    elif result.sent or result.failed:
        flash(
            _("Terkirim %(sent)s, gagal %(failed)s.", sent=result.sent, failed=result.failed),
            "success" if not result.failed else "warning",
        )
    elif not result.connection_error:
        flash(_("Tidak ada email yang menunggu untuk dikirim."), "info")
    if result.connection_error:
        flash(result.connection_error, "danger")


# --- outbox -------------------------------------------------------------------------------------


def _render_outbox(event: Event | None):
    status, kind = _filters()
    event_id = event.id if event else None
    page = db.paginate(
        outbox.outbox_query(event_id, status, kind), per_page=PER_PAGE, max_per_page=100
    )
    context = {}
    if event is None:
        context = {
            "titles": outbox.event_titles({m.event_id for m in page.items if m.event_id}),
            "upcoming": outbox.upcoming_events(UPCOMING),
        }
        if can(current_user, "tasks.view"):
            context["tasks"] = {
                "queue": queue_overview(),
                "on_the_way": outbox.on_the_way_count(),
                "failures": outbox.last_failures(),
            }
    else:
        version = latest_published(event, with_snapshot=False)
        context = {
            "stats": outbox.event_mail_stats(event),
            "version": version,
            "update_sent": outbox.agenda_update_sent(event, version) if version else 0,
        }
    return render_template(
        "participants/mail/index.html",
        event=event,
        page=page,
        status=status,
        kind=kind,
        counts=outbox.status_counts(event_id),
        kinds=outbox.KIND_LABELS,
        statuses=outbox.STATUS_LABELS,
        progress=outbox.send_progress(event_id),
        to_send=outbox.waiting_for_click(event_id),
        background=in_background(),
        transport=delivery.transport(),
        not_configured=delivery.not_configured_text(),
        **context,
    )


@bp.get("/manage/outbox/")
@permission_required("outbox.view")
def index():
    return _render_outbox(None)


@bp.get("/manage/events/<slug>/outbox")
@permission_required("outbox.view")
def event_outbox(slug):
    return _render_outbox(visible_event_or_404(slug))


@bp.get("/manage/outbox/<int:message_id>")
@permission_required("outbox.view")
def message(message_id):
    item = db.get_or_404(OutboundMessage, message_id)
    event = db.session.get(Event, item.event_id) if item.event_id else None
    return render_template(
        "participants/mail/message.html",
        message=item,
        event=event,
        kinds=outbox.KIND_LABELS,
        statuses=outbox.STATUS_LABELS,
    )


@bp.post("/manage/events/<slug>/outbox/invitations")
@permission_required("outbox.manage")
def send_invitations(slug):
    """Queue invitations (sending is the outbox's own button): to the posted
    ``registration`` ids, else to every participant still invited who has not been e-mailed
    an invitation yet."""
    event = visible_event_or_404(slug)
    require_csrf()
    ids = request.form.getlist("registration", type=int)
    result = outbox.queue_invitations(event, ids or None)
    db.session.commit()
    _flash_queued(result, _("undangan"))
    if result.queued and not result.with_calendar:
        flash(
            _("Susunan acara belum diterbitkan: undangan dikirim tanpa lampiran kalender (.ics)."),
            "warning",
        )
    return redirect_back(url_for("mail.event_outbox", slug=slug))


@bp.post("/manage/events/<slug>/outbox/reminders")
@permission_required("outbox.manage")
def send_reminders(slug):
    event = visible_event_or_404(slug)
    require_csrf()
    result = outbox.queue_reminders(event, only_new=request.form.get("only_new") == "1")
    db.session.commit()
    _flash_queued(result, _("pengingat"))
    return redirect_back(url_for("mail.event_outbox", slug=slug))


@bp.post("/manage/events/<slug>/outbox/agenda-update")
@permission_required("outbox.manage")
def send_agenda_update(slug):
    """Notify confirmed participants of the latest version's changes."""
    event = visible_event_or_404(slug)
    require_csrf()
    version = latest_published(event)
    if version is None:
        flash(_("Susunan acara belum pernah diterbitkan."), "warning")
        return redirect(url_for("mail.event_outbox", slug=slug))
    result = outbox.queue_agenda_update(event, version)
    db.session.commit()
    _flash_queued(result, _("pemberitahuan perubahan"))
    return redirect(url_for("mail.event_outbox", slug=slug))


@bp.post("/manage/outbox/send")
@bp.post("/manage/events/<slug>/outbox/send")
@permission_required("outbox.manage")
def send(slug=None):
    """Hand every queued message (of the event) to the task queue: one click for all."""
    event = visible_event_or_404(slug) if slug else None
    require_csrf()
    _flash_dispatched(tasks.dispatch(event_id=event.id if event else None))
    return redirect(url_for("mail.event_outbox", slug=slug) if slug else url_for("mail.index"))


@bp.get("/manage/outbox/progress")
@bp.get("/manage/events/<slug>/outbox/progress")
@permission_required("outbox.view")
def progress(slug=None):
    """The progress bar alone (htmx polls it every two seconds while messages are on their
    way)."""
    event = visible_event_or_404(slug) if slug else None
    return render_template(
        "participants/mail/_progress.html",
        event=event,
        progress=outbox.send_progress(event.id if event else None),
        background=in_background(),
    )


@bp.post("/manage/outbox/retry-failed")
@bp.post("/manage/events/<slug>/outbox/retry-failed")
@permission_required("outbox.manage")
def retry_failed(slug=None):
    """Put every failed message (of the event) back in the queue and hand them over."""
    event = visible_event_or_404(slug) if slug else None
    require_csrf()
    event_id = event.id if event else None
    count = delivery.requeue_failed(event_id=event_id)
    if count:
        flash(
            ngettext(
                "%(num)s email yang gagal dicoba kirim ulang.",
                "%(num)s email yang gagal dicoba kirim ulang.",
                count,
            ),
            "info",
        )
        _flash_dispatched(tasks.dispatch(event_id=event_id))
    else:
        flash(_("Tidak ada email yang gagal."), "info")
    return redirect(url_for("mail.event_outbox", slug=slug) if slug else url_for("mail.index"))


@bp.post("/manage/outbox/<int:message_id>/retry")
@permission_required("outbox.manage")
def retry(message_id):
    item = db.get_or_404(OutboundMessage, message_id)
    require_csrf()
    if item.status == "failed":
        delivery.requeue_failed(ids=[item.id])
    if item.status in ("failed", "queued"):
        _flash_dispatched(tasks.dispatch(ids=[item.id]))
    else:
        flash(_("Email ini sudah terkirim."), "info")
    return redirect_back(url_for("mail.message", message_id=message_id))


# --- the local mail folder (development) -------------------------------------------------------


def _local_mail_or_404():
    if delivery.transport() != "folder":
        abort(404)


@bp.get("/manage/outbox/mailbox/")
@permission_required("outbox.manage")
def mailbox_index():
    _local_mail_or_404()
    items, total = mailbox.list_mail()
    return render_template(
        "participants/mail/mailbox.html", items=items, total=total, folder=mailbox.folder()
    )


@bp.get("/manage/outbox/mailbox/<name>")
@permission_required("outbox.manage")
def mailbox_message(name):
    _local_mail_or_404()
    mail = mailbox.read_mail(name)
    if mail is None:
        abort(404)
    return render_template("participants/mail/mailbox_message.html", mail=mail)


@bp.get("/manage/outbox/mailbox/<name>/raw")
@bp.get("/manage/outbox/mailbox/<name>/part/<int:part>")
@permission_required("outbox.manage")
def mailbox_download(name, part=None):
    """The whole .eml (opens in a mail program) or one attachment, always as a download."""
    _local_mail_or_404()
    if part is None:
        data, filename, mimetype = mailbox.raw_mail(name), name, "message/rfc822"
    else:
        mail = mailbox.read_mail(name)
        if mail is None or part >= len(mail.attachments):
            abort(404)
        attachment = mail.attachments[part]
        data, filename, mimetype = attachment.data, attachment.filename, attachment.content_type
    if data is None:
        abort(404)
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)


# --- WhatsApp -----------------------------------------------------------------------------------


@bp.get("/manage/events/<slug>/whatsapp")
@permission_required("outbox.manage")
def whatsapp(slug):
    event = visible_event_or_404(slug)
    search = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    query = whatsapp_recipients(event, search, status)
    page = db.paginate(query, per_page=PER_PAGE, max_per_page=100)
    facts = event_facts(event)
    rows = []
    for registration in page.items:
        text = whatsapp_text(registration, facts)
        rows.append((registration, text, whatsapp_link(registration, text)))
    return render_template(
        "participants/mail/whatsapp.html",
        event=event,
        page=page,
        rows=rows,
        search=search,
        status=status,
    )
