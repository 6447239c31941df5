"""Demo events for ``seed demo``: a past Strategic Meeting III, a Rapat Koordinasi and an
upcoming 3-day retreat, dated relative to today so the demo always has past and future.

Over 400 lines: mostly the demo agendas themselves (titles, speakers, times) as data."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from agenda import services, versions
from agenda.models import Event, Room, Session, Speaker
from app.demo_steps import demo_step
from app.extensions import db
from app.opds.services import get_by_code
from app.timeutil import to_zone, utcnow

SPEAKERS = {
    "walikota": ("Nurochman", "Wali Kota Batu", "Pemerintah Kota Batu"),
    "wawali": ("Heli Suyanto", "Wakil Wali Kota Batu", "Pemerintah Kota Batu"),
    "sekda": ("Drs. Bambang Sutrisno, M.Si.", "Sekretaris Daerah", "Pemerintah Kota Batu"),
    "kabag_org": (
        "Sopa Ike Paci, S.STP., M.Si.",
        "Kepala Bagian Organisasi",
        "Sekretariat Daerah Kota Batu",
    ),
    "bkn": ("Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.", "Kepala Badan Kepegawaian Negara", "BKN"),
    "mendagri": (
        "Muhammad Tito Karnavian, Ph.D.",
        "Menteri Dalam Negeri",
        "Kementerian Dalam Negeri",
    ),
    "sekdaprov": (
        "Adhy Karyono",
        "Sekretaris Daerah Provinsi Jawa Timur",
        "Pemerintah Provinsi Jawa Timur",
    ),
    "paliatif": (
        "dr. Agus Ali Fauzi, PGD PallMed (ECU)",
        "Dokter Ahli Paliatif",
        "RSUD Dr. Soetomo Surabaya",
    ),
    "mc": (
        "Rina Kartikasari, S.I.Kom.",
        "Pranata Humas",
        "Bagian Protokol dan Komunikasi Pimpinan",
    ),
}

# (day index, start, end, title, kind, room, track, speakers [(key, role)], attendance)
STRATEGIC_MEETING = [
    (0, "07:30", "08:00", "Registrasi peserta", "break", "Ballroom", "", [], False),
    (
        0,
        "08:00",
        "08:45",
        "Pembukaan dan arahan Wali Kota",
        "ceremony",
        "Ballroom",
        "",
        [("walikota", "narasumber"), ("mc", "mc")],
        True,
    ),
    (
        0,
        "08:45",
        "10:15",
        "Paparan realisasi anggaran dan kinerja perangkat daerah triwulan III",
        "plenary",
        "Ballroom",
        "",
        [("kabag_org", "pemateri")],
        True,
    ),
    (0, "10:15", "10:30", "Rehat kopi", "break", "Ballroom", "", [], False),
    (
        0,
        "10:30",
        "12:00",
        "Evaluasi capaian program prioritas per SKPD",
        "discussion",
        "Ballroom",
        "",
        [("sekda", "moderator"), ("wawali", "narasumber")],
        True,
    ),
    (0, "12:00", "13:00", "Ishoma", "break", "", "", [], False),
    (
        0,
        "13:00",
        "14:30",
        "Penetapan SKPD asistensi dan rekomendasi tindak lanjut",
        "discussion",
        "Ballroom",
        "",
        [("sekda", "moderator")],
        True,
    ),
    (
        0,
        "14:30",
        "15:00",
        "Penutupan",
        "ceremony",
        "Ballroom",
        "",
        [("walikota", "narasumber"), ("mc", "mc")],
        False,
    ),
]
# The next quarterly meeting of the series, its agenda still being drafted; the follow-up demo
# carries open items of Strategic Meeting III over to it (followup/demo.py).
STRATEGIC_MEETING_IV = [
    (0, "07:30", "08:00", "Registrasi peserta", "break", "Ballroom", "", [], False),
    (
        0,
        "08:00",
        "08:45",
        "Pembukaan dan arahan Wali Kota",
        "ceremony",
        "Ballroom",
        "",
        [("walikota", "narasumber"), ("mc", "mc")],
        True,
    ),
    (
        0,
        "08:45",
        "10:15",
        "Paparan realisasi anggaran triwulan IV dan capaian kinerja tahunan",
        "plenary",
        "Ballroom",
        "",
        [("kabag_org", "pemateri")],
        True,
    ),
    (0, "10:15", "10:30", "Rehat kopi", "break", "Ballroom", "", [], False),
    (0, "12:00", "13:00", "Ishoma", "break", "", "", [], False),
]
RAKOR = [
    (
        0,
        "13:00",
        "13:30",
        "Pembukaan oleh Wali Kota",
        "ceremony",
        "Ruang Rapat Utama",
        "",
        [("walikota", "narasumber")],
        True,
    ),
    (
        0,
        "13:30",
        "15:00",
        "Percepatan 15 program prioritas Mbatu SAE",
        "discussion",
        "Ruang Rapat Utama",
        "",
        [("wawali", "moderator"), ("kabag_org", "pemateri")],
        True,
    ),
    (
        0,
        "15:00",
        "16:00",
        "Pemetaan kendala lintas SKPD dan kesepakatan",
        "discussion",
        "Ruang Rapat Utama",
        "",
        [("sekda", "moderator")],
        False,
    ),
]
RETREAT = [
    (
        0,
        "07:00",
        "08:00",
        "Kedatangan dan registrasi peserta",
        "break",
        "Aula Utama",
        "",
        [],
        False,
    ),
    (
        0,
        "08:00",
        "08:45",
        "Apel pembukaan retret",
        "ceremony",
        "Lapangan Upacara",
        "",
        [("walikota", "narasumber"), ("mc", "mc")],
        True,
    ),
    (
        0,
        "09:00",
        "10:30",
        "Arahan Menteri Dalam Negeri: sinkronisasi kebijakan pusat dan daerah",
        "plenary",
        "Aula Utama",
        "",
        [("mendagri", "narasumber"), ("sekda", "moderator")],
        True,
    ),
    (0, "10:30", "10:45", "Rehat kopi", "break", "Aula Utama", "", [], False),
    (
        0,
        "10:45",
        "12:15",
        "Manajemen ASN dan sistem merit",
        "plenary",
        "Aula Utama",
        "",
        [("bkn", "narasumber"), ("sekda", "moderator")],
        True,
    ),
    (0, "12:15", "13:30", "Ishoma", "break", "", "", [], False),
    (
        0,
        "13:30",
        "15:00",
        "Kolaborasi program prioritas Provinsi Jawa Timur dan Kota Batu",
        "plenary",
        "Aula Utama",
        "",
        [("sekdaprov", "narasumber")],
        True,
    ),
    (
        0,
        "15:15",
        "17:00",
        "Diskusi kelompok: kepala OPD",
        "discussion",
        "Ruang Kelas A",
        "Kelompok A",
        [],
        True,
    ),
    (
        0,
        "15:15",
        "17:00",
        "Diskusi kelompok: camat dan lurah",
        "discussion",
        "Ruang Kelas B",
        "Kelompok B",
        [],
        True,
    ),
    (
        0,
        "15:15",
        "17:00",
        "Diskusi kelompok: sekretaris dan kepala bidang",
        "discussion",
        "Ruang Kelas C",
        "Kelompok C",
        [],
        True,
    ),
    (
        0,
        "19:30",
        "21:00",
        "Refleksi malam",
        "discussion",
        "Aula Utama",
        "",
        [("wawali", "moderator")],
        False,
    ),
    (1, "05:30", "06:15", "Apel pagi", "ceremony", "Lapangan Upacara", "", [], True),
    (
        1,
        "07:00",
        "11:00",
        "Outbound: kepemimpinan dan kerja tim",
        "field",
        "Lapangan Upacara",
        "",
        [],
        True,
    ),
    (1, "11:00", "13:00", "Ishoma", "break", "", "", [], False),
    (
        1,
        "13:00",
        "14:30",
        "Kepemimpinan humanis dan ketangguhan pelayan publik",
        "plenary",
        "Aula Utama",
        "",
        [("paliatif", "narasumber"), ("kabag_org", "moderator")],
        True,
    ),
    (
        1,
        "14:45",
        "17:00",
        "Diskusi kelompok: rencana aksi 2027",
        "discussion",
        "Ruang Kelas A",
        "Kelompok A",
        [],
        True,
    ),
    (
        1,
        "14:45",
        "17:00",
        "Diskusi kelompok: pelayanan kewilayahan",
        "discussion",
        "Ruang Kelas B",
        "Kelompok B",
        [],
        True,
    ),
    (
        1,
        "14:45",
        "17:00",
        "Diskusi kelompok: tata kelola anggaran",
        "discussion",
        "Ruang Kelas C",
        "Kelompok C",
        [],
        True,
    ),
    (2, "05:30", "06:15", "Apel pagi", "ceremony", "Lapangan Upacara", "", [], True),
    (
        2,
        "08:00",
        "10:00",
        "Presentasi hasil diskusi kelompok",
        "plenary",
        "Aula Utama",
        "",
        [("sekda", "moderator")],
        True,
    ),
    (
        2,
        "10:15",
        "11:00",
        "Penandatanganan pakta integritas kepala OPD",
        "ceremony",
        "Aula Utama",
        "",
        [("walikota", "narasumber")],
        True,
    ),
    (
        2,
        "11:00",
        "12:00",
        "Penutupan retret",
        "ceremony",
        "Aula Utama",
        "",
        [("walikota", "narasumber"), ("mc", "mc")],
        True,
    ),
]
ROOMS = {
    "Ballroom": 250,
    "Ruang Rapat Utama": 80,
    "Aula Utama": 400,
    "Ruang Kelas A": 60,
    "Ruang Kelas B": 60,
    "Ruang Kelas C": 60,
    "Lapangan Upacara": None,
}


def _speakers() -> dict[str, Speaker]:
    existing = {s.name: s for s in db.session.scalars(select(Speaker))}
    result = {}
    for key, (name, position, institution) in SPEAKERS.items():
        result[key] = existing.get(name) or services.save_speaker(
            Speaker(), name=name, position=position, institution=institution
        )
    return result


def _create(
    slug, title, kind, start: date, days: int, venue: str, rows, speakers, series=None
) -> Event | None:
    if db.session.scalar(select(Event.id).where(Event.slug == slug)):
        return None
    organiser = get_by_code("BAG-ORG")
    event = services.save_event(
        Event(),
        slug=slug,
        title=title,
        kind=kind,
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        timezone="Asia/Jakarta",
        venue=venue,
        organiser_opd_id=organiser.id if organiser else None,
        series=services.get_or_create_series(series) if series else None,
        status="draft",
    )
    rooms = {}
    for name in dict.fromkeys(row[5] for row in rows if row[5]):
        rooms[name] = services.save_room(
            Room(event=event), name=name, capacity=ROOMS.get(name), position=len(rooms)
        )
    for (
        day,
        start_text,
        end_text,
        session_title,
        session_kind,
        room,
        track,
        people,
        attendance,
    ) in rows:
        session_day = start + timedelta(days=day)
        starts = datetime.combine(session_day, datetime.strptime(start_text, "%H:%M").time())
        ends = datetime.combine(session_day, datetime.strptime(end_text, "%H:%M").time())
        services.save_session(
            Session(),
            event=event,
            title=session_title,
            kind=session_kind,
            starts_at=services.to_utc(starts, event.timezone),
            ends_at=services.to_utc(ends, event.timezone),
            room=rooms.get(room),
            track=track,
            takes_attendance=attendance,
            speakers=[(speakers[key], role) for key, role in people],
        )
    db.session.flush()
    return event


@demo_step(40)
def seed_events(echo):
    today = to_zone(utcnow()).date()
    speakers = _speakers()
    year = today.year
    past = _create(
        "strategic-meeting-iii",
        f"Strategic Meeting III Tahun {year}",
        "strategic_meeting",
        today - timedelta(days=20),
        1,
        "Hotel Aston Batu",
        STRATEGIC_MEETING,
        speakers,
        series=f"Strategic Meeting {year}",
    )
    if past is not None:
        versions.publish(past, note="Susunan acara final")
        services.set_status(past, "closed")
    _create(  # a quarter later, same weekday; a draft while its agenda is prepared
        "strategic-meeting-iv",
        f"Strategic Meeting IV Tahun {year}",
        "strategic_meeting",
        today - timedelta(days=20) + timedelta(weeks=13),
        1,
        "Hotel Aston Batu",
        STRATEGIC_MEETING_IV,
        speakers,
        series=f"Strategic Meeting {year}",
    )
    rakor = _create(
        "rakor-program-prioritas",
        "Rapat Koordinasi Percepatan Program Prioritas",
        "rapat_koordinasi",
        today,  # held today: the demo's door scanner and self check-in have a live event
        1,
        "Balai Kota Among Tani, Kota Batu",
        RAKOR,
        speakers,
    )
    if rakor is not None:
        versions.publish(rakor)
    retreat = _create(
        "retret-kepemimpinan-asn",
        f"Retret Kepemimpinan ASN Pemerintah Kota Batu {year}",
        "retret",
        today + timedelta(days=21),
        3,
        "Kawasan Akademi Militer, Magelang",
        RETREAT,
        speakers,
    )
    if retreat is not None:
        versions.publish(retreat, note="Versi awal")
        # A realistic change after publication: BKN's session moves to the afternoon slot.
        sessions = {s.title: s for s in services.live_sessions(retreat)}
        bkn = sessions["Manajemen ASN dan sistem merit"]
        province = sessions["Kolaborasi program prioritas Provinsi Jawa Timur dan Kota Batu"]
        bkn_start, province_start = bkn.starts_at, province.starts_at
        services.move_session(bkn, starts_at=province_start, room_id=bkn.room_id)
        services.move_session(province, starts_at=bkn_start, room_id=province.room_id)
        versions.publish(retreat, note="Sesi Kepala BKN dipindah ke siang hari")
    count = db.session.scalar(select(db.func.count()).select_from(Event))
    echo(
        f"Events: {count} (Strategic Meeting III and IV, Rapat Koordinasi, Retret Kepemimpinan ASN)"
    )
