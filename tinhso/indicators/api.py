"""API of the reporting app (mounted at /api/v1/indicators)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from tinhso.core.pagination import Pagination
from tinhso.indicators import queries
from tinhso.indicators.choices import Comparison
from tinhso.indicators.schemas import TargetOut

router = Router(tags=["indicators"])


@router.get(
    "/targets",
    response=list[TargetOut],
    operation_id="indicators_targets_list",
    summary="Chỉ tiêu của Nghị quyết với giá trị hiện tại và trạng thái (targets with status)",
)
@paginate(Pagination)
def list_targets(request: HttpRequest, **kwargs: Any) -> list[dict[str, Any]]:
    """Every target, ordered by deadline: value, comparison (≥ > ≤ < ≈), status."""
    return [
        {
            "code": row.target.code,
            "name": row.target.name,
            "indicator": row.target.indicator.code,
            "comparison": Comparison(row.target.comparison).label,
            "target_value": float(row.target.target_value),
            "unit_of_measure": row.target.indicator.unit_of_measure,
            "deadline": row.target.deadline,
            "scope": row.target.scope,
            "scope_unit": row.target.scope_unit.code if row.target.scope_unit else None,
            "legal_basis": row.target.legal_basis,
            "current_value": row.current_value,
            "current_period": row.current_period,
            "projected_value": row.projected_value,
            "status": row.status.value,
        }
        for row in queries.target_rows()
    ]
