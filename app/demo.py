"""Demo city: a Kota Batu-like government and the demo accounts (see DESIGN.md)."""

from werkzeug.security import generate_password_hash

from app.auth import services as users
from app.auth.models import ADMIN, OPD, OPERATOR, ORGANISER, VIEWER, User
from app.demo_steps import demo_step
from app.extensions import db
from app.opds import services as opds
from app.opds.models import Opd

DEMO_PASSWORD = "sinergi-demo"  # noqa: S105 (public demo password, DESIGN.md)

# (code, name, short name, kind, parent code)
DEMO_OPDS = [
    ("SETDA", "Sekretariat Daerah", "Setda", "sekretariat", ""),
    ("BAG-PEM", "Bagian Pemerintahan", "Bag. Pemerintahan", "bagian", "SETDA"),
    ("BAG-HUKUM", "Bagian Hukum", "Bag. Hukum", "bagian", "SETDA"),
    ("BAG-ORG", "Bagian Organisasi", "Bag. Organisasi", "bagian", "SETDA"),
    (
        "BAG-EKON",
        "Bagian Perekonomian dan Sumber Daya Alam",
        "Bag. Perekonomian",
        "bagian",
        "SETDA",
    ),
    ("BAG-ADPEM", "Bagian Administrasi Pembangunan", "Bag. Adpem", "bagian", "SETDA"),
    ("BAG-PBJ", "Bagian Pengadaan Barang dan Jasa", "Bag. PBJ", "bagian", "SETDA"),
    ("BAG-UMUM", "Bagian Umum", "Bag. Umum", "bagian", "SETDA"),
    ("BAG-PROKOPIM", "Bagian Protokol dan Komunikasi Pimpinan", "Bag. Prokopim", "bagian", "SETDA"),
    ("BAG-KESRA", "Bagian Kesejahteraan Rakyat", "Bag. Kesra", "bagian", "SETDA"),
    ("SETWAN", "Sekretariat DPRD", "Setwan", "sekretariat", ""),
    ("INSPEKTORAT", "Inspektorat Daerah", "Inspektorat", "inspektorat", ""),
    ("DISDIK", "Dinas Pendidikan", "Disdik", "dinas", ""),
    ("DINKES", "Dinas Kesehatan", "Dinkes", "dinas", ""),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR", "dinas", ""),
    ("DISPERKIM", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim", "dinas", ""),
    ("SATPOLPP", "Satuan Polisi Pamong Praja", "Satpol PP", "satuan", ""),
    ("DINSOS", "Dinas Sosial", "Dinsos", "dinas", ""),
    (
        "DP3AP2KB",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana",
        "DP3AP2KB",
        "dinas",
        "",
    ),
    ("DKPP", "Dinas Ketahanan Pangan dan Pertanian", "DKPP", "dinas", ""),
    ("DLH", "Dinas Lingkungan Hidup", "DLH", "dinas", ""),
    ("DISPENDUK", "Dinas Kependudukan dan Pencatatan Sipil", "Dispendukcapil", "dinas", ""),
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", "dinas", ""),
    ("DISHUB", "Dinas Perhubungan", "Dishub", "dinas", ""),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "Diskominfo", "dinas", ""),
    ("DISKUMDAG", "Dinas Koperasi, Usaha Mikro dan Perdagangan", "Diskumdag", "dinas", ""),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "dinas", ""),
    ("DISNAKER", "Dinas Tenaga Kerja", "Disnaker", "dinas", ""),
    ("DISPORA", "Dinas Kepemudaan dan Olahraga", "Dispora", "dinas", ""),
    ("DISPARTA", "Dinas Pariwisata", "Disparta", "dinas", ""),
    ("DISPUSIP", "Dinas Perpustakaan dan Kearsipan", "Dispusip", "dinas", ""),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "badan", ""),
    ("BKD", "Badan Keuangan Daerah", "BKD", "badan", ""),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM", "badan", ""),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", "BPBD", "badan", ""),
    ("BAKESBANGPOL", "Badan Kesatuan Bangsa dan Politik", "Bakesbangpol", "badan", ""),
    ("KEC-BATU", "Kecamatan Batu", "Kec. Batu", "kecamatan", ""),
    ("KEC-JUNREJO", "Kecamatan Junrejo", "Kec. Junrejo", "kecamatan", ""),
    ("KEC-BUMIAJI", "Kecamatan Bumiaji", "Kec. Bumiaji", "kecamatan", ""),
    ("KEL-SISIR", "Kelurahan Sisir", "Kel. Sisir", "kelurahan", "KEC-BATU"),
    ("KEL-NGAGLIK", "Kelurahan Ngaglik", "Kel. Ngaglik", "kelurahan", "KEC-BATU"),
    ("KEL-TEMAS", "Kelurahan Temas", "Kel. Temas", "kelurahan", "KEC-BATU"),
    ("KEL-SONGGOKERTO", "Kelurahan Songgokerto", "Kel. Songgokerto", "kelurahan", "KEC-BATU"),
    ("KEL-DADAPREJO", "Kelurahan Dadaprejo", "Kel. Dadaprejo", "kelurahan", "KEC-JUNREJO"),
]

DEMO_STAFF = [
    ("admin@demo.test", "Admin Sinergi", ADMIN, None),
    ("panitia@demo.test", "Panitia Bagian Organisasi", ORGANISER, None),
    ("operator@demo.test", "Operator Check-in", OPERATOR, None),
    ("pimpinan@demo.test", "Pimpinan Daerah", VIEWER, None),
]


def demo_opd_email(code: str) -> str:
    return f"opd-{code.lower()}@demo.test"


@demo_step(10)
def seed_opds(echo):
    created = 0
    for code, name, short_name, kind, parent_code in DEMO_OPDS:
        if opds.get_by_code(code) is not None:
            continue  # idempotent: never overwrite what an admin may have edited
        parent = opds.get_by_code(parent_code) if parent_code else None
        opds.save_opd(
            Opd(),
            code=code,
            name=name,
            short_name=short_name,
            kind=kind,
            parent_id=parent.id if parent else None,
        )
        created += 1
    echo(f"OPD: {len(DEMO_OPDS)} in the demo city ({created} new)")


@demo_step(20)
def seed_accounts(echo):
    accounts = list(DEMO_STAFF)
    # An OPD's own staff ("Staf DPUPR"): "Operator" is the check-in role's word.
    accounts += [
        (demo_opd_email(code), f"Staf {short}", OPD, code) for code, _n, short, _k, _p in DEMO_OPDS
    ]
    # One salted hash for the shared demo password: hashing is deliberately slow.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    for email, name, role, opd_code in accounts:
        opd = opds.get_by_code(opd_code) if opd_code else None
        existing = users.get_by_email(email)
        if existing is not None:
            if role == OPD and existing.name == name.replace("Staf ", "Operator ", 1):
                # seeded by an earlier version: the same account, its name corrected
                users.save_user(existing, email=email, name=name, role=role, opd_id=existing.opd_id)
            continue
        user = User(password_hash=password_hash)
        users.save_user(user, email=email, name=name, role=role, opd_id=opd.id if opd else None)
    db.session.commit()  # before printing: a closed pipe must not lose the accounts
    echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, _name, role, _opd in accounts:
        echo(f"  {email:<34} {role}")
