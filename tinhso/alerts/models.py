"""Models of the alerting engine (cảnh báo): rules, alerts with their history, silences and
notification channels.

Every module raises alerts the same way: it feeds :class:`~tinhso.alerts.engine.Observation`\\ s
for a :class:`Rule` to :func:`tinhso.alerts.engine.observe`, which moves one open
:class:`Alert` per (rule, key) through pending → firing → resolved. Writes go through
``tinhso.alerts.engine`` and ``tinhso.alerts.actions``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tinhso.core.models import TimeStampedModel


class Severity(models.TextChoices):
    """How serious an alert is (mức độ)."""

    INFO = "info", pgettext_lazy("severity", "Thông tin")
    WARNING = "warning", pgettext_lazy("severity", "Cảnh báo")
    CRITICAL = "critical", pgettext_lazy("severity", "Nghiêm trọng")


# Severity order, lowest first (for "at least this severe" and for sorting).
SEVERITY_RANK: dict[str, int] = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class State(models.TextChoices):
    """Where an alert is in its life (trạng thái)."""

    PENDING = "pending", _("Chờ xác nhận điều kiện")
    FIRING = "firing", _("Đang cảnh báo")
    RESOLVED = "resolved", _("Đã kết thúc")


OPEN_STATES = (State.PENDING, State.FIRING)


class RuleKind(models.TextChoices):
    """What a rule watches (loại quy tắc); the source app interprets ``params``."""

    THRESHOLD = "threshold", _("Ngưỡng")
    RATE = "rate", _("Tốc độ thay đổi")
    MISSING = "missing", _("Mất dữ liệu")
    LEVEL = "level", _("Mức chỉ số (AQI/WQI)")
    REGISTERED = "registered", _("Do phân hệ đăng ký")


class EventKind(models.TextChoices):
    """What happened to an alert (sự kiện)."""

    PENDING = "pending", _("Bắt đầu theo dõi")
    FIRING = "firing", _("Phát cảnh báo")
    RESOLVED = "resolved", _("Kết thúc")
    ACKNOWLEDGED = "acknowledged", _("Đã xác nhận")
    ESCALATED = "escalated", _("Nâng cấp xử lý")
    NOTIFIED = "notified", _("Đã gửi thông báo")
    NOTIFY_FAILED = "notify_failed", _("Gửi thông báo lỗi")
    SILENCED = "silenced", _("Tạm im lặng, không gửi thông báo")


class ChannelKind(models.TextChoices):
    """How a channel delivers (kênh)."""

    EMAIL = "email", _("Thư điện tử")
    WEBHOOK = "webhook", _("Webhook")
    SMS = "sms", _("Tin nhắn SMS")


class Rule(TimeStampedModel):
    """A condition worth an alert (quy tắc cảnh báo), evaluated by the app named in ``source``.

    ``params`` belong to that app (e.g. ``{"parameter": "PM2.5", "above": 50,
    "clear_below": 45}``); rules of kind ``registered`` name their evaluator
    (``{"evaluator": code}``, see ``tinhso.alerts.registry``). A rule with neither agency nor
    unit is province-wide.
    """

    code = models.SlugField(_("mã quy tắc"), max_length=100, unique=True)
    name = models.CharField(_("tên quy tắc"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    source = models.CharField(_("phân hệ đánh giá"), max_length=50)
    kind = models.CharField(_("loại"), max_length=20, choices=RuleKind.choices)
    severity = models.CharField(
        pgettext_lazy("severity", "mức độ"),
        max_length=10,
        choices=Severity.choices,
        default=Severity.WARNING,
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    for_seconds = models.PositiveIntegerField(
        _("giữ điều kiện trong (giây)"),
        default=0,
        help_text=_("Điều kiện phải kéo dài chừng này trước khi phát cảnh báo; 0 = phát ngay."),
    )
    escalate_after_minutes = models.PositiveIntegerField(
        _("nâng cấp sau (phút)"),
        null=True,
        blank=True,
        help_text=_("Cảnh báo chưa được xác nhận sau chừng này phút thì được nâng cấp."),
    )
    enabled = models.BooleanField(_("đang dùng"), default=True)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_rules",
        verbose_name=_("cơ quan"),
    )
    unit = models.ForeignKey(
        "directory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_rules",
        verbose_name=_("đơn vị hành chính"),
    )

    class Meta:
        verbose_name = _("quy tắc cảnh báo")
        verbose_name_plural = _("quy tắc cảnh báo")
        ordering = ("source", "name")

    def __str__(self) -> str:
        return self.name


class Alert(TimeStampedModel):
    """One occurrence of a rule's condition for one subject (cảnh báo), e.g. PM2.5 above the
    limit at one station.

    At most one alert per (rule, key) is open (pending or firing) at a time; a resolved alert
    stays as history and a new trigger opens a new one.
    """

    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("quy tắc")
    )
    key = models.CharField(_("khóa đối tượng"), max_length=200)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices)
    severity = models.CharField(
        pgettext_lazy("severity", "mức độ"), max_length=10, choices=Severity.choices
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    message = models.TextField(_("nội dung"), blank=True)
    value = models.FloatField(_("giá trị"), null=True, blank=True)
    link = models.CharField(_("đường dẫn đối tượng"), max_length=500, blank=True)
    first_seen_at = models.DateTimeField(_("bắt đầu lúc"), default=timezone.now)
    fired_at = models.DateTimeField(_("phát cảnh báo lúc"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("điều kiện thấy lần cuối"), default=timezone.now)
    observed_at = models.DateTimeField(_("thời điểm quan trắc"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acknowledged_alerts",
        verbose_name=_("người xác nhận"),
    )
    ack_comment = models.TextField(_("ghi chú xác nhận"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("cấp nâng"), default=0)
    escalated_at = models.DateTimeField(_("nâng cấp lúc"), null=True, blank=True)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("cơ quan"),
    )
    unit = models.ForeignKey(
        "directory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("đơn vị hành chính"),
    )

    class Meta:
        verbose_name = _("cảnh báo")
        verbose_name_plural = _("cảnh báo")
        ordering = ("-first_seen_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"],
                condition=Q(state__in=["pending", "firing"]),
                name="alert_one_open_per_rule_key",
                violation_error_message=_("Đã có một cảnh báo đang mở cho đối tượng này."),
            )
        ]
        indexes = [
            models.Index(fields=["rule", "state"], name="alert_rule_state"),
            models.Index(fields=["state", "first_seen_at"], name="alert_state_seen"),
        ]

    def __str__(self) -> str:
        return self.title or self.key

    @property
    def is_open(self) -> bool:
        """Whether the alert is pending or firing."""
        return self.state in OPEN_STATES


class AlertEvent(models.Model):
    """One entry of an alert's kept history (lịch sử cảnh báo): a state change, an
    acknowledgement, an escalation, a notification sent, failed or held back by a silence."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="events", verbose_name=_("cảnh báo")
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    kind = models.CharField(_("sự kiện"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_events",
        verbose_name=_("người thực hiện"),
    )
    comment = models.TextField(_("ghi chú"), blank=True)
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện cảnh báo")
        verbose_name_plural = _("sự kiện cảnh báo")
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.alert_id} {self.kind}"


