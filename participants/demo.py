"""Demo people (extends ``seed demo``): ~300 officials of the demo OPDs and a few guests,
then registrations for the demo events.

Everything is generated from a fixed seed, so every run produces the same people with the
same valid NIPs; people already in the directory (by NIP, e-mail or, for guests without
either, name) are left alone, which makes the step idempotent. Registrations are made only
for demo events that have none yet.

About 600 lines, most of them data (names, titles, positions of a Kota Batu-like city) that
only the demo reads; the code is one step that seeds people and one that registers them.
"""

import random
import re
import unicodedata
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, update

from agenda.models import Event, SessionSpeaker, Speaker
from agenda.models import Session as AgendaSession
from app.demo import DEMO_OPDS
from app.demo_steps import demo_step
from app.extensions import db
from app.opds.models import Opd
from participants.documents import letters
from participants.models import OpdHead, Person, Registration
from participants.registrations import changes, delegates, invitations, rules

SEED = 20250804  # the day of the first Strategic Meeting in the news (seeds/)
EMAIL_DOMAIN = "demo.test"  # never a real domain: invitations may be sent from the demo

# Bidang (divisions) of each dinas/badan; the Kepala Bidang are Administrator.
BIDANG = {
    "DISDIK": ["Pembinaan PAUD dan Pendidikan Nonformal", "Pembinaan Sekolah Dasar",
               "Pembinaan Sekolah Menengah Pertama", "Ketenagaan"],
    "DINKES": ["Kesehatan Masyarakat", "Pencegahan dan Pengendalian Penyakit",
               "Pelayanan Kesehatan", "Sumber Daya Kesehatan"],
    "DPUPR": ["Bina Marga", "Sumber Daya Air", "Cipta Karya", "Penataan Ruang"],
    "DISPERKIM": ["Perumahan", "Kawasan Permukiman", "Prasarana, Sarana dan Utilitas Umum",
                  "Pertamanan dan Pemakaman"],
    "DINSOS": ["Rehabilitasi Sosial", "Perlindungan dan Jaminan Sosial", "Pemberdayaan Sosial",
               "Penanganan Fakir Miskin"],
    "DP3AP2KB": ["Pemberdayaan Perempuan", "Perlindungan Anak", "Pengendalian Penduduk",
                 "Keluarga Berencana"],
    "DKPP": ["Ketahanan Pangan", "Tanaman Pangan dan Hortikultura",
             "Peternakan dan Kesehatan Hewan", "Penyuluhan Pertanian"],
    "DLH": ["Tata Lingkungan", "Pengelolaan Sampah dan Limbah B3",
            "Pengendalian Pencemaran dan Kerusakan Lingkungan",
            "Penaatan dan Peningkatan Kapasitas Lingkungan"],
    "DISPENDUK": ["Pelayanan Pendaftaran Penduduk", "Pelayanan Pencatatan Sipil",
                  "Pengelolaan Informasi Administrasi Kependudukan",
                  "Pemanfaatan Data dan Inovasi Pelayanan"],
    "DPMD": ["Pemberdayaan Masyarakat", "Pemerintahan Desa", "Keuangan dan Aset Desa",
             "Pembangunan Desa"],
    "DISHUB": ["Lalu Lintas", "Angkutan", "Sarana dan Prasarana Perhubungan",
               "Pengendalian dan Operasional"],
    "DISKOMINFO": ["Informasi dan Komunikasi Publik", "Aplikasi Informatika",
                   "Persandian dan Statistik", "Infrastruktur Teknologi Informasi"],
    "DISKUMDAG": ["Koperasi", "Usaha Mikro", "Perdagangan", "Metrologi Legal"],
    "DPMPTSP": ["Penanaman Modal", "Pelayanan Perizinan", "Pengaduan dan Informasi",
                "Pengendalian Pelaksanaan Penanaman Modal"],
    "DISNAKER": ["Pelatihan dan Produktivitas", "Penempatan dan Perluasan Kesempatan Kerja",
                 "Hubungan Industrial", "Perindustrian"],
    "DISPORA": ["Kepemudaan", "Keolahragaan", "Sarana dan Prasarana Olahraga"],
    "DISPARTA": ["Destinasi Pariwisata", "Pemasaran Pariwisata", "Industri Pariwisata",
                 "Ekonomi Kreatif"],
    "DISPUSIP": ["Layanan Perpustakaan", "Pengembangan Koleksi dan Pelestarian", "Kearsipan"],
    "BAPPEDA": ["Perencanaan, Pengendalian dan Evaluasi", "Perekonomian dan Sumber Daya Alam",
                "Pemerintahan dan Pembangunan Manusia", "Infrastruktur dan Kewilayahan"],
    "BKD": ["Anggaran", "Perbendaharaan", "Akuntansi", "Pendapatan Daerah"],
    "BKPSDM": ["Pengadaan, Pemberhentian dan Informasi", "Mutasi dan Promosi",
               "Pengembangan Kompetensi Aparatur", "Penilaian Kinerja dan Penghargaan"],
    "BPBD": ["Pencegahan dan Kesiapsiagaan", "Kedaruratan dan Logistik",
             "Rehabilitasi dan Rekonstruksi"],
    "BAKESBANGPOL": ["Ideologi, Wawasan Kebangsaan dan Karakter Bangsa",
                     "Politik Dalam Negeri dan Organisasi Kemasyarakatan",
                     "Ketahanan Ekonomi, Sosial, Budaya dan Agama"],
    "SATPOLPP": ["Penegakan Peraturan Daerah", "Ketertiban Umum dan Ketenteraman Masyarakat",
                 "Perlindungan Masyarakat"],
}  # fmt: skip
HEAD_TITLES = {
    "SATPOLPP": "Kepala Satuan Polisi Pamong Praja",
    "BPBD": "Kepala Pelaksana Badan Penanggulangan Bencana Daerah",
    "INSPEKTORAT": "Inspektur Daerah",
    "SETWAN": "Sekretaris DPRD",
    "SETDA": "Sekretaris Daerah",
}
SUBBAGIAN = {
    "BAG-PEM": "Otonomi Daerah dan Kerja Sama",
    "BAG-HUKUM": "Peraturan Perundang-undangan",
    "BAG-ORG": "Kelembagaan dan Analisis Jabatan",
    "BAG-EKON": "Perekonomian",
    "BAG-ADPEM": "Pengendalian Pembangunan",
    "BAG-PBJ": "Pengelolaan Layanan Pengadaan Secara Elektronik",
    "BAG-UMUM": "Tata Usaha Pimpinan",
    "BAG-PROKOPIM": "Protokol",
    "BAG-KESRA": "Kesejahteraan Sosial",
}
FUNCTIONAL = {
    "DISDIK": ["Pengawas Sekolah Ahli Madya"],
    "DINKES": ["Epidemiolog Kesehatan Ahli Madya", "Administrator Kesehatan Ahli Muda"],
    "DPUPR": ["Teknik Jalan dan Jembatan Ahli Muda"],
    "DKPP": ["Penyuluh Pertanian Ahli Muda", "Medik Veteriner Ahli Muda"],
    "DISKOMINFO": ["Pranata Komputer Ahli Muda", "Statistisi Ahli Muda"],
    "BAPPEDA": ["Perencana Ahli Madya", "Perencana Ahli Muda"],
    "BKPSDM": ["Analis Sumber Daya Manusia Aparatur Ahli Madya"],
    "BKD": ["Analis Keuangan Pusat dan Daerah Ahli Muda"],
    "DISPUSIP": ["Pustakawan Ahli Muda", "Arsiparis Ahli Muda"],
    "INSPEKTORAT": [
        "Auditor Ahli Madya",
        "Pengawas Penyelenggaraan Urusan Pemerintahan Daerah Ahli Muda",
    ],
}
GENERIC_FUNCTIONAL = [
    "Analis Kebijakan Ahli Muda",
    "Perencana Ahli Muda",
    "Pranata Humas Ahli Muda",
    "Analis Pengelolaan Keuangan APBN Ahli Muda",
    "Pengelola Pengadaan Barang/Jasa Ahli Muda",
    "Arsiparis Ahli Muda",
]

