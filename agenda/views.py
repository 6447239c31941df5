"""Organiser pages (one blueprint, ``agenda``): events, rooms, speakers, the builder, publication.

Over 400 lines because the blueprint has some twenty routes; each only reads its form, calls a
service (agenda.services, .conflicts, .versions) and redirects. The grid layout lives in
agenda.builder_grid, the home panel in agenda.panels, other packages' links in agenda.event_links.
"""

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from agenda import change_log, services, versions
from agenda.builder_grid import builder_grid
from agenda.conflicts import Conflict, find_conflicts
from agenda.event_links import event_links
from agenda.forms import (
    EVENT_KIND_LABELS,
    SESSION_KIND_LABELS,
    SPEAKER_ROLE_LABELS,
    STATUS_LABELS,
    CopyForm,
    EventForm,
    MoveForm,
    PublishForm,
    RoomForm,
    SessionForm,
    SpeakerForm,
)
from agenda.models import Event, Room, Session, Speaker
from agenda.permissions import event_session_or_404, visible_event_or_404
from agenda.signals import agenda_published
from app.auth.permissions import permission_required
from app.core.home import nav_item
from app.extensions import db
from app.formatting import with_kind
from app.forms import ActionForm, choices
from app.opds.forms import opd_choices
from app.search import contains_text
from app.timeutil import to_zone, utcnow

bp = Blueprint("agenda", __name__, url_prefix="/manage", template_folder="templates")
nav_item("plan", 10, _l("Acara"), "public.events", "agenda.view_list")
nav_item("plan", 20, _l("Narasumber"), "agenda.speakers", "agenda.manage")


def _day_choices(event: Event):
    from app.formatting import long_date

    return choices((day.isoformat(), long_date(day)) for day in event.days)


def _room_choices(event: Event):
    return choices([(0, _("— tanpa ruang —"))] + [(room.id, room.name) for room in event.rooms])


def _speaker_choices():
    speakers = db.session.scalars(select(Speaker).order_by(Speaker.name)).all()
    return choices(
        [(0, "—")]
        + [(s.id, f"{s.name} · {s.position}" if s.position else s.name) for s in speakers]
    )


def conflict_message(conflict: Conflict) -> str:
    d = conflict.detail
    messages = {
        # Room names say what they are ("Aula Utama", "Ruang Rapat Utama"): no "Ruang" prefix.
        "room": lambda: _("%(room)s dipakai dua sesi sekaligus: %(a)s dan %(b)s.", **d),
        "speaker": lambda: _(
            "%(speaker)s dijadwalkan di dua tempat sekaligus: %(a)s dan %(b)s.", **d
        ),
        "group": lambda: _(
            "%(group)s dijadwalkan dua kali sekaligus: %(a)s dan %(b)s.",
            **{**d, "group": with_kind(_("Kelompok"), d["group"])},
        ),
        "outside_event": lambda: _("Sesi %(title)s berada di luar tanggal acara.", **d),
        "too_long": lambda: _("Sesi %(title)s lebih lama dari satu hari.", **d),
    }
    return messages[conflict.kind]()


def _conflicts_by_session(conflicts):
    by_session: dict[int, list[str]] = {}
    for conflict in conflicts:
        for session_id in conflict.session_ids:
            by_session.setdefault(session_id, []).append(conflict_message(conflict))
    return by_session


def _flash_conflicts_of(event: Event, session: Session) -> None:
    for conflict in find_conflicts(event):
        if session.id in conflict.session_ids:
            flash(_("Bentrok: %(message)s", message=conflict_message(conflict)), "warning")


# --- events ----------------------------------------------------------------------------------


@bp.route("/events/new", methods=["GET", "POST"])
@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@permission_required("agenda.manage")
def edit_event(slug=None):
    event = visible_event_or_404(slug) if slug else None
    form = EventForm(obj=event)
    form.organiser_opd_id.choices = opd_choices(current=event.organiser_opd if event else None)
    if request.method == "GET":
        if event is not None:
            form.series.data = event.series.title if event.series else ""
            form.organiser_opd_id.data = event.organiser_opd_id or 0
        else:
            form.timezone.data = "Asia/Jakarta"
    if form.validate_on_submit():
        try:
            slug_value = services.event_slug(form.slug.data, form.title.data, event)
        except services.SlugTaken as taken:
            form.slug.errors.append(str(taken))
        else:
            event = services.save_event(
                event or Event(),
                title=form.title.data.strip(),
                slug=slug_value,
                kind=form.kind.data,
                series=services.get_or_create_series((form.series.data or "").strip()),
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                timezone=form.timezone.data,
                venue=(form.venue.data or "").strip(),
                organiser_opd_id=form.organiser_opd_id.data or None,
                description=form.description.data or "",
            )
            db.session.commit()
            flash(_("Acara %(title)s disimpan.", title=event.title), "success")
            return redirect(url_for("agenda.builder", slug=event.slug))
    return render_template("agenda/manage/event_form.html", form=form, event=event)


