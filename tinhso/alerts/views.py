"""Pages of the alerts app (cảnh báo): the alert list and page with acknowledgement, silences
and rules. Thin: reads through ``queries``, writes through ``engine``/``actions``, permissions
through ``tinhso.accounts.permissions``; htmx requests get partials."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts.permissions import Perm, can, scope_set
from tinhso.alerts import actions, engine, queries
from tinhso.alerts.forms import AckForm, AlertFilterForm, RuleForm, SilenceForm
from tinhso.alerts.models import Alert, Rule, Silence
from tinhso.core.htmx import is_htmx
from tinhso.directory.models import Agency

PAGE_SIZE = 25
SILENCES_SHOWN = 100
ACK_RENDERS = {
    "row": "alerts/partials/_alert_row.html",
    "panel": "alerts/partials/_ack_panel.html",
}


def _require_staff(user: Any) -> None:
    if not can(user, Perm.DATA_VIEW):
        raise PermissionDenied(_("Trang này dành cho cán bộ."))


def _visible_alert(user: Any, pk: int) -> Alert:
    return get_object_or_404(queries.visible_alerts(user), pk=pk)


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """The alerts in the user's scope, filtered, most severe and newest first."""
    _require_staff(request.user)
    form = AlertFilterForm(request.GET, sources=queries.sources())
    alerts = queries.visible_alerts(request.user)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        alerts = queries.filter_alerts(
            alerts,
            state=data["state"] or "open",
            severity=data["severity"],
            source=data["source"],
        )
    else:
        status = 400
        alerts = alerts.none()
    page = Paginator(queries.by_urgency(alerts), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "alerts": queries.mark_silenced(page.object_list)}
    template = "alerts/partials/_list.html" if is_htmx(request) else "alerts/list.html"
    return render(request, template, context, status=status)


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One alert with its history and the acknowledgement form."""
    _require_staff(request.user)
    [alert] = queries.mark_silenced([_visible_alert(request.user, pk)])
    context = {
        "alert": alert,
        "events": alert.events.select_related("actor"),
        "ack_form": AckForm(),
    }
    return render(request, "alerts/detail.html", context)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def alert_ack(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge an alert. htmx gets the part named by ``render`` (``row`` or ``panel``)
    back, re-rendered (with the form's errors on 422); others are redirected."""
    alert = _visible_alert(request.user, pk)
    if not can(request.user, Perm.DATA_CHANGE, alert):
        raise PermissionDenied(_("Bạn không có quyền xác nhận cảnh báo này."))
    form = AckForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            alert = engine.acknowledge(
                alert, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    if form.errors:
        status = 422
    detail = reverse("alerts:detail", args=[alert.pk])
    if not is_htmx(request):
        if status == 200:
            messages.success(request, _("Đã xác nhận cảnh báo."))
            return redirect(_safe_next(request, detail))
        [alert] = queries.mark_silenced([_visible_alert(request.user, pk)])
        context = {"alert": alert, "events": alert.events.select_related("actor"), "ack_form": form}
        return render(request, "alerts/detail.html", context, status=status)
    render_as = request.POST.get("render", "panel")
    template = ACK_RENDERS.get(render_as, ACK_RENDERS["panel"])
    [alert] = queries.mark_silenced([_visible_alert(request.user, pk)])
    return render(request, template, {"alert": alert, "ack_form": form}, status=status)


# --- silences -------------------------------------------------------------------------------


def _silence_form(request: HttpRequest, data: Any = None) -> SilenceForm:
    allowed = scope_set(request.user, Perm.DATA_CHANGE)
    agencies = Agency.objects.order_by("name")
    if not allowed.everything:
        agencies = agencies.filter(pk__in=sorted(allowed.agency_ids))
    # Any rule may be silenced; the agency field keeps the silence inside the user's scope.
    return SilenceForm(data, rules=Rule.objects.order_by("name"), agencies=agencies)


def _may_change_silence(user: Any, silence: Silence) -> bool:
    try:
        actions.require_silence_scope(user, silence.agency_id)
    except PermissionDenied:
        return False
    return True


@login_required
def silence_list(request: HttpRequest) -> HttpResponse:
    """The silences in the user's scope, and a form to add one (``data.change``)."""
    _require_staff(request.user)
    may_change = can(request.user, Perm.DATA_CHANGE)
    form = _silence_form(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(_("Bạn không có quyền tạo khoảng im lặng."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.create_silence(
                    actor=request.user,
                    rule=data["rule"],
                    key_prefix=data["key_prefix"],
                    agency=data["agency"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã tạo khoảng im lặng."))
                return redirect("alerts:silences")
        status = 422
    now = timezone.now()
    rows = [
        {
            "silence": s,
            "active": s.is_active(now),
            "may_end": s.ends_at > now and _may_change_silence(request.user, s),
        }
        for s in queries.visible_silences(request.user)[:SILENCES_SHOWN]
    ]
    context = {"form": form, "may_change": may_change, "rows": rows}
    return render(request, "alerts/silences.html", context, status=status)


@login_required
@require_POST
def silence_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a silence now."""
    silence = get_object_or_404(queries.visible_silences(request.user), pk=pk)
    try:
        actions.end_silence(silence, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã kết thúc khoảng im lặng."))
    return redirect("alerts:silences")


# --- rules ----------------------------------------------------------------------------------


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    """The rules in the user's scope, with an on/off switch where the user may change them."""
    _require_staff(request.user)
    rules = queries.visible_rules(request.user).order_by("source", "name")
    rows = [{"rule": r, "may_change": can(request.user, Perm.DATA_CHANGE, r)} for r in rules]
    return render(request, "alerts/rules.html", {"rows": rows})


def _changeable_rule(request: HttpRequest, pk: int) -> Any:
    rule = get_object_or_404(queries.visible_rules(request.user), pk=pk)
    if not can(request.user, Perm.DATA_CHANGE, rule):
        raise PermissionDenied(_("Bạn không có quyền sửa quy tắc này."))
    return rule


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a rule's name, severity, hold time, escalation delay and params."""
    rule = _changeable_rule(request, pk)
    form = RuleForm(request.POST or None, instance=rule)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in actions.RULE_FIELDS}
            try:
                actions.update_rule(Rule.objects.get(pk=rule.pk), actor=request.user, **values)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu quy tắc."))
                return redirect("alerts:rules")
        status = 422
    return render(request, "alerts/rule_edit.html", {"rule": rule, "form": form}, status=status)


@login_required
@require_POST
def rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a rule on or off; htmx gets the rule's row back."""
    rule = _changeable_rule(request, pk)
    actions.set_rule_enabled(rule, actor=request.user, enabled=not rule.enabled)
    if is_htmx(request):
        return render(
            request, "alerts/partials/_rule_row.html", {"row": {"rule": rule, "may_change": True}}
        )
    return redirect("alerts:rules")