# fmt: off
MALE = [
    "Agus", "Bambang", "Budi", "Joko", "Heru", "Hadi", "Eko", "Dwi", "Teguh", "Wahyu", "Slamet",
    "Sugeng", "Rudi", "Arief", "Andik", "Imam", "Mochamad", "Achmad", "Fajar", "Yudi", "Didik",
    "Gatot", "Sigit", "Dedi", "Hendra", "Rizal", "Anang", "Priyo", "Bayu", "Yoyok", "Edy",
    "Taufik", "Ridwan", "Zainal", "Rahmat", "Hari", "Aditya", "Yusuf", "Ilham", "Bagus", "Mukhlis",
    "Abdul", "Suwarno", "Purnomo", "Kusnadi", "Suprapto", "Hariyanto",
]
FEMALE = [
    "Sri", "Endang", "Siti", "Dewi", "Rina", "Yuni", "Nurul", "Retno", "Diah", "Lilik", "Wiwik",
    "Tri", "Ika", "Anik", "Rini", "Yayuk", "Ratna", "Indah", "Erna", "Kartika", "Susanti", "Mega",
    "Lina", "Nanik", "Farida", "Umi", "Hesti", "Puji", "Novi", "Yuli", "Eka", "Anis", "Rahayu",
    "Fitri", "Laila",
]
SURNAMES = [
    "Santoso", "Wibowo", "Prasetyo", "Susanto", "Hidayat", "Setiawan", "Kurniawan", "Purnomo",
    "Suryadi", "Suharto", "Sugiarto", "Firmansyah", "Nugroho", "Saputra", "Hermawan", "Wijaya",
    "Utomo", "Pramono", "Widodo", "Mahmud", "Fauzi", "Hakim", "Syaifudin", "Rochman", "Hasan",
    "Maulana", "Yulianto", "Haryono", "Sulistyo", "Budiman", "Kusuma", "Permana", "Hartono",
    "Effendi", "Suprayitno", "Wicaksono", "Ardiansyah", "Subagyo", "Mulyono",
]
FEMALE_SURNAMES = [
    "Rahayu", "Wahyuni", "Lestari", "Handayani", "Wulandari", "Anggraini", "Puspitasari",
    "Kartikasari", "Rahmawati", "Fitriani", "Susilowati", "Ningsih", "Mulyani", "Astuti",
    "Kusumawati", "Pratiwi", "Sulistyowati", "Setyaningsih", "Hartini", "Purwaningsih",
]
# fmt: on
# Javanese names that often stand alone ("Suprapto, S.H.").
SINGLE_NAMES = {"Slamet", "Sugeng", "Didik", "Gatot", "Suwarno", "Purnomo", "Kusnadi", "Suprapto"}