@bp.post("/events/<slug>/status/<any(published, closed):status>")
@permission_required("agenda.manage")
def set_status(slug, status):
    event = visible_event_or_404(slug)
    if ActionForm().validate_on_submit():
        if status == "published" and services.latest_version(event) is None:
            flash(_("Terbitkan susunan acara terlebih dahulu."), "warning")
        else:
            services.set_status(event, status)
            db.session.commit()
            flash(_("Status acara: %(status)s.", status=STATUS_LABELS[status]), "success")
    return redirect(url_for("agenda.builder", slug=slug))


@bp.route("/events/<slug>/copy", methods=["GET", "POST"])
@permission_required("agenda.manage")
def copy_event(slug):
    source = visible_event_or_404(slug)
    form = CopyForm()
    if request.method == "GET":
        form.title.data = source.title
    if form.validate_on_submit():
        try:
            new_slug = services.event_slug(form.slug.data, form.title.data)
        except services.SlugTaken as taken:
            form.slug.errors.append(str(taken))
        else:
            event = services.copy_event(
                source,
                slug=new_slug,
                title=form.title.data.strip(),
                start_date=form.start_date.data,
            )
            db.session.commit()
            flash(
                _(
                    "Acara disalin dengan %(count)s sesi. Periksa lalu terbitkan.",
                    count=len(event.sessions),
                ),
                "success",
            )
            return redirect(url_for("agenda.builder", slug=event.slug))
    return render_template("agenda/manage/copy.html", form=form, event=source)


# --- builder ---------------------------------------------------------------------------------


@bp.get("/events/<slug>/")
@permission_required("agenda.manage")
def builder(slug):
    event = visible_event_or_404(slug)
    sessions = services.live_sessions(event)
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        today = to_zone(utcnow(), event.timezone).date()
        day = today if event.start_date <= today <= event.end_date else event.start_date
    day_sessions = services.sessions_on_day(event, sessions, day)
    conflicts = find_conflicts(event, sessions)
    return render_template(
        "agenda/manage/builder.html",
        event=event,
        event_links=lambda event: event_links(event, current_user),
        day=day,
        grid=builder_grid(event, day, day_sessions),
        conflicts=[conflict_message(c) for c in conflicts],
        conflicts_by_session=_conflicts_by_session(conflicts),
        version=services.latest_version(event),
        room_form=RoomForm(),
        kinds=SESSION_KIND_LABELS,
        event_kinds=EVENT_KIND_LABELS,
        statuses=STATUS_LABELS,
        outside=[
            s
            for s in sessions
            if not event.start_date
            <= services.local_day(s.starts_at, event.timezone)
            <= event.end_date
        ],
    )


# --- rooms -----------------------------------------------------------------------------------


@bp.post("/events/<slug>/rooms")
@bp.route("/events/<slug>/rooms/<int:room_id>", methods=["GET", "POST"])
@permission_required("agenda.manage")
def edit_room(slug, room_id=None):
    event = visible_event_or_404(slug)
    room = db.get_or_404(Room, room_id) if room_id else None
    if room is not None and room.event_id != event.id:
        abort(404)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        room = services.save_room(
            room or Room(event=event),
            name=form.name.data.strip(),
            capacity=form.capacity.data,
            position=form.position.data or 0,
        )
        db.session.commit()
        flash(_("%(name)s disimpan.", name=room.name), "success")
        return redirect(url_for("agenda.builder", slug=slug))
    if request.method == "POST" and room is None:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return redirect(url_for("agenda.builder", slug=slug))
    return render_template("agenda/manage/room_form.html", form=form, event=event, room=room)


@bp.post("/events/<slug>/rooms/<int:room_id>/delete")
@permission_required("agenda.manage")
def delete_room(slug, room_id):
    event = visible_event_or_404(slug)
    room = db.get_or_404(Room, room_id)
    if room.event_id != event.id:
        abort(404)
    if ActionForm().validate_on_submit():
        services.delete_room(room)
        db.session.commit()
        flash(_("%(name)s dihapus; sesinya kini tanpa ruang.", name=room.name), "success")
    return redirect(url_for("agenda.builder", slug=slug))


