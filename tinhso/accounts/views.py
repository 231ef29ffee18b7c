"""Pages of the accounts app: sign in and out, my profile, the staff area, the audit log.

Thin: permissions from ``permissions``, reads from ``queries``, writes from ``actions``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.accounts import actions, queries
from tinhso.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tinhso.accounts.forms import (
    AuditFilterForm,
    LoginForm,
    PeopleFilterForm,
    PurposeForm,
    TokenCreateForm,
)
from tinhso.accounts.models import ApiToken, User
from tinhso.accounts.permissions import Perm, Scope, can, require
from tinhso.accounts.personal_data import plain_values
from tinhso.core import actions as core_actions
from tinhso.core import queries as core_queries
from tinhso.core.htmx import is_htmx
from tinhso.core.models import AuditEntry

PAGE_SIZE = 25
AUDIT_PAGE_SIZE = 50
LEDGER_CHECKPOINT_URL = "/api/v1/ledger/checkpoint"


class LoginView(auth_views.LoginView):
    """Sign in; lists the demo accounts in demo mode; answers a lockout with 429."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the demo accounts when ``TINHSO_DEMO`` is on."""
        context = super().get_context_data(**kwargs)
        if settings.TINHSO_DEMO:
            context["demo_accounts"] = [(a.username, a.description) for a in DEMO_ACCOUNTS]
            context["demo_password"] = DEMO_PASSWORD
        return context

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        """Show django-axes' lockout on this page, in Vietnamese, with status 429."""
        if getattr(self.request, "axes_locked_out", False):
            # Answer here rather than let AxesMiddleware swap in its plain-text page.
            self.request.axes_locked_out = False  # type: ignore[attr-defined]
            context = self.get_context_data(form=form, locked_out=True)
            return self.render_to_response(context, status=429)
        return super().form_invalid(form)


def _me(request: HttpRequest) -> User:
    """Return the signed-in user (views using it are behind ``login_required``)."""
    return cast(User, request.user)


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only)."""


def _profile_context(user: User, **extra: Any) -> dict[str, Any]:
    return {
        "person": user,
        "row": queries.person_dict(user, plain=plain_values(user)),
        "may_see_staff": can(user, Perm.PEOPLE_VIEW),
        "may_see_audit": can(user, Perm.AUDIT_VIEW, Scope.province()),
        "roles": queries.current_roles(user),
        "tokens": user.api_tokens.select_related("unit", "agency"),
        "token_form": TokenCreateForm(),
        "now": timezone.now(),
        **extra,
    }


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """My data (my own, unmasked), my roles, my API tokens."""
    user = _me(request)
    return render(request, "accounts/profile.html", _profile_context(user))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create an API token for myself and show its secret once."""
    user = _me(request)
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/profile.html", _profile_context(user, token_form=form), status=422
        )
    token, secret = actions.create_token(
        user,
        actor=user,
        name=form.cleaned_data["name"],
        expires_at=timezone.now() + timedelta(days=form.cleaned_data["days"]),
    )
    return render(
        request,
        "accounts/profile.html",
        _profile_context(user, new_token=token, new_secret=secret),
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of my API tokens."""
    token = get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk)
    actions.revoke_token(token, actor=token.user)
    return redirect("accounts:profile")


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    """People in my scope, paginated, personal data masked."""
    require(request.user, Perm.PEOPLE_VIEW)
    form = PeopleFilterForm(request.GET or None)
    people = queries.people_visible_to(request.user)
    if form.is_valid() and form.cleaned_data["username"]:
        people = people.filter(username__icontains=form.cleaned_data["username"])
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [queries.person_dict(person) for person in page.object_list]
    return render(request, "accounts/staff.html", {"page": page, "rows": rows, "form": form})


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person, masked; stating a purpose (POST) shows the data unmasked and logs the read."""
    subject = queries.person_with_roles(pk)
    if subject is None:
        raise Http404(_("Không có người dùng này."))
    require(request.user, Perm.PEOPLE_VIEW, subject)
    form = PurposeForm(request.POST or None)
    row = queries.person_dict(subject)
    if request.method == "POST" and form.is_valid():
        try:
            plain = actions.read_personal_data(
                subject, actor=_me(request), purpose=form.cleaned_data["purpose"]
            )
        except ValidationError as exc:
            form.add_error("purpose", exc)
        else:
            row = queries.person_dict(subject, plain=plain)
    return render(
        request,
        "accounts/person.html",
        {
            "subject": subject,
            "row": row,
            "roles": queries.current_roles(subject),
            "form": form,
            "may_unmask": can(request.user, Perm.PEOPLE_VIEW_PERSONAL, subject),
        },
    )


AUDIT_CSV_COLUMNS = (
    "leaf_index",
    "created_at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "ip_address",
    "client",
    "batch_count",
)
VERIFICATION_SESSION_KEY = "ledger_verification"


class _Echo:
    """A file-like object whose ``write`` returns the line, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


@login_required
def audit_log(request: HttpRequest) -> HttpResponseBase:
    """The audit ledger, newest first, filtered; for province-wide auditors and operators.

    ``?format=csv`` downloads every entry matching the filters (streamed, not paged).
    """
    require(request.user, Perm.AUDIT_VIEW, Scope.province())
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.order_by("-created_at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"])
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"])
        if data["date_from"]:
            entries = entries.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(created_at__date__lte=data["date_to"])
    if request.GET.get("format") == "csv":
        return _audit_csv(entries)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    result_id = request.session.get(VERIFICATION_SESSION_KEY, "")
    return render(
        request,
        "accounts/audit_log.html",
        {
            "page": page,
            "form": form,
            "checkpoint_url": LEDGER_CHECKPOINT_URL,
            "verification": core_queries.ledger_verification(result_id) if result_id else None,
        },
    )


# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """Return ``value`` as CSV cell text that a spreadsheet shows as text, never as a formula.

    Cells starting with ``= + - @``, a tab or a carriage return get a leading ``'`` (e.g. a
    User-Agent of ``=HYPERLINK(...)`` chosen by whoever sent the request).
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _audit_csv(entries: Any) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(AUDIT_CSV_COLUMNS)  # BOM: Excel reads it as UTF-8
        for row in entries.values_list(*AUDIT_CSV_COLUMNS).iterator(chunk_size=2000):
            yield writer.writerow([csv_cell(value) for value in row])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-kiem-toan-{stamp}.csv"'
    return response


@login_required
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Queue a full recomputation of the audit ledger and show its progress on the log page."""
    require(request.user, Perm.AUDIT_VIEW, Scope.province())
    request.session[VERIFICATION_SESSION_KEY] = core_actions.request_ledger_verification(
        actor=request.user
    )
    if is_htmx(request):
        return audit_verify_status(request)
    return redirect("accounts:audit_log")


@login_required
def audit_verify_status(request: HttpRequest) -> HttpResponse:
    """The state of my latest ledger check (an htmx partial that polls until it finishes)."""
    require(request.user, Perm.AUDIT_VIEW, Scope.province())
    result_id = request.session.get(VERIFICATION_SESSION_KEY, "")
    return render(
        request,
        "accounts/partials/_verification.html",
        {"verification": core_queries.ledger_verification(result_id) if result_id else None},
    )
