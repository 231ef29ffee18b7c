"""Every write of the reporting app; each runs in a transaction and is audited.

``values``: the catalogue, targets, stored, imported and computed values. ``reports``:
regimes, reporting periods, report entry, submission, approval and return.
"""

from tinhso.indicators.actions.reports import (
    FIRST_YEAR,
    LAST_YEAR,
    ReportInvalid,
    SaveResult,
    StaleReport,
    approve_report,
    editable,
    load_regimes,
    may_approve,
    may_review,
    next_step,
    open_period,
    report_for,
    return_report,
    save_report_values,
    submit_report,
)
from tinhso.indicators.actions.values import (
    DATA_DIR,
    ImportResult,
    ImportStrategy,
    ValueRow,
    import_values,
    load_catalogue,
    load_targets,
    locked_cells,
    published_rows,
    refresh_computed,
    store_values,
)

__all__ = [
    "DATA_DIR",
    "FIRST_YEAR",
    "LAST_YEAR",
    "ImportResult",
    "ImportStrategy",
    "ReportInvalid",
    "SaveResult",
    "StaleReport",
    "ValueRow",
    "approve_report",
    "editable",
    "import_values",
    "load_catalogue",
    "load_regimes",
    "load_targets",
    "locked_cells",
    "may_approve",
    "may_review",
    "next_step",
    "open_period",
    "published_rows",
    "refresh_computed",
    "report_for",
    "return_report",
    "save_report_values",
    "store_values",
    "submit_report",
]
