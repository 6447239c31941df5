"""The ranking in English reads the English way throughout, and its PDF's column heads are
whole words (issue 27)."""

import io
import re

from pypdf import PdfReader

from app.extensions import db
from evaluation.services import target_for
from tests.evaluation.fixtures import realisation


def _english(app, make_user, role):
    user = make_user(role)
    user.locale = "en"
    db.session.commit()
    client = app.test_client()
    client.login(user.email)
    return client


def _ranking(make_opd):
    dpupr = make_opd("DPUPR", name="Dinas Pekerjaan Umum dan Penataan Ruang")
    db.session.add(realisation(dpupr.id, 1000, 600, 50, quarter=2))
    db.session.add(realisation(dpupr.id, 1000, 694, 50, quarter=3))
    db.session.commit()
    return target_for(2026, 3).target_percent


def test_the_english_ranking_uses_decimal_points_everywhere(app, make_opd, make_user):
    target = _ranking(make_opd)
    deviation = f"{69.4 - target:+.1f}"  # e.g. -5.6
    client = _english(app, make_user, "viewer")
    page = client.get("/evaluasi/?year=2026&quarter=3").get_data(as_text=True)
    assert "69.4%" in page and f'<td class="text-end">{deviation}</td>' in page
    assert '<td class="text-end">+9.4</td>' in page  # since the previous quarter
    assert not re.search(r'<td class="text-end">[+-]?\d+,\d</td>', page)
    pdf = client.get("/evaluasi/peringkat.pdf?year=2026&quarter=3").data
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "69.4%" in text and deviation in text and "+9.4" in text
    assert not re.search(r"[+-]\d+,\d\b", text)


def test_the_ranking_pdf_heads_are_not_broken_inside_a_word(app, make_opd, make_user, login_as):
    _ranking(make_opd)
    for client, heads in (
        (login_as("viewer"), ["Keuangan", "Fisik", "Deviasi", "Perubahan", "Realisasi"]),
        (_english(app, make_user, "viewer"), ["Financial", "Physical", "Deviation", "Changes"]),
    ):
        pdf = client.get("/evaluasi/peringkat.pdf?year=2026&quarter=3").data
        lines = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
        words = {word for line in lines for word in line.split()}
        for head in heads:
            assert head in words, (head, [line for line in lines if head[:4] in line])