# Degrees by field of work (after the name) and the OPDs in that field.
DEGREES = {
    "health": ["S.KM., M.Kes.", "S.Kep., Ns., M.Kep.", "S.KM.", "S.Farm., Apt., M.Kes."],
    "education": ["S.Pd., M.Pd.", "S.Pd.", "S.Pd., M.M."],
    "engineering": ["S.T., M.T.", "S.T.", "S.T., M.M.", "S.Si., M.T."],
    "it": ["S.Kom., M.Kom.", "S.Kom.", "S.T., M.Kom."],
    "agriculture": ["S.P., M.P.", "S.P.", "S.Pt., M.P."],
    "law": ["S.H., M.H.", "S.H.", "S.H., M.Si."],
    "finance": ["S.E., M.Ak.", "S.E., M.M.", "S.E., Ak.", "S.E."],
    "governance": ["S.STP., M.Si.", "S.Sos., M.Si.", "S.IP., M.AP.", "S.STP., M.AP.", "S.AP."],
    "general": ["S.Sos., M.Si.", "S.E., M.M.", "S.AP., M.AP.", "S.H.", "S.Sos.", "S.Psi."],
}
FIELDS = {
    "DINKES": "health",
    "DISDIK": "education",
    "DISPORA": "education",
    "DPUPR": "engineering",
    "DISPERKIM": "engineering",
    "DISHUB": "engineering",
    "DLH": "engineering",
    "BPBD": "engineering",
    "DISKOMINFO": "it",
    "DKPP": "agriculture",
    "BAG-HUKUM": "law",
    "SATPOLPP": "law",
    "BAKESBANGPOL": "law",
    "INSPEKTORAT": "finance",
    "BKD": "finance",
    "BAG-EKON": "finance",
    "DISKUMDAG": "finance",
    "DPMPTSP": "finance",
    "BAG-PEM": "governance",
    "BAG-ORG": "governance",
    "DPMD": "governance",
    "DISPENDUK": "governance",
    "BKPSDM": "governance",
    "SETDA": "governance",
}

