"""Demo follow-up: what the past Strategic Meeting decided, and where each OPD stands.

Items in every status of the vocabulary, some overdue, with progress reports (narrative and a
small evidence PDF), accepted or returned by the Bagian Organisasi, one still waiting.
"""

from datetime import datetime, timedelta
from io import BytesIO

from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from agenda.models import Event
from app import uploads
from app.auth.models import User
from app.demo_steps import demo_step
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import to_zone, utcnow
from followup.models import ActionItem, Evidence, PriorityProgram, ProgressUpdate

# (title, kind, lead, supporting, due in days from the meeting, status, progress, reports)
# reports: (progress, narrative, review: accepted/returned/pending, comment)
ITEMS = [
    (
        "Percepat realisasi belanja modal hingga target 75% pada triwulan IV",
        "komitmen",
        "DPUPR",
        ["BAG-PBJ"],
        40,
        "dalam_proses",
        45,
        [
            (
                30,
                "Lelang 12 paket jalan lingkungan selesai; kontrak ditandatangani.",
                "accepted",
                "",
            ),
            (45, "Progres fisik paket drainase Jl. Diponegoro 45%.", "pending", ""),
        ],
    ),
    (
        "Kontrak kinerja khusus bagi 10 OPD dengan realisasi terendah",
        "komitmen",
        "BAG-ORG",
        ["BAPPEDA", "BKD"],
        10,
        "sesuai",
        100,
        [(100, "Sepuluh kontrak kinerja khusus ditandatangani kepala OPD.", "accepted", "")],
    ),
    (
        "Selaraskan program OPD dengan 15 program prioritas Mbatu SAE dalam Renja 2027",
        "rekomendasi",
        "BAPPEDA",
        ["BAG-ORG"],
        30,
        "belum_sesuai",
        60,
        [
            (
                60,
                "Matriks keselarasan program 34 OPD disusun.",
                "returned",
                "Matriks belum memuat indikator kinerja per program; lengkapi sebelum dinilai.",
            )
        ],
    ),
    (
        "Pakta integritas seluruh pejabat sebelum mutasi jabatan",
        "komitmen",
        "BKPSDM",
        ["INSPEKTORAT"],
        14,
        "dalam_proses",
        70,
        [(70, "Pakta integritas 214 dari 305 pejabat telah ditandatangani.", "accepted", "")],
    ),
    (
        "Susun peta masalah penyerapan anggaran bersama tenaga ahli wali kota",
        "tugas",
        "BAPPEDA",
        [],
        7,
        "belum_ditindaklanjuti",
        0,
        [],
    ),
    (
        "Percepat layanan perizinan daring untuk investasi pariwisata",
        "rekomendasi",
        "DPMPTSP",
        ["DISPARTA", "DISKOMINFO"],
        60,
        "dalam_proses",
        35,
        [(35, "Integrasi OSS dengan sistem perizinan daerah diuji coba.", "accepted", "")],
    ),
    (
        "Alihkan anggaran kegiatan seremonial ke program prioritas Program 1.000 Sarjana",
        "tugas",
        "DISDIK",
        ["BAPPEDA"],
        45,
        "tidak_dapat_ditindaklanjuti",
        0,
        [
            (
                0,
                "Anggaran telah terikat kontrak sebelum rapat; pengalihan hanya mungkin di APBD-P.",
                "accepted",
                "Dicatat; dibawa ke pembahasan APBD Perubahan.",
            )
        ],
    ),
    (
        "Laporkan capaian fisik proyek strategis kepada pimpinan setiap bulan",
        "tugas",
        "DPUPR",
        ["DISPERKIM"],
        5,
        "belum_ditindaklanjuti",
        0,
        [],
    ),
]


