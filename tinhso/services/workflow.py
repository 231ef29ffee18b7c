"""The one-stop workflow's rules: which action is allowed from which status, step templates,
step deadlines and the on-time classification of Decision 766 (records-onestop.md §4.3)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.services.choices import Status as S
from tinhso.services.choices import StepAgency, StepRole, Timeliness
from tinhso.services.workdays import WorkingCalendar

# Action → statuses it may start from. The status it leads to is the action's business.
ALLOWED: dict[str, frozenset[str]] = {
    "submit": frozenset({S.DRAFT}),
    "receive": frozenset({S.SUBMITTED}),
    "reject": frozenset({S.SUBMITTED}),
    "advance": frozenset({S.RECEIVED, S.PROCESSING}),
    "transfer": frozenset({S.RECEIVED, S.PROCESSING}),
    "request_supplement": frozenset({S.RECEIVED, S.PROCESSING}),
    "supplement": frozenset({S.SUPPLEMENT}),
    "request_payment": frozenset({S.RECEIVED, S.PROCESSING}),
    "pay": frozenset({S.PAYMENT}),
    "apologise": frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYMENT}),
    "suspend": frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYMENT}),
    "withdraw": frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYMENT}),
    "return": frozenset({S.RESOLVED}),
    "rate": frozenset({S.RETURNED}),
}

# Actions the applicant takes on their own dossier; the others are officers'.
APPLICANT_ACTIONS = frozenset({"submit", "supplement", "pay", "withdraw", "rate"})


class TransitionError(ValidationError):
    """The action is not allowed from the dossier's status (or its data is wrong)."""


class StaleDossier(ValidationError):
    """The dossier changed since the caller read it (optimistic locking): reload and retry."""


def check_allowed(action: str, status: str) -> None:
    """Raise :class:`TransitionError` unless ``action`` may start from ``status``."""
    if status not in ALLOWED[action]:
        raise TransitionError(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": action_label(action), "status": S(status).label},
            code="transition",
        )


def allowed_actions(status: str) -> list[str]:
    """The actions that may start from ``status``, in a stable order."""
    return [action for action, sources in ALLOWED.items() if status in sources]


def action_label(action: str) -> str:
    """The action's name in the visitor's language."""
    labels = {
        "create": _("Tạo hồ sơ"),
        "submit": _("Nộp hồ sơ"),
        "receive": _("Tiếp nhận"),
        "reject": _("Từ chối tiếp nhận"),
        "advance": _("Chuyển bước tiếp theo"),
        "transfer": _("Chuyển liên thông"),
        "request_supplement": _("Yêu cầu bổ sung"),
        "supplement": _("Bổ sung hồ sơ"),
        "request_payment": _("Yêu cầu nộp phí, lệ phí"),
        "pay": _("Nộp phí, lệ phí"),
        "apologise": _("Xin lỗi và hẹn lại ngày trả"),
        "suspend": _("Dừng xử lý"),
        "withdraw": _("Rút hồ sơ"),
        "return": _("Trả kết quả"),
        "rate": _("Đánh giá"),
    }
    return labels.get(action, action)


# --- step templates ----------------------------------------------------------------------


def validate_steps(steps: Sequence[Mapping[str, Any]]) -> None:
    """Check a procedure's step template: 2+ steps with unique codes, known roles and agencies,
    shares in [0, 1] that sum to 1; the first step receives, the last returns.

    Raises:
        ValidationError: what is wrong, in Vietnamese and English.
    """
    errors: list[str] = []
    if len(steps) < 2:
        errors.append("Quy trình cần ít nhất 2 bước (a workflow needs at least 2 steps).")
    codes = [str(step.get("code", "")) for step in steps]
    if len(set(codes)) != len(codes) or not all(codes):
        errors.append("Mỗi bước cần một mã riêng (each step needs its own code).")
    for step in steps:
        if step.get("role") not in StepRole.values:
            errors.append(f"Vai trò không hợp lệ (unknown role): {step.get('role')!r}")
        if step.get("agency") not in StepAgency.values:
            errors.append(f"Cơ quan của bước không hợp lệ (unknown agency): {step.get('agency')!r}")
        share = step.get("share")
        if not isinstance(share, int | float) or not 0 <= share <= 1:
            errors.append(f"Tỷ trọng thời gian không hợp lệ (bad share): {share!r}")
    if not errors and abs(sum(float(step["share"]) for step in steps) - 1) > 0.001:
        errors.append("Tổng tỷ trọng thời gian phải bằng 1 (shares must sum to 1).")
    if steps and steps[0].get("agency") != StepAgency.RECEIVING:
        errors.append("Bước đầu là tiếp nhận (the first step is reception).")
    if steps and steps[-1].get("agency") != StepAgency.RECEIVING:
        errors.append("Bước cuối là trả kết quả (the last step returns the result).")
    if errors:
        raise ValidationError(errors, code="steps")


def step_due(
    calendar: WorkingCalendar,
    steps: Sequence[Mapping[str, Any]],
    index: int,
    received: datetime.date,
    days: int,
    due: datetime.date,
) -> datetime.date:
    """The deadline of step ``index``: its cumulative share of the processing time, in working
    days from reception, rounded up, never after the appointment date ``due``."""
    share = sum(float(step["share"]) for step in steps[: index + 1])
    return min(calendar.add(received, math.ceil(round(share * days, 6))), due)


# --- on time or late ---------------------------------------------------------------------


def classify(
    *,
    received: bool,
    finished_on: datetime.date | None,
    promised: datetime.date | None,
    supplement_count: int,
    today: datetime.date,
) -> Timeliness | None:
    """How a dossier's processing compares with its appointment date (Decision 766, indicator 2.1).

    ``promised`` is the first appointment date, moved only by the applicant's supplement time
    (an apology's new date does not make a late dossier on time). More than one supplement
    request counts as late. A dossier still in hand is ``in_time`` or ``overdue`` by today.
    Dossiers never received (drafts, rejected) are not classified.
    """
    if not received or promised is None:
        return None
    if finished_on is None:
        return Timeliness.OVERDUE if today > promised else Timeliness.IN_TIME
    if supplement_count > 1 or finished_on > promised:
        return Timeliness.LATE
    return Timeliness.EARLY if finished_on < promised else Timeliness.ON_TIME


def local_date(moment: datetime.datetime) -> datetime.date:
    """The calendar day of ``moment`` in the site's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localtime(moment).date()