# Level → (birth years, golongan choices).
PROFILE = {
    "jpt_pratama": ((1966, 1976), ["IV/c", "IV/c", "IV/d"]),
    "administrator": ((1970, 1984), ["III/d", "IV/a", "IV/a", "IV/b"]),
    "pengawas": ((1975, 1990), ["III/b", "III/c", "III/c", "III/d"]),
    "fungsional": ((1975, 1994), ["III/a", "III/b", "III/c", "III/d", "IV/a"]),
}

# Guests: (name, position, institution, email local part or "").
GUESTS = [
    ("Nurochman", "Wali Kota Batu", "Pemerintah Kota Batu", ""),
    ("Heli Suyanto", "Wakil Wali Kota Batu", "Pemerintah Kota Batu", ""),
    (
        "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.",
        "Kepala Badan Kepegawaian Negara",
        "Badan Kepegawaian Negara",
        "",
    ),
    ("Adhy Karyono", "Sekretaris Daerah Provinsi Jawa Timur", "Pemerintah Provinsi Jawa Timur", ""),
    (
        "dr. Agus Ali Fauzi, PGD PallMed (ECU)",
        "Dokter Ahli Paliatif",
        "RSUD Dr. Soetomo Surabaya",
        "",
    ),
    (
        "Dr. Hendro Wicaksono, S.E., M.Si.",
        "Tenaga Ahli Wali Kota Bidang Perencanaan dan Keuangan",
        "Tim Tenaga Ahli Wali Kota Batu",
        "hendro.wicaksono",
    ),
    (
        "Dr. Ir. Ratih Kusumaningrum, M.T.",
        "Tenaga Ahli Wali Kota Bidang Infrastruktur",
        "Tim Tenaga Ahli Wali Kota Batu",
        "ratih.kusumaningrum",
    ),
    (
        "Arif Budiman, S.H., M.H.",
        "Tenaga Ahli Wali Kota Bidang Hukum dan Tata Kelola",
        "Tim Tenaga Ahli Wali Kota Batu",
        "arif.budiman",
    ),
]
# OPDs whose head is acting (Plt./Plh.) in the demo: the secretary holds the office.
ACTING_HEADS = {"DISPORA": "plt", "KEL-NGAGLIK": "plh"}
# A real name from the news (seeds/003): Kepala Bagian Organisasi, as in the design brief.
FIXED_NAMES = {("BAG-ORG", "Kepala Bagian Organisasi"): ("Dr. Ir. Sopa Ike Paci, M.Si.", 2)}


def _positions(code: str, name: str, kind: str) -> list[tuple[str, str]]:
    """(position, level) of the officials the demo gives an OPD."""
    if kind == "sekretariat" and code == "SETDA":
        return [
            ("Sekretaris Daerah", "jpt_pratama"),
            ("Asisten Pemerintahan dan Kesejahteraan Rakyat", "jpt_pratama"),
            ("Asisten Perekonomian dan Pembangunan", "jpt_pratama"),
            ("Asisten Administrasi Umum", "jpt_pratama"),
        ]
    if kind == "sekretariat":  # Sekretariat DPRD
        return [
            (HEAD_TITLES.get(code, f"Sekretaris {name}"), "jpt_pratama"),
            ("Kepala Bagian Umum dan Keuangan", "administrator"),
            ("Kepala Bagian Persidangan dan Perundang-undangan", "administrator"),
            ("Kepala Bagian Fasilitasi Penganggaran dan Pengawasan", "administrator"),
            ("Kepala Subbagian Tata Usaha dan Kepegawaian", "pengawas"),
        ]
    if kind == "bagian":
        return [
            (f"Kepala {name}", "administrator"),
            (f"Kepala Subbagian {SUBBAGIAN.get(code, 'Tata Usaha')}", "pengawas"),
            ("Analis Kebijakan Ahli Muda", "fungsional"),
        ]
    if kind == "kecamatan":
        place = name.removeprefix("Kecamatan ")
        return [
            (f"Camat {place}", "administrator"),
            (f"Sekretaris Kecamatan {place}", "administrator"),
            ("Kepala Seksi Pemerintahan", "pengawas"),
            ("Kepala Seksi Ketenteraman dan Ketertiban Umum", "pengawas"),
            ("Kepala Seksi Pemberdayaan Masyarakat", "pengawas"),
        ]
    if kind == "kelurahan":
        place = name.removeprefix("Kelurahan ")
        return [
            (f"Lurah {place}", "pengawas"),
            (f"Sekretaris Kelurahan {place}", "pengawas"),
            ("Kepala Seksi Pemerintahan dan Pelayanan Publik", "pengawas"),
        ]
    if kind == "inspektorat":
        return [
            (HEAD_TITLES["INSPEKTORAT"], "jpt_pratama"),
            ("Sekretaris Inspektorat Daerah", "administrator"),
            *((f"Inspektur Pembantu {n}", "administrator") for n in ("I", "II", "III", "IV")),
            *((position, "fungsional") for position in FUNCTIONAL["INSPEKTORAT"]),
        ]
    # dinas, badan, satuan
    functional = (FUNCTIONAL.get(code, []) + GENERIC_FUNCTIONAL)[:2]
    if code in FUNCTIONAL and len(FUNCTIONAL[code]) == 1:
        functional = [FUNCTIONAL[code][0], GENERIC_FUNCTIONAL[len(code) % len(GENERIC_FUNCTIONAL)]]
    elif code not in FUNCTIONAL:
        start = sum(map(ord, code)) % len(GENERIC_FUNCTIONAL)
        functional = [GENERIC_FUNCTIONAL[(start + i) % len(GENERIC_FUNCTIONAL)] for i in (0, 1)]
    return [
        (HEAD_TITLES.get(code, f"Kepala {name}"), "jpt_pratama"),
        (f"Sekretaris {name}", "administrator"),
        *((f"Kepala Bidang {bidang}", "administrator") for bidang in BIDANG.get(code, [])),
        ("Kepala Subbagian Umum dan Kepegawaian", "pengawas"),
        *((position, "fungsional") for position in functional),
    ]


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", text.lower())


