"""Helpers for evaluation tests."""

from evaluation.models import BudgetRealisation


def realisation(opd_id, pagu, spent, physical=50, *, year=2026, quarter=3):
    """An unsaved quarter of an OPD's budget realisation (amounts in Rupiah)."""
    return BudgetRealisation(
        year=year,
        quarter=quarter,
        opd_id=opd_id,
        pagu=pagu,
        realisasi_keuangan=spent,
        realisasi_fisik=physical,
    )
