"""``GET /api/v1/realisation`` (contract in DESIGN.md)."""

from flask import Blueprint, abort, jsonify
from flask_login import login_required
from pydantic import Field

from app import api
from app.auth.permissions import require
from evaluation import services
from evaluation.models import QUARTERS

bp = Blueprint("evaluation_api", __name__, url_prefix="/api/v1")


class RealisationQuery(api.Query):
    """Without both: the latest quarter with data (within the year, or of the quarter, given)."""

    year: int | None = Field(None, ge=2000, le=2999)
    quarter: int | None = Field(None, ge=min(QUARTERS), le=max(QUARTERS))


class CoverageOut(api.Answer):
    opds_with_data: int
    opds_total: int


class TotalOut(api.Answer):
    pagu: int
    realisasi_keuangan: int
    percent: float | None


class OpdRealisationOut(api.Answer):
    rank: int
    opd: api.OpdOut
    pagu: int
    realisasi_keuangan: int
    percent: float | None
    realisasi_fisik: float | None
    target_percent: float | None
    below_threshold: bool


class RealisationOut(api.Answer):
    year: int
    quarter: int
    threshold_percent: float
    coverage: CoverageOut
    total: TotalOut
    opds: list[OpdRealisationOut]


@bp.get("/realisation")
@login_required
@api.endpoint(
    summary="Budget realisation per OPD for a quarter, in rank order",
    query=RealisationQuery,
    response=RealisationOut,
)
def realisation(query: RealisationQuery):
    require("evaluation.view")
    if query.year and query.quarter:
        chosen = (query.year, query.quarter)
    else:  # the latest quarter with data (of that year, or that quarter of the latest year)
        chosen = services.latest_quarter(query.year, query.quarter)
        if chosen is None:
            abort(404)
    result = services.ranking(*chosen)
    require("evaluation.view_ranking", result)
    return jsonify(
        year=result.year,
        quarter=result.quarter,
        threshold_percent=result.target.threshold_percent,
        coverage={
            "opds_with_data": result.coverage.opds_with_data,
            "opds_total": result.coverage.opds_total,
        },
        total={
            "pagu": result.pagu,
            "realisasi_keuangan": result.realisasi_keuangan,
            "percent": result.percent,
        },
        opds=[
            {
                "rank": r.rank,
                "opd": {"code": r.opd.code, "name": r.opd.name},
                "pagu": r.pagu,
                "realisasi_keuangan": r.realisasi_keuangan,
                "percent": r.percent,
                "realisasi_fisik": r.realisasi_fisik,
                "target_percent": r.target_percent,
                "below_threshold": r.below_threshold,
            }
            for r in result.rows
        ],
    )