class _Generator:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.nips: set[str] = set()
        self.emails: set[str] = set()

    def person_name(self, sex: int, code: str, level: str, born: int) -> tuple[str, str, str]:
        """(full name with titles, first name, last name)."""
        rng = self.rng
        first = rng.choice(MALE if sex == 1 else FEMALE)
        surnames = SURNAMES if sex == 1 else FEMALE_SURNAMES
        parts = [first]
        if rng.random() < 0.45:
            parts.append(rng.choice(MALE if sex == 1 else FEMALE))
        if first not in SINGLE_NAMES or rng.random() < 0.5:
            parts.append(rng.choice(surnames))
        parts = list(dict.fromkeys(parts))  # no "Sri Sri"
        field = FIELDS.get(code, "governance" if code.startswith(("KEC-", "KEL-")) else "general")
        front, degree = [], rng.choice(DEGREES[field])
        if level in ("jpt_pratama", "administrator") and rng.random() < 0.15:
            front.append("Dr.")
        if field == "health" and rng.random() < 0.5:
            front.append("dr.")
            degree = rng.choice(["M.Kes.", "M.M.R.S.", "Sp.KKLP."])
        elif field in ("engineering", "agriculture") and rng.random() < 0.25:
            front.append("Ir.")
        elif born < 1971 and rng.random() < 0.5:
            front.append("Drs." if sex == 1 else "Dra.")
            degree = rng.choice(["M.Si.", "M.M.", "M.AP.", ""])
        if rng.random() < 0.12:
            front.insert(0, "H." if sex == 1 else "Hj.")
        name = " ".join([*front, *parts])
        if degree:
            name += ", " + degree
        return name, parts[0], parts[-1]

    def nip(self, level: str, sex: int) -> tuple[str, int]:
        rng = self.rng
        (first_year, last_year), _gol = PROFILE[level]
        while True:
            born = date(first_year, 1, 1) + timedelta(
                days=rng.randint(0, (date(last_year, 12, 31) - date(first_year, 1, 1)).days)
            )
            tmt_year = min(born.year + rng.randint(22, 29), 2019)
            tmt_month = rng.choice([1, 2, 3, 4, 12]) if rng.random() < 0.7 else rng.randint(1, 12)
            sequence = rng.randint(1, 9) if rng.random() < 0.8 else rng.randint(10, 120)
            nip = f"{born:%Y%m%d}{tmt_year:04d}{tmt_month:02d}{sex}{sequence:03d}"
            if nip not in self.nips:
                self.nips.add(nip)
                return nip, born.year

    def email(self, first: str, last: str) -> str | None:
        if self.rng.random() < 0.12:
            return None
        local = f"{_ascii(first)}.{_ascii(last)}" if first != last else _ascii(first)
        candidate, n = local, 1
        while f"{candidate}@{EMAIL_DOMAIN}" in self.emails:
            n += 1
            candidate = f"{local}{n}"
        self.emails.add(f"{candidate}@{EMAIL_DOMAIN}")
        return f"{candidate}@{EMAIL_DOMAIN}"


