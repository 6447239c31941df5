"""Demo follow-up: what the past Strategic Meeting decided, and where each OPD stands.

About 40 decisions across some 30 OPDs, in every status of the vocabulary: some overdue, some
with a report waiting for verification, some returned to the OPD, some carried over to the
next meeting of the series; reports carry a narrative and a small evidence PDF. The module is
long only because those decisions are written out as data; the code is the two steps below.
"""

from datetime import datetime, time, timedelta
from io import BytesIO

from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from agenda.models import Event
from app.auth.models import User
from app.demo_steps import demo_step
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import to_zone, utcnow
from followup import services
from followup.meetings import services as meetings
from followup.models import ActionItem, PriorityProgram

# Reports: (progress, claimed status, narrative, review, organiser's comment); review is
# "accepted", "returned" or "pending". Abbreviations for the claimed status:
P, S, T = "dalam_proses", "sesuai", "tidak_dapat_ditindaklanjuti"
# Each decision: (title, kind, lead, supporting, due in days after the meeting, reports,
# carried over to the next meeting). The meeting was 20 days ago: a due date under 20 days is
# past, so an item still open there is overdue. Statuses are not set here: they follow from the
# reports and their verification, through the state machine, as in real use.
ITEMS = [
    # Sesuai: done and verified.
    (
        "Kontrak kinerja khusus bagi 10 OPD dengan realisasi terendah",
        "komitmen",
        "BAG-ORG",
        ["BAPPEDA", "BKD"],
        10,
        [(100, S, "Sepuluh kontrak kinerja khusus ditandatangani kepala OPD.", "accepted", "")],
        False,
    ),
    (
        "Tetapkan SKPD peserta asistensi tenaga ahli wali kota",
        "tugas",
        "BAG-ORG",
        [],
        5,
        [(100, S, "SK penetapan 10 SKPD peserta asistensi terbit.", "accepted", "")],
        False,
    ),
    (
        "Terbitkan surat edaran percepatan penyerapan anggaran triwulan IV",
        "tugas",
        "BKD",
        ["SETDA"],
        7,
        [
            (
                100,
                S,
                "Surat edaran Wali Kota tentang percepatan belanja diterbitkan.",
                "accepted",
                "",
            )
        ],
        False,
    ),
    (
        "Publikasikan capaian 15 program prioritas di laman resmi pemerintah kota",
        "tugas",
        "DISKOMINFO",
        ["BAG-PROKOPIM"],
        21,
        [
            (60, P, "Halaman dasbor program prioritas tayang dalam versi uji.", "accepted", ""),
            (100, S, "Dasbor capaian program prioritas tayang untuk umum.", "accepted", ""),
        ],
        False,
    ),
    (
        "Laporkan rekapitulasi aset hasil belanja modal triwulan III",
        "tugas",
        "BKD",
        ["DPUPR"],
        14,
        [(100, S, "Rekapitulasi aset belanja modal diserahkan ke Inspektorat.", "accepted", "")],
        False,
    ),
    (
        "Bentuk tim percepatan penurunan stunting tingkat kelurahan",
        "rekomendasi",
        "DP3AP2KB",
        ["DINKES", "KEC-BATU"],
        18,
        [(100, S, "SK tim percepatan di 24 desa dan kelurahan ditandatangani.", "accepted", "")],
        False,
    ),
    (
        "Sosialisasikan layanan kesehatan gratis berbasis NIK di setiap puskesmas",
        "tugas",
        "DINKES",
        ["DISPENDUK"],
        15,
        [
            (
                100,
                S,
                "Sosialisasi selesai di 5 puskesmas; spanduk dan leaflet terpasang.",
                "accepted",
                "",
            )
        ],
        False,
    ),
    # Dalam proses: verified progress, some with a newer report waiting.
    (
        "Percepat realisasi belanja modal hingga target 75% pada triwulan IV",
        "komitmen",
        "DPUPR",
        ["BAG-PBJ"],
        40,
        [
            (
                30,
                P,
                "Lelang 12 paket jalan lingkungan selesai; kontrak ditandatangani.",
                "accepted",
                "",
            ),
            (45, P, "Progres fisik paket drainase Jl. Diponegoro 45%.", "pending", ""),
        ],
        False,
    ),
    (
        "Pakta integritas seluruh pejabat sebelum mutasi jabatan",
        "komitmen",
        "BKPSDM",
        ["INSPEKTORAT"],
        14,
        [(70, P, "Pakta integritas 214 dari 305 pejabat telah ditandatangani.", "accepted", "")],
        False,
    ),
    (
        "Percepat layanan perizinan daring untuk investasi pariwisata",
        "rekomendasi",
        "DPMPTSP",
        ["DISPARTA", "DISKOMINFO"],
        60,
        [(35, P, "Integrasi OSS dengan sistem perizinan daerah diuji coba.", "accepted", "")],
        False,
    ),
    (
        "Koordinasikan pembiayaan Program 1.000 Sarjana dengan Pemprov Jawa Timur",
        "rekomendasi",
        "DISDIK",
        ["BAPPEDA", "BKD"],
        45,
        [
            (
                20,
                P,
                "Rapat koordinasi dengan Dinas Pendidikan Provinsi dilaksanakan.",
                "accepted",
                "",
            ),
            (40, P, "Draf perjanjian kerja sama pembiayaan dibahas bagian hukum.", "pending", ""),
        ],
        False,
    ),
    (
        "Tuntaskan 12 paket fisik bedah rumah tidak layak huni",
        "komitmen",
        "DISPERKIM",
        ["DINSOS"],
        12,
        [(50, P, "Enam dari 12 rumah selesai dibedah.", "accepted", "")],
        False,
    ),
    (
        "Evaluasi penempatan pejabat administrator sesuai kompetensi",
        "rekomendasi",
        "BKPSDM",
        ["BAG-ORG"],
        50,
        [(40, P, "Uji kompetensi 64 pejabat administrator selesai.", "accepted", "")],
        False,
    ),
    (
        "Petakan target dan kendala program prioritas per SKPD",
        "tugas",
        "BAPPEDA",
        ["BAG-ORG"],
        30,
        [
            (50, P, "Peta kendala 20 SKPD tersusun.", "accepted", ""),
            (80, P, "Peta kendala 32 SKPD tersusun; sisa kecamatan.", "pending", ""),
        ],
        False,
    ),
    (
        "Tata parkir dan rekayasa lalu lintas kawasan wisata akhir pekan",
        "rekomendasi",
        "DISHUB",
        ["SATPOLPP", "DISPARTA"],
        35,
        [(30, P, "Uji coba satu arah Jl. Panglima Sudirman dua akhir pekan.", "accepted", "")],
        False,
    ),
    (
        "Optimalkan pengelolaan sampah dari hulu di tiga kecamatan",
        "rekomendasi",
        "DLH",
        ["KEC-BATU", "KEC-JUNREJO", "KEC-BUMIAJI"],
        75,
        [(25, P, "TPS3R di Kecamatan Junrejo beroperasi.", "accepted", "")],
        False,
    ),
    (
        "Siapkan inovasi pelayanan publik untuk lomba inovasi daerah",
        "tugas",
        "BAG-ORG",
        ["BAPPEDA"],
        55,
        [
            (30, P, "Sembilan proposal inovasi dikurasi.", "accepted", ""),
            (60, P, "Lima inovasi terpilih didampingi penyusunan profil.", "pending", ""),
        ],
        False,
    ),
    (
        "Perluas pasar rakyat daring bagi UMKM binaan",
        "rekomendasi",
        "DISKUMDAG",
        ["DISKOMINFO"],
        65,
        [(45, P, "140 UMKM binaan terdaftar di lokapasar daerah.", "accepted", "")],
        False,
    ),
    (
        "Tuntaskan pembayaran termin paket pekerjaan yang telah selesai",
        "tugas",
        "BAG-PBJ",
        ["BKD"],
        10,
        [(60, P, "Termin 18 dari 30 paket telah dibayarkan.", "accepted", "")],
        False,
    ),
    # Belum ditindaklanjuti: nothing verified yet (a first report may be waiting).
    (
        "Laporkan capaian fisik proyek strategis kepada pimpinan setiap bulan",
        "tugas",
        "DPUPR",
        ["DISPERKIM"],
        5,
        [],
        False,
    ),
    (
        "Tinjau ulang kegiatan yang tidak selaras dengan RKPD 2027",
        "rekomendasi",
        "BAPPEDA",
        [],
        12,
        [],
        False,
    ),
    (
        "Pastikan kesiapan sarana olahraga untuk Porprov",
        "tugas",
        "DISPORA",
        ["DPUPR"],
        9,
        [],
        False,
    ),
    (
        "Susun rencana aksi pengendalian inflasi daerah menjelang Natal dan Tahun Baru",
        "tugas",
        "BAG-EKON",
        ["DKPP", "DISKUMDAG"],
        30,
        [(20, P, "Rapat TPID menyepakati operasi pasar di dua titik.", "pending", "")],
        False,
    ),
    (
        "Digitalisasi arsip perizinan dan kepegawaian",
        "tugas",
        "DISPUSIP",
        ["BKPSDM", "DPMPTSP"],
        80,
        [(15, P, "Pemindaian 4.000 berkas kepegawaian dimulai.", "pending", "")],
        False,
    ),
    (
        "Susun kajian risiko bencana kawasan wisata lereng Gunung Panderman",
        "tugas",
        "BPBD",
        ["DISPARTA"],
        70,
        [
            (
                10,
                P,
                "Kerangka acuan kajian disusun.",
                "returned",
                "Lampirkan kerangka acuan yang sudah ditandatangani kepala badan.",
            )
        ],
        False,
    ),
    (
        "Perbarui data penerima bantuan sosial berbasis NIK",
        "rekomendasi",
        "DINSOS",
        ["DISPENDUK"],
        90,
        [],
        False,
    ),
    (
        "Inventarisasi aset desa yang belum bersertifikat",
        "tugas",
        "DPMD",
        ["BAG-PEM"],
        85,
        [],
        False,
    ),
    # Belum sesuai: the work was judged not to match the decision.
    (
        "Selaraskan program OPD dengan 15 program prioritas Mbatu SAE dalam Renja 2027",
        "rekomendasi",
        "BAPPEDA",
        ["BAG-ORG"],
        30,
        [
            (
                100,
                S,
                "Matriks keselarasan program 34 OPD disusun.",
                "returned",
                "Matriks belum memuat indikator kinerja per program; lengkapi sebelum dinilai.",
            )
        ],
        False,
    ),
    (
        "Tertibkan pedagang kaki lima di kawasan alun-alun sesuai perda",
        "rekomendasi",
        "SATPOLPP",
        ["DISKUMDAG"],
        14,
        [
            (
                100,
                S,
                "Penertiban dilakukan dua kali.",
                "returned",
                "Belum ada relokasi ke lokasi yang disepakati; penertiban saja belum sesuai.",
            )
        ],
        False,
    ),
    (
        "Lengkapi standar pelayanan di seluruh kecamatan",
        "rekomendasi",
        "KEC-BUMIAJI",
        ["BAG-ORG"],
        45,
        [
            (
                100,
                S,
                "Standar pelayanan dipasang di ruang tunggu kantor kecamatan.",
                "returned",
                "Standar pelayanan belum memuat waktu dan biaya layanan.",
            ),
            (70, P, "Standar pelayanan direvisi memuat waktu dan biaya layanan.", "accepted", ""),
        ],
        False,
    ),
    # Tidak dapat ditindaklanjuti, with the reason.
    (
        "Alihkan anggaran kegiatan seremonial ke program prioritas Program 1.000 Sarjana",
        "tugas",
        "DISDIK",
        ["BAPPEDA"],
        45,
        [
            (
                0,
                T,
                "Anggaran telah terikat kontrak sebelum rapat; pengalihan hanya mungkin di APBD-P.",
                "accepted",
                "Dicatat; dibawa ke pembahasan APBD Perubahan.",
            )
        ],
        False,
    ),
    (
        "Bangun gedung parkir terpadu di pusat kota pada tahun anggaran berjalan",
        "rekomendasi",
        "DISHUB",
        ["DPUPR"],
        40,
        [
            (
                5,
                T,
                "Lahan belum tersedia dan tidak ada pagu di APBD berjalan; diusulkan ke RKPD 2028.",
                "accepted",
                "",
            )
        ],
        False,
    ),
    (
        "Hapus retribusi pasar bagi pedagang baru selama enam bulan",
        "rekomendasi",
        "DISKUMDAG",
        ["BKD"],
        30,
        [
            (
                0,
                T,
                "Bertentangan dengan perda retribusi yang berlaku; perlu perubahan perda lebih dulu.",
                "accepted",
                "",
            )
        ],
        False,
    ),
    # Carried over to Strategic Meeting IV with a new due date ("dilanjutkan").
    (
        "Susun peta masalah penyerapan anggaran bersama tenaga ahli wali kota",
        "tugas",
        "BAPPEDA",
        [],
        7,
        [],
        True,
    ),
    (
        "Tingkatkan realisasi fisik paket jalan lingkungan di Kecamatan Bumiaji",
        "komitmen",
        "DPUPR",
        ["KEC-BUMIAJI"],
        15,
        [(35, P, "Tujuh dari 20 ruas jalan lingkungan selesai diaspal.", "accepted", "")],
        True,
    ),
    (
        "Terapkan Batu Satu Data untuk data sektoral seluruh OPD",
        "rekomendasi",
        "DISKOMINFO",
        ["BAPPEDA"],
        18,
        [
            (40, P, "Portal satu data memuat data 18 OPD.", "accepted", ""),
            (55, P, "Portal satu data memuat data 25 OPD.", "pending", ""),
        ],
        True,
    ),
    (
        "Revitalisasi destinasi wisata desa yang sepi pengunjung",
        "rekomendasi",
        "DISPARTA",
        ["DPMD"],
        19,
        [(20, P, "Kajian ulang tiga destinasi desa wisata dimulai.", "accepted", "")],
        True,
    ),
    (
        "Perkuat pertanian organik melalui sertifikasi kelompok tani",
        "rekomendasi",
        "DKPP",
        [],
        16,
        [],
        True,
    ),
    (
        "Tegakkan sanksi TPP bagi pejabat yang tidak mencapai target pakta integritas",
        "komitmen",
        "BKPSDM",
        ["INSPEKTORAT"],
        17,
        [
            (
                100,
                S,
                "Rancangan perwali sanksi TPP disusun.",
                "returned",
                "Rancangan belum ditetapkan; sanksi belum dapat diterapkan.",
            )
        ],
        True,
    ),
    (
        "Audit kinerja penyerapan anggaran pada 10 SKPD terendah",
        "tugas",
        "INSPEKTORAT",
        ["BKD"],
        60,
        [(25, P, "Audit dimulai pada empat SKPD.", "accepted", "")],
        False,
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
    "Tingkatkan realisasi fisik": 3,
    "Selaraskan program": 8,
    "Siapkan inovasi": 8,
    "Percepat layanan": 9,
    "Alihkan anggaran": 1,
    "Koordinasikan pembiayaan": 1,
    "Sosialisasikan layanan kesehatan": 2,
    "Revitalisasi destinasi": 4,
    "Perluas pasar rakyat": 5,
    "Perkuat pertanian organik": 6,
    "Optimalkan pengelolaan sampah": 7,
    "Bentuk tim percepatan": 10,
    "Tuntaskan 12 paket": 11,
    "Tata parkir": 12,
    "Terapkan Batu Satu Data": 13,
    "Inventarisasi aset desa": 14,
    "Pastikan kesiapan sarana": 15,
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
    """The past Strategic Meeting's decisions, made, reported, verified and carried over the
    way users do it (services and the state machine), then dated back into the last weeks."""
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
    to_carry = []
    for title, kind, lead, support, due, reports, carry in ITEMS:
        if lead not in opds:
            continue
        item = services.create_item(
            event,
            title=title,
            lead_opd=opds[lead],
            kind=kind,
            due_on=event.start_date + timedelta(days=due),
            supporting_opds=[opds[c] for c in support if c in opds],
            created_by=organiser,
            priority_program_id=next(
                (programs.get(n) for start, n in ITEM_PROGRAMS.items() if title.startswith(start)),
                None,
            ),
        )
        item.created_at = held
        author = users.get(f"opd-{lead.lower()}@demo.test")
        for number, (done, claim, narrative, review, comment) in enumerate(reports, start=1):
            at = held + timedelta(days=3 * number)
            update = services.submit_update(
                item,
                opd=opds[lead],
                author=author,
                progress=done,
                proposed_status=claim,
                narrative=narrative,
                files=[(_evidence_pdf(narrative), f"bukti-{lead.lower()}-{number}.pdf")],
            )
            update.created_at = at
            if review != "pending":
                services.review_update(
                    update, reviewer=organiser, accept=review == "accepted", comment=comment
                )
                update.reviewed_at = at + timedelta(days=1)
        if carry:
            to_carry.append(item)
    carried = _carry_over(event, to_carry, organiser)
    db.session.flush()
    echo(
        f"Follow-up: {len(ITEMS)} action items of {event.title}"
        + (f", {carried} carried over to the next meeting" if carried else "")
    )


def _carry_over(event, items, organiser) -> int:
    """Carry open items over to the next meeting of the series, with its default due date,
    and put the "Evaluasi tindak lanjut" session on its agenda."""
    following = meetings.next_event(event)
    if following is None or not items:
        return 0
    made = meetings.carry_over(
        following, items, organiser, due_on=meetings.default_due_on(following)
    )
    meetings.add_evaluation_session(
        following, event, following.start_date, time(10, 30), time(12, 0)
    )
    return len(made)