# The year's 15 priority programs (Mbatu SAE) and the OPD leading each.
PROGRAMS = [
    ("Program 1.000 Sarjana", "DISDIK"),
    ("Layanan kesehatan gratis berbasis NIK", "DINKES"),
    ("Jalan lingkungan dan drainase perkotaan", "DPUPR"),
    ("Penataan kawasan wisata terpadu", "DISPARTA"),
    ("UMKM naik kelas dan pasar rakyat", "DISKUMDAG"),
    ("Pertanian organik dan ketahanan pangan", "DKPP"),
    ("Pengelolaan sampah dari hulu", "DLH"),
    ("Reformasi birokrasi dan pelayanan publik digital", "BAG-ORG"),
    ("Perizinan cepat untuk investasi", "DPMPTSP"),
    ("Percepatan penurunan stunting", "DP3AP2KB"),
    ("Bedah rumah tidak layak huni", "DISPERKIM"),
    ("Transportasi wisata dan urai kemacetan", "DISHUB"),
    ("Batu kota cerdas dan satu data", "DISKOMINFO"),
    ("Desa dan kelurahan berdaya", "DPMD"),
    ("Olahraga prestasi dan kepemudaan", "DISPORA"),
]
# Which demo item (by title start) serves which program (number).
ITEM_PROGRAMS = {
    "Percepat realisasi": 3,
    "Selaraskan program": 8,
    "Percepat layanan": 9,
    "Alihkan anggaran": 1,
}


@demo_step(65)
def seed_programs(echo):
    year = to_zone(utcnow()).date().year
    if db.session.scalar(
        select(func.count()).select_from(PriorityProgram).where(PriorityProgram.year == year)
    ):
        return
    opds = {o.code: o.id for o in db.session.scalars(select(Opd))}
    for number, (name, lead) in enumerate(PROGRAMS, start=1):
        db.session.add(
            PriorityProgram(year=year, number=number, name=name, lead_opd_id=opds.get(lead))
        )
    db.session.flush()
    echo(f"Priority programs: {len(PROGRAMS)} for {year}")


def _evidence_pdf(title: str) -> bytes:
    out = BytesIO()
    canvas = Canvas(out)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 770, "Bukti dukung tindak lanjut")
    canvas.drawString(72, 750, title[:90])
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@demo_step(70)
def seed_followup(echo):
    event = db.session.scalar(select(Event).where(Event.slug == "strategic-meeting-iii"))
    if event is None:
        return
    if db.session.scalar(
        select(func.count()).select_from(ActionItem).where(ActionItem.event_id == event.id)
    ):
        echo("Follow-up: already seeded")
        return
    opds = {o.code: o for o in db.session.scalars(select(Opd))}
    users = {u.email: u for u in db.session.scalars(select(User))}
    organiser = users.get("panitia@demo.test")
    held = datetime.combine(event.start_date, datetime.min.time()) + timedelta(hours=5)
    programs = {
        p.number: p.id
        for p in db.session.scalars(
            select(PriorityProgram).where(PriorityProgram.year == event.start_date.year)
        )
    }
    for title, kind, lead, support, due, status, progress, reports in ITEMS:
        if lead not in opds:
            continue
        item = ActionItem(
            event_id=event.id,
            title=title,
            kind=kind,
            lead_opd_id=opds[lead].id,
            due_on=event.start_date + timedelta(days=due),
            status=status,
            progress=progress,
            created_by_id=organiser.id if organiser else None,
            created_at=held,
            priority_program_id=next(
                (programs.get(n) for start, n in ITEM_PROGRAMS.items() if title.startswith(start)),
                None,
            ),
        )
        item.supporting_opds = [opds[c] for c in support if c in opds]
        db.session.add(item)
        author = users.get(f"opd-{lead.lower()}@demo.test")
        for number, (done, narrative, review, comment) in enumerate(reports, start=1):
            at = held + timedelta(days=3 * number)
            update = ProgressUpdate(
                item=item,
                opd_id=opds[lead].id,
                author_id=author.id if author else None,
                progress=done,
                narrative=narrative,
                created_at=at,
                review=review,
                review_status=status if review != "pending" else "",
                review_comment=comment,
                reviewed_by_id=organiser.id if organiser and review != "pending" else None,
                reviewed_at=at + timedelta(days=1) if review != "pending" else None,
            )
            stored = uploads.store(
                _evidence_pdf(narrative), f"bukti-{lead.lower()}-{number}.pdf", {"pdf"}
            )
            update.evidence.append(
                Evidence(
                    sha256=stored.sha256,
                    filename=stored.filename,
                    kind=stored.kind,
                    size=stored.size,
                )
            )
            db.session.add(update)
    db.session.flush()
    echo(f"Follow-up: {len(ITEMS)} action items of {event.title}")