def demo_people() -> list[dict]:
    """The demo directory as row dicts (with ``opd_code``); the same list on every call."""
    gen = _Generator()
    people = []
    for code, name, _short, kind, _parent in DEMO_OPDS:
        for index, (position, level) in enumerate(_positions(code, name, kind)):
            fixed = FIXED_NAMES.get((code, position))
            sex = fixed[1] if fixed else gen.rng.choice((1, 1, 2))
            nip, born = gen.nip(level, sex)
            full_name, first, last = gen.person_name(sex, code, level, born)
            if fixed:
                full_name, first, last = fixed[0], "sopa", "paci"
            head = "definitif" if index == 0 else None
            if code in ACTING_HEADS:  # the head's office is vacant; the secretary acts
                if index == 0:
                    continue  # (generated all the same, so the other names stay put)
                head = ACTING_HEADS[code] if index == 1 else None
            people.append(
                {
                    "head": head,
                    "nip": nip,
                    "name": full_name,
                    "position": position,
                    "level": level,
                    "golongan": gen.rng.choice(PROFILE[level][1]),
                    "opd_code": code,
                    "email": gen.email(first, last),
                    "institution": "",
                }
            )
    for name, position, institution, local in GUESTS:
        people.append(
            {
                "nip": None,
                "name": name,
                "position": position,
                "level": "non_asn",
                "golongan": "",
                "opd_code": "",
                "email": f"{local}@{EMAIL_DOMAIN}" if local else None,
                "institution": institution,
                "head": None,
            }
        )
    return people


@demo_step(30)
def seed_people(echo):
    people = demo_people()
    opd_ids = dict(db.session.execute(select(Opd.code, Opd.id)).all())
    taken_nips = set(db.session.scalars(select(Person.nip).where(Person.nip.is_not(None))))
    taken_emails = set(db.session.scalars(select(Person.email).where(Person.email.is_not(None))))
    guest_names = set(db.session.scalars(select(Person.name).where(Person.nip.is_(None))))
    new = []
    for row in people:
        row = dict(row)
        row.pop("head")
        code = row.pop("opd_code")
        if code and code not in opd_ids:
            continue  # an admin removed or renamed the OPD: leave it be
        if row["nip"] in taken_nips or (not row["nip"] and row["name"] in guest_names):
            continue
        if row["email"] in taken_emails:
            if not row["nip"]:
                continue
            row["email"] = None
        new.append(row | {"opd_id": opd_ids.get(code), "phone": "", "active": True})
    if new:
        db.session.execute(insert(Person), new)
    echo(f"People: {len(people)} in the demo directory ({len(new)} new)")
    _seed_heads(people)


def _seed_heads(people: list[dict]) -> None:
    """Name the head of every demo OPD that has none yet (an organiser's choice stays)."""
    wanted = {row["nip"]: row for row in people if row["head"]}
    person_ids = dict(
        db.session.execute(select(Person.nip, Person.id).where(Person.nip.in_(wanted))).all()
    )
    opd_ids = dict(db.session.execute(select(Opd.code, Opd.id)).all())
    headed = set(db.session.scalars(select(OpdHead.opd_id)))
    rows = []
    for nip, row in wanted.items():
        opd_id = opd_ids.get(row["opd_code"])
        if opd_id is None or opd_id in headed or nip not in person_ids:
            continue
        headed.add(opd_id)
        rows.append(
            {
                "opd_id": opd_id,
                "person_id": person_ids[nip],
                "capacity": row["head"],
                "title": HEAD_TITLES.get(row["opd_code"], ""),  # else the usual title
                "since": date(2025, 3, 3) if row["head"] == "definitif" else date(2026, 9, 1),
            }
        )
    if rows:
        db.session.execute(insert(OpdHead), rows)


# --- registrations -----------------------------------------------------------------------------