class Silence(TimeStampedModel):
    """A window in which matching alerts still change state but notify nobody (tạm im lặng),
    e.g. during a station's maintenance.

    Matches alerts of ``rule`` (any rule when empty) whose key starts with ``key_prefix`` and,
    when ``agency`` is set, that belong to that agency.
    """

    rule = models.ForeignKey(
        Rule,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="silences",
        verbose_name=_("quy tắc"),
    )
    key_prefix = models.CharField(_("khóa bắt đầu bằng"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("từ lúc"), default=timezone.now)
    ends_at = models.DateTimeField(_("đến lúc"))
    reason = models.TextField(_("lý do"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="alert_silences",
        verbose_name=_("người tạo"),
    )
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_silences",
        verbose_name=_("cơ quan"),
    )

    class Meta:
        verbose_name = _("tạm im lặng")
        verbose_name_plural = _("tạm im lặng")
        ordering = ("-starts_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="silence_ends_after_start",
                violation_error_message=_("Thời điểm kết thúc phải sau thời điểm bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return self.reason[:80]

    def is_active(self, at: datetime | None = None) -> bool:
        """Whether the silence is in force at ``at`` (default now)."""
        moment = at or timezone.now()
        return self.starts_at <= moment < self.ends_at

    def matches(self, alert: Alert) -> bool:
        """Whether the silence covers ``alert`` (whatever the time)."""
        return (
            (self.rule_id is None or self.rule_id == alert.rule_id)
            and alert.key.startswith(self.key_prefix)
            and (self.agency_id is None or self.agency_id == alert.agency_id)
        )


class Channel(TimeStampedModel):
    """Where notifications go (kênh thông báo): an e-mail address, a webhook URL or a phone.

    A channel receives the alerts of its agency (all alerts when empty) of at least
    ``min_severity``, once they reach ``escalation_level`` (0: from the first notification).
    """

    name = models.CharField(_("tên kênh"), max_length=200)
    kind = models.CharField(_("loại kênh"), max_length=10, choices=ChannelKind.choices)
    target = models.CharField(_("địa chỉ nhận"), max_length=500)
    min_severity = models.CharField(
        _("mức độ tối thiểu"), max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    escalation_level = models.PositiveSmallIntegerField(_("cấp nâng"), default=0)
    agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_channels",
        verbose_name=_("cơ quan"),
    )
    enabled = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("kênh thông báo")
        verbose_name_plural = _("kênh thông báo")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