# --- sessions --------------------------------------------------------------------------------


@bp.route("/events/<slug>/sessions/new", methods=["GET", "POST"])
@bp.route("/events/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@permission_required("agenda.manage")
def edit_session(slug, session_id=None):
    event = visible_event_or_404(slug)
    session = event_session_or_404(event, session_id) if session_id else None
    form = SessionForm(obj=session)
    form.day.choices = _day_choices(event)
    form.room_id.choices = _room_choices(event)
    speaker_choices = _speaker_choices()
    if request.method == "GET":
        _fill_session_form(form, event, session)
    for row in form.speakers:
        row.speaker_id.choices = speaker_choices
    if form.validate_on_submit():
        starts_at, ends_at = services.session_times(
            event, date.fromisoformat(form.day.data), form.start_time.data, form.end_time.data
        )
        session = services.save_session(
            session or Session(),
            event=event,
            speakers=services.chosen_speakers(
                (row.speaker_id.data, row.role.data) for row in form.speakers
            ),
            title=form.title.data.strip(),
            kind=form.kind.data,
            starts_at=starts_at,
            ends_at=ends_at,
            room_id=form.room_id.data or None,
            track=(form.track.data or "").strip(),
            takes_attendance=form.takes_attendance.data,
            late_after_minutes=15
            if form.late_after_minutes.data is None
            else form.late_after_minutes.data,
            description=form.description.data or "",
        )
        db.session.commit()
        flash(_("Sesi %(title)s disimpan.", title=session.title), "success")
        _flash_conflicts_of(event, session)
        day = services.local_day(session.starts_at, event.timezone)
        return redirect(url_for("agenda.builder", slug=slug, day=day.isoformat()))
    move_form = None
    if session is not None:
        move_form = MoveForm(
            day=form.day.data, start_time=form.start_time.data, room_id=session.room_id or 0
        )
        move_form.day.choices, move_form.room_id.choices = form.day.choices, form.room_id.choices
    return render_template(
        "agenda/manage/session_form.html",
        form=form,
        event=event,
        session=session,
        move_form=move_form,
    )


def _fill_session_form(form: SessionForm, event: Event, session: Session | None) -> None:
    zone = event.timezone
    if session is None:
        form.day.data = request.args.get("day") or event.start_date.isoformat()
        start = request.args.get("start", "09:00")
        try:
            form.start_time.data = datetime.strptime(start, "%H:%M").time()
        except ValueError:
            form.start_time.data = datetime.strptime("09:00", "%H:%M").time()
        form.end_time.data = (
            datetime.combine(date.today(), form.start_time.data) + timedelta(hours=1)
        ).time()
        form.room_id.data = request.args.get("room", 0, type=int)
        return
    start, end = to_zone(session.starts_at, zone), to_zone(session.ends_at, zone)
    form.day.data = start.date().isoformat()
    form.start_time.data, form.end_time.data = start.time(), end.time()
    form.room_id.data = session.room_id or 0
    links = list(session.speaker_links)
    while len(form.speakers) < len(links) + 1 and len(form.speakers) < form.speakers.max_entries:
        form.speakers.append_entry()
    for row, link in zip(form.speakers, links, strict=False):
        row.speaker_id.data, row.role.data = link.speaker_id, link.role


@bp.post("/events/<slug>/sessions/<int:session_id>/move")
@permission_required("agenda.manage")
def move_session(slug, session_id):
    event = visible_event_or_404(slug)
    session = event_session_or_404(event, session_id)
    form = MoveForm()
    form.day.choices, form.room_id.choices = _day_choices(event), _room_choices(event)
    if form.validate_on_submit():
        starts_at, _ends = services.session_times(
            event, date.fromisoformat(form.day.data), form.start_time.data, form.start_time.data
        )
        services.move_session(session, starts_at=starts_at, room_id=form.room_id.data or None)
        db.session.commit()
        flash(_("Sesi %(title)s dipindahkan.", title=session.title), "success")
        _flash_conflicts_of(event, session)
    else:
        flash(_("Waktu atau ruang tujuan tidak valid."), "danger")
    day = services.local_day(session.starts_at, event.timezone)
    return redirect(url_for("agenda.builder", slug=slug, day=day.isoformat()))


@bp.post("/events/<slug>/sessions/<int:session_id>/nudge/<int(signed=True):minutes>")
@permission_required("agenda.manage")
def nudge_session(slug, session_id, minutes):
    """Shift a session by a few minutes (the ±15 buttons in the builder)."""
    event = visible_event_or_404(slug)
    session = event_session_or_404(event, session_id)
    if ActionForm().validate_on_submit() and abs(minutes) <= 240:
        services.move_session(
            session,
            starts_at=session.starts_at + timedelta(minutes=minutes),
            room_id=session.room_id,
        )
        db.session.commit()
        _flash_conflicts_of(event, session)
    day = services.local_day(session.starts_at, event.timezone)
    return redirect(
        url_for("agenda.builder", slug=slug, day=day.isoformat()) + f"#session-{session.id}"
    )


@bp.post(
    "/events/<slug>/sessions/<int:session_id>/<any(duplicate, delete, cancel, restore):action>"
)
@permission_required("agenda.manage")
def session_action(slug, session_id, action):
    event = visible_event_or_404(slug)
    session = event_session_or_404(event, session_id)
    day = services.local_day(session.starts_at, event.timezone)
    if ActionForm().validate_on_submit():
        title = session.title
        if action == "duplicate":
            copy = services.duplicate_session(session)
            db.session.commit()
            flash(_("Sesi %(title)s digandakan; ubah waktu atau ruangnya.", title=title), "success")
            return redirect(url_for("agenda.edit_session", slug=slug, session_id=copy.id))
        if action == "delete":
            services.delete_session(session)
            flash(_("Sesi %(title)s dihapus.", title=title), "success")
        else:
            services.set_cancelled(session, action == "cancel")
            if action == "cancel":
                flash(_("Sesi %(title)s dibatalkan.", title=title), "success")
            else:
                flash(_("Sesi %(title)s diaktifkan kembali.", title=title), "success")
        db.session.commit()
    return redirect(url_for("agenda.builder", slug=slug, day=day.isoformat()))


# --- publication -----------------------------------------------------------------------------


@bp.route("/events/<slug>/publish", methods=["GET", "POST"])
@permission_required("agenda.manage")
def publish(slug):
    event = visible_event_or_404(slug)
    conflicts = [conflict_message(c) for c in find_conflicts(event)]
    previous = services.latest_version(event)
    preview = (
        versions.diff_snapshots(
            previous.snapshot, versions.build_snapshot(event, previous.snapshot)
        )
        if previous
        else None
    )
    form = PublishForm()
    if form.validate_on_submit():
        if conflicts and not form.confirm_conflicts.data:
            form.confirm_conflicts.errors.append(
                _("Ada bentrok jadwal. Centang konfirmasi untuk tetap menerbitkan.")
            )
        elif versions.nothing_to_publish(event, previous):
            flash(_("Tidak ada perubahan sejak versi %(number)s.", number=previous.number), "info")
            return redirect(url_for("agenda.builder", slug=slug))
        else:
            version = versions.publish(event, current_user, note=form.note.data or "")
            db.session.commit()
            for _receiver, message in agenda_published.send(event, version=version):
                if message:
                    flash(message, "info")
            flash(
                _("Susunan acara versi %(number)s diterbitkan.", number=version.number), "success"
            )
            return redirect(url_for("public.agenda", slug=slug))
    return render_template(
        "agenda/manage/publish.html",
        event=event,
        form=form,
        conflicts=conflicts,
        previous=previous,
        changes=change_log.describe_changes(preview, event.timezone)
        if preview is not None
        else None,
    )


# --- speakers --------------------------------------------------------------------------------


@bp.get("/speakers/")
@permission_required("agenda.manage")
def speakers():
    search = request.args.get("q", "").strip()
    query = select(Speaker).order_by(Speaker.name)
    if search:
        query = query.where(contains_text(search, Speaker.name, Speaker.institution))
    page = db.paginate(query, per_page=50)
    return render_template("agenda/manage/speakers.html", page=page, search=search)


@bp.route("/speakers/new", methods=["GET", "POST"])
@bp.route("/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
@permission_required("agenda.manage")
def edit_speaker(speaker_id=None):
    speaker = db.get_or_404(Speaker, speaker_id) if speaker_id else None
    form = SpeakerForm(obj=speaker)
    if form.validate_on_submit():
        speaker = services.save_speaker(
            speaker or Speaker(),
            name=form.name.data.strip(),
            position=(form.position.data or "").strip(),
            institution=(form.institution.data or "").strip(),
            bio=form.bio.data or "",
        )
        db.session.commit()
        flash(_("Narasumber %(name)s disimpan.", name=speaker.name), "success")
        return redirect(url_for("agenda.speakers"))
    return render_template(
        "agenda/manage/speaker_form.html", form=form, speaker=speaker, roles=SPEAKER_ROLE_LABELS
    )