# Delegates who are not in the directory (e.g. an acting official from outside the OPD's
# structure): (name, position; {opd} is the head's OPD).
OUTSIDE_DELEGATES = [
    ("Yudi Permana, S.T., M.T.", "Plh. Kepala {opd}"),
    ("Hesti Kusumawati, S.E.", "Pelaksana Harian Sekretaris {opd}"),
    ("Fajar Nugroho, S.STP.", "Staf Ahli Kepala {opd}"),
]


def _speaker_people(event: Event) -> list[int]:
    """Directory people who speak at ``event`` (matched by the speaker's name)."""
    names = set(
        db.session.scalars(
            select(Speaker.name)
            .join(SessionSpeaker, SessionSpeaker.speaker_id == Speaker.id)
            .join(AgendaSession, AgendaSession.id == SessionSpeaker.session_id)
            .where(AgendaSession.event_id == event.id, SessionSpeaker.role != "mc")
        )
    )
    if not names:
        return []
    return list(
        db.session.scalars(select(Person.id).where(Person.name.in_(names), Person.active.is_(True)))
    )


def _organisers() -> list[int]:
    return list(
        db.session.scalars(
            select(Person.id)
            .join(Opd, Person.opd_id == Opd.id)
            .where(Opd.code == "BAG-ORG", Person.active.is_(True))
            .order_by(Person.id)
        )
    )


def _secretaries() -> list[int]:
    """Sekretaris of the dinas and badan (the retreat's Kelompok C)."""
    return list(
        db.session.scalars(
            select(Person.id)
            .join(Opd, Person.opd_id == Opd.id)
            .where(
                Person.active.is_(True),
                Opd.kind.in_(("dinas", "badan")),
                Person.position.like("Sekretaris %"),
            )
            .order_by(Person.id)
        )
    )


def _delegate_for(head: Registration, taken: set[int], outside: list) -> Person:
    """A colleague of the head's OPD who is not registered yet, else an outside delegate."""
    if outside:
        name, position = outside.pop(0)
        position = position.format(opd=head.person.opd.name if head.person.opd else "")
        existing = db.session.scalar(
            select(Person).where(Person.name == name, Person.nip.is_(None))
        )
        return existing or delegates.delegate_person(head, {"name": name, "position": position})
    colleague = db.session.scalar(
        select(Person)
        .where(
            Person.opd_id == head.person.opd_id,
            Person.active.is_(True),
            Person.id != head.person_id,
            Person.id.not_in(taken or {0}),
            Person.level.in_(("administrator", "pengawas")),
        )
        .order_by(Person.level, Person.id)
        .limit(1)
    )
    return colleague or delegates.delegate_person(
        head, {"name": "Staf Pendamping", "position": "Pelaksana"}
    )


def _answer(event: Event, rng: random.Random, weights: dict, outside: list) -> dict:
    """Give the event's invited peserta answers drawn with ``weights`` (status → weight)."""
    heads = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.role == "peserta")
        .order_by(Registration.id)
    ).all()
    statuses, chances = list(weights), list(weights.values())
    chosen: dict[str, list[Registration]] = {status: [] for status in statuses}
    for registration in heads:
        chosen[rng.choices(statuses, chances)[0]].append(registration)
    for status in ("confirmed", "declined", "cancelled"):
        if chosen.get(status):
            changes.bulk_update(event, [r.id for r in chosen[status]], status=status)
    taken = set(
        db.session.scalars(select(Registration.person_id).where(Registration.event_id == event.id))
    )
    for head in chosen.get("delegated", []):
        # Outside delegates stand in for heads of OPD only.
        delegate = delegates.set_delegate(
            head,
            _delegate_for(head, taken, outside if head.person.level == "jpt_pratama" else []),
            note="Demo",
        )
        taken.add(delegate.person_id)
    return {status: len(items) for status, items in chosen.items()}


def _invite_staff(event: Event) -> None:
    speakers = _speaker_people(event)
    if speakers:
        invitations.invite(event, speakers, role="narasumber", source="Demo: narasumber")
    invitations.invite(event, _organisers(), role="panitia", source="Demo: panitia")
    staff = db.session.scalars(
        select(Registration.id).where(
            Registration.event_id == event.id, Registration.role.in_(("narasumber", "panitia"))
        )
    ).all()
    if staff:
        changes.bulk_update(event, staff, status="confirmed")


