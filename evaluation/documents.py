"""The quarter's ranking for the meeting pack: XLSX (formula-safe, app.tabular; numbers stay
numbers) and PDF, each saying how complete the quarter's data is."""

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from app.formatting import in_pattern, percent, rupiah
from app.pdf import (
    MARGIN,
    OFFICIAL_TABLE,
    document_pdf,
    fit_heads,
    kop,
    letter_styles,
    paragraph,
)
from evaluation.services import Ranking


def points(value: float | None) -> str:
    """Percentage points with their sign, Indonesian style: -3.25 → '-3,3', 12 → '+12,0'."""
    if value is None:
        return "–"
    return in_pattern(value, "+#,##0.0;-#,##0.0")


def _title(ranking: Ranking) -> str:
    return _(
        "Realisasi anggaran per OPD, triwulan %(quarter)s tahun %(year)s",
        quarter=ranking.quarter,
        year=ranking.year,
    )


def coverage_line(ranking: Ranking) -> str:
    """'Data belum lengkap: data 4 dari 30 perangkat daerah; total hanya untuk yang berdata.'"""
    coverage = ranking.coverage
    if coverage.complete:
        return coverage.note()
    return _(
        "Data belum lengkap: %(coverage)s. Total hanya untuk perangkat daerah yang sudah berdata.",
        coverage=coverage.note(),
    )


def ranking_title_rows(ranking: Ranking) -> list[str]:
    return [_("PERINGKAT REALISASI ANGGARAN"), _title(ranking), coverage_line(ranking)]


def ranking_table(ranking: Ranking) -> tuple[list[str], list[list]]:
    header = [
        _("Peringkat"),
        _("Kode OPD"),
        _("OPD"),
        _("Pagu (Rp)"),
        _("Realisasi keuangan (Rp)"),
        _("Realisasi keuangan (%)"),
        _("Realisasi fisik (%)"),
        _("Target (%)"),
        _("Deviasi (poin)"),
        _("Perubahan sejak triwulan lalu (poin)"),
        _("Di bawah ambang batas"),
    ]
    rows = [
        [
            r.rank,
            r.opd.code,
            r.opd.name,
            r.pagu,
            r.realisasi_keuangan,
            r.percent,
            r.realisasi_fisik,
            r.target_percent,
            r.deviation,
            r.change,
            _("ya") if r.below_threshold else "",
        ]
        for r in ranking.rows
    ]
    rows.append(
        [
            "",
            "",
            ranking.coverage.total_label(),
            ranking.pagu,
            ranking.realisasi_keuangan,
            ranking.percent,
            "",
            ranking.target.target_percent,
            "",
            "",
            "",
        ]
    )
    return header, rows


def ranking_pdf(ranking: Ranking) -> bytes:
    styles = letter_styles()
    cell, head = styles["cell"], styles["head"]
    title = _title(ranking)
    story = [
        *kop(styles, landscape(A4)[0] - 2 * MARGIN),
        paragraph(_("PERINGKAT REALISASI ANGGARAN"), styles["title"]),
        paragraph(title, styles["kop3"]),
        paragraph(
            _(
                "%(label)s %(total)s (target %(target)s; ambang batas %(threshold)s)",
                label=ranking.coverage.total_label(),
                total=percent(ranking.percent, 1),
                target=percent(ranking.target.target_percent, 0),
                threshold=percent(ranking.target.threshold_percent, 0),
            ),
            styles["kop3"],
        ),
        paragraph(coverage_line(ranking), styles["kop3"]),
        Spacer(1, 4 * mm),
    ]
    heads = [
        _("No"),
        _("OPD"),
        _("Pagu"),
        _("Realisasi"),
        _("Keuangan"),
        _("Fisik"),
        _("Deviasi"),
        _("Perubahan"),
    ]
    data = [[paragraph(h, head) for h in heads]]
    style = list(OFFICIAL_TABLE)
    for r in ranking.rows:
        data.append(
            [
                paragraph(str(r.rank), cell),
                paragraph(r.opd.name, cell),
                paragraph(rupiah(r.pagu), cell),
                paragraph(rupiah(r.realisasi_keuangan), cell),
                paragraph(percent(r.percent, 1), cell),
                paragraph(percent(r.realisasi_fisik, 1), cell),
                paragraph(points(r.deviation), cell),
                paragraph(points(r.change), cell),
            ]
        )
        if r.below_threshold:
            style.append(
                ("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), colors.HexColor("#f8d7da"))
            )
    data.append(
        [
            paragraph("", cell),
            paragraph(ranking.coverage.total_label(), head),
            paragraph(rupiah(ranking.pagu), head),
            paragraph(rupiah(ranking.realisasi_keuangan), head),
            paragraph(percent(ranking.percent, 1), head),
            "",
            "",
            "",
        ]
    )
    table = Table(
        data,
        colWidths=fit_heads(
            heads,
            [12 * mm, 88 * mm, 42 * mm, 42 * mm, 22 * mm, 18 * mm, 20 * mm, 22 * mm],
            head,
            flexible=1,
        ),
        repeatRows=1,
    )
    table.setStyle(TableStyle(style))
    story.append(table)
    return document_pdf(story, title=title, footer=title, pagesize=landscape(A4))
