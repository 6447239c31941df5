"""``GET /api/v1/realisation`` (contract in DESIGN.md)."""

from flask import Blueprint, abort, jsonify, request
from flask_login import login_required

from app.auth.permissions import require
from evaluation import services
from evaluation.models import QUARTERS

bp = Blueprint("evaluation_api", __name__, url_prefix="/api/v1")


@bp.get("/realisation")
@login_required
def realisation():
    require("evaluation.view")
    year, quarter = request.args.get("year", type=int), request.args.get("quarter", type=int)
    if year and quarter in QUARTERS:
        chosen = (year, quarter)
    elif year or quarter:
        abort(422)
    else:
        chosen = services.latest_quarter()
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