def _register_strategic_meeting(event: Event, rng: random.Random) -> None:
    invitations.invite(event, rules.heads_of_opd(), source="Demo: kepala OPD")
    _invite_staff(event)
    _answer(event, rng, {"confirmed": 80, "declined": 8, "delegated": 12}, OUTSIDE_DELEGATES[:1])
    # Invitations went out two weeks before the meeting.
    invited = datetime.combine(event.start_date - timedelta(days=14), datetime.min.time())
    db.session.execute(
        update(Registration)
        .where(Registration.event_id == event.id)
        .values(invited_at=invited, created_at=invited)
    )


def _register_rakor(event: Event, rng: random.Random) -> None:
    invitations.invite(event, rules.heads_of_opd(), source="Demo: kepala OPD")
    _invite_staff(event)
    _answer(event, rng, {"invited": 45, "confirmed": 40, "declined": 8, "delegated": 7}, [])


def _register_retreat(event: Event, rng: random.Random) -> None:
    invitations.invite(event, rules.heads_of_opd(), group="Kelompok A", source="Demo: kepala OPD")
    invitations.invite(
        event, rules.camat_and_lurah(), group="Kelompok B", source="Demo: camat dan lurah"
    )
    invitations.invite(
        event, _secretaries(), group="Kelompok C", source="Demo: sekretaris dinas dan badan"
    )
    _invite_staff(event)
    _answer(
        event,
        rng,
        {"invited": 30, "confirmed": 42, "declined": 8, "delegated": 12, "cancelled": 8},
        OUTSIDE_DELEGATES[1:],
    )


DEMO_REGISTRATIONS = {
    "strategic-meeting-iii": _register_strategic_meeting,
    "rakor-program-prioritas": _register_rakor,
    "retret-kepemimpinan-asn": _register_retreat,
}


@demo_step(50)
def seed_registrations(echo):
    events = db.session.scalars(select(Event).where(Event.slug.in_(DEMO_REGISTRATIONS))).all()
    made = []
    for event in sorted(events, key=lambda e: e.start_date):
        if db.session.scalar(
            select(func.count()).select_from(Registration).where(Registration.event_id == event.id)
        ):
            continue  # already has registrations: leave them as the organisers made them
        DEMO_REGISTRATIONS[event.slug](event, random.Random(f"{SEED}-{event.slug}"))
        db.session.flush()
        made.append(event.slug)
    total = db.session.scalar(select(func.count()).select_from(Registration))
    echo(f"Registrations: {total} ({', '.join(made) or 'no new events'})")


# --- invitation letters ------------------------------------------------------------------------

# Pangkat of a golongan ruang IV, as printed under the signer's name.
PANGKAT = {
    "IV/a": "Pembina (IV/a)",
    "IV/b": "Pembina Tingkat I (IV/b)",
    "IV/c": "Pembina Utama Muda (IV/c)",
    "IV/d": "Pembina Utama Madya (IV/d)",
    "IV/e": "Pembina Utama (IV/e)",
}
# Official letter numbers: classification code / serial / unit code / year (Setda Kota Batu).
LETTER_NUMBER = "005/{serial}/35.79.102/{year}"


@demo_step(55)
def seed_letters(echo):
    """A complete letter for each demo event: number and the Sekretaris Daerah as signer, so the
    demo's letters are final, not drafts (an organiser's own settings stay)."""
    sekda = db.session.scalar(
        select(Person)
        .join(OpdHead, OpdHead.person_id == Person.id)
        .join(Opd)
        .where(Opd.code == "SETDA")
    )
    if sekda is None:
        return
    events = db.session.scalars(
        select(Event).where(Event.slug.in_(DEMO_REGISTRATIONS)).order_by(Event.start_date)
    ).all()
    made = 0
    for serial, event in enumerate(events, start=412):
        letter = letters.letter_for(event)
        if letter.id is not None:
            continue
        letters.save_letter(
            letter,
            number=LETTER_NUMBER.format(serial=serial, year=event.start_date.year),
            letter_date=event.start_date - timedelta(days=10),
            signatory_position="a.n. WALI KOTA BATU\nSEKRETARIS DAERAH",
            signatory_name=sekda.name,
            signatory_rank=PANGKAT.get(sekda.golongan, ""),
            signatory_nip=sekda.nip or "",
        )
        made += 1
    echo(f"Letters: {made} new (signed by the Sekretaris Daerah)")
