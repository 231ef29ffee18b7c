"""Agencies' staff pages of the open data portal (quản lý dữ liệu mở), ``/du-lieu-mo/quan-ly/``.

A data officer (``data.change`` on the agency) drafts datasets, adds files or links and sends
them for approval; the agency's leader (``data.approve``) publishes them or returns them with a
reason. Both answer citizens' tickets addressed to their organisation. Every write goes through
``tinhso.opendata.actions``, which checks permissions again; a refusal shows the 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.accounts.permissions import Perm, can
from tinhso.opendata import actions, queries, search
from tinhso.opendata.choices import DatasetState, DatastoreStatus, TicketStatus
from tinhso.opendata.datastore import actions as datastore_actions
from tinhso.opendata.models import Dataset, DatastoreTable, Resource, Ticket
from tinhso.opendata.page_forms import (
    AnswerForm,
    ColumnTypesForm,
    ReturnForm,
    StaffDatasetForm,
    StaffResourceForm,
)
from tinhso.opendata.page_views import forbidden

PAGE_SIZE = 25
TABS: tuple[tuple[str, Any, Q], ...] = (
    ("all", gettext_lazy("Tất cả"), ~Q(state=DatasetState.DELETED)),
    ("draft", gettext_lazy("Bản nháp"), Q(state=DatasetState.DRAFT)),
    ("pending", gettext_lazy("Chờ duyệt"), Q(state=DatasetState.PENDING)),
    ("public", gettext_lazy("Đã công bố"), Q(state=DatasetState.ACTIVE, private=False)),
    ("private", gettext_lazy("Nội bộ"), Q(state=DatasetState.ACTIVE, private=True)),
    ("deleted", gettext_lazy("Đã xoá"), Q(state=DatasetState.DELETED)),
)
TICKET_TABS: tuple[tuple[str, Any], ...] = (
    (TicketStatus.OPEN, gettext_lazy("Chưa trả lời")),
    (TicketStatus.ANSWERED, gettext_lazy("Đã trả lời")),
    (TicketStatus.CLOSED, gettext_lazy("Đã đóng")),
)
REVISION_LABELS = {
    "create": gettext_lazy("Tạo"),
    "update": gettext_lazy("Sửa thông tin"),
    "submit": gettext_lazy("Gửi duyệt"),
    "approve": gettext_lazy("Duyệt, công bố"),
    "return": gettext_lazy("Trả lại"),
    "delete": gettext_lazy("Xoá"),
    "resource_create": gettext_lazy("Thêm tệp"),
    "resource_update": gettext_lazy("Sửa tệp"),
    "resource_delete": gettext_lazy("Gỡ tệp"),
}
BADGES = {
    DatasetState.DRAFT: "badge-old",
    DatasetState.PENDING: "badge-warn",
    DatasetState.ACTIVE: "badge-ok",
    DatasetState.DELETED: "badge-bad",
}


def staff_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Open a view to signed-in staff of some organisation; show refusals as the 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if not can(request.user, Perm.DATA_CHANGE):
                raise PermissionDenied(_("Trang này dành cho cán bộ phụ trách dữ liệu mở."))
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return forbidden(request, str(exc) or _("Bạn không có quyền làm việc này."))

    return wrapper


def _dataset(request: HttpRequest, key: str) -> Dataset:
    dataset = queries.find_dataset(key)
    if dataset is None:
        raise Http404(key)
    if not can(request.user, Perm.DATA_CHANGE, dataset):
        raise PermissionDenied(
            _("Bộ dữ liệu %(name)s không thuộc cơ quan bạn phụ trách.") % {"name": dataset.name}
        )
    return dataset


def _add_errors(form: Any, exc: ValidationError) -> None:
    """Show an action's refusal beside its field when the form has it, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- the organisation's datasets ------------------------------------------------------------


@staff_page
def dataset_list(request: HttpRequest) -> HttpResponse:
    """My organisations' datasets by state, newest change first, searchable."""
    base = queries.staff_datasets(request.user)
    text = request.GET.get("q", "").strip()[:200]
    if text:
        base = base.filter(pk__in=list(search.match(text)))
    tab = request.GET.get("tab", "all")
    conditions = {slug: condition for slug, _label, condition in TABS}
    if tab not in conditions:
        tab = "all"
    counts = base.aggregate(
        **{slug: Count("pk", filter=condition) for slug, _label, condition in TABS}
    )
    rows = base.filter(conditions[tab]).select_related("organization").order_by("-modified")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "tab": tab,
        "q": text,
        "tabs": [{"slug": slug, "label": label, "count": counts[slug]} for slug, label, _c in TABS],
        "badges": BADGES,
        "can_create": queries.staff_organizations(request.user).exists(),
    }
    return render(request, "opendata/staff/datasets.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def dataset_create(request: HttpRequest) -> HttpResponse:
    """Draft a new dataset for one of my organisations."""
    organizations = queries.staff_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Bạn chưa phụ trách dữ liệu của tổ chức nào."))
    initial = {"organization": organizations[0].name} if organizations.count() == 1 else {}
    form = StaffDatasetForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = actions.create_dataset(
                form.cleaned_data, actor=request.user, state=DatasetState.DRAFT
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo bản nháp. Hãy thêm tệp dữ liệu rồi gửi duyệt."))
            return redirect("opendata:staff-dataset", dataset.name)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "dataset": None}
    return render(request, "opendata/staff/dataset_form.html", context, status=status)


def _may_edit(user: Any, dataset: Dataset) -> bool:
    if dataset.state == DatasetState.DELETED:
        return False
    perm = Perm.DATA_APPROVE if dataset.state == DatasetState.ACTIVE else Perm.DATA_CHANGE
    return can(user, perm, dataset)


@staff_page
@require_http_methods(["GET", "POST"])
def dataset_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Change a dataset's metadata."""
    dataset = _dataset(request, key)
    if not _may_edit(request.user, dataset):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan được sửa bộ dữ liệu đã công bố."))
    # The form validates on a copy: a ModelForm writes into its instance, and the action
    # needs the dataset as it was to record what changed.
    copy = Dataset.objects.get(pk=dataset.pk)
    form = StaffDatasetForm(
        request.POST or None,
        instance=copy,
        organizations=queries.staff_organizations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_dataset(dataset, form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("opendata:staff-dataset", dataset.name)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "dataset": dataset}
    return render(request, "opendata/staff/dataset_form.html", context, status=status)


def _table(resource: Resource) -> DatastoreTable | None:
    try:
        return resource.datastore
    except DatastoreTable.DoesNotExist:
        return None


@staff_page
def dataset_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A dataset as its organisation sees it: state, actions, files, history, tickets."""
    dataset = _dataset(request, key)
    user = request.user
    approver = can(user, Perm.DATA_APPROVE, dataset)
    state = dataset.state
    resources = [
        {"resource": resource, "table": _table(resource)}
        for resource in queries.active_resources(dataset)
    ]
    context = {
        "dataset": dataset,
        "badge": BADGES.get(DatasetState(state), ""),
        "resources": resources,
        "revisions": [
            {"revision": revision, "label": REVISION_LABELS.get(revision.action, revision.action)}
            for revision in dataset.revisions.select_related("actor")[:50]
        ],
        "tickets": list(dataset.tickets.all()[:20]),
        "may_edit": _may_edit(user, dataset),
        "may_submit": state == DatasetState.DRAFT,
        "may_approve": approver and state in (DatasetState.DRAFT, DatasetState.PENDING),
        "may_return": approver and state == DatasetState.PENDING,
        "may_delete": state != DatasetState.DELETED and (approver or state != DatasetState.ACTIVE),
        "return_form": ReturnForm(),
        "loading": DatastoreStatus.LOADING,
    }
    return render(request, "opendata/staff/dataset.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest, key: str) -> HttpResponse:
    """Add a file (uploaded here) or a link to a dataset."""
    dataset = _dataset(request, key)
    if not _may_edit(request.user, dataset):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan được thêm tệp vào bộ dữ liệu đã công bố."))
    form = StaffResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        cleaned = {
            name: form.cleaned_data[name] for name in ("name", "description", "format", "url")
        }
        upload = form.cleaned_data.get("upload")
        if upload is None and not cleaned["name"]:
            cleaned["name"] = cleaned["url"].rstrip("/").rsplit("/", 1)[-1][:500]
        try:
            actions.create_resource(dataset, cleaned, actor=request.user, upload=upload)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm tệp dữ liệu."))
            return redirect("opendata:staff-dataset", dataset.name)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "dataset": dataset}
    return render(request, "opendata/staff/resource_form.html", context, status=status)


@staff_page
@require_POST
def resource_delete(request: HttpRequest, key: str, resource_id: str) -> HttpResponse:
    """Remove a file or link from a dataset."""
    dataset = _dataset(request, key)
    resource = get_object_or_404(Resource, pk=resource_id, dataset=dataset, state="active")
    actions.delete_resource(resource, actor=request.user)
    messages.success(request, _("Đã gỡ tệp “%(name)s”.") % {"name": resource.name})
    return redirect("opendata:staff-dataset", dataset.name)


@staff_page
@require_http_methods(["GET", "POST"])
def column_types(request: HttpRequest, key: str, resource_id: str) -> HttpResponse:
    """See and correct the column types the datastore inferred for a table; reload with them."""
    dataset = _dataset(request, key)
    resource = get_object_or_404(Resource, pk=resource_id, dataset=dataset, state="active")
    table = _table(resource)
    if table is None or not table.fields:
        raise Http404(_("Tệp này chưa có bảng dữ liệu."))
    form = ColumnTypesForm(request.POST or None, table=table)
    if request.method == "POST" and form.is_valid():
        try:
            datastore_actions.set_column_types(table, form.changed_types(), actor=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kiểu cột; bảng đang được nạp lại."))
            return redirect("opendata:staff-dataset", dataset.name)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "dataset": dataset, "resource": resource, "table": table}
    return render(request, "opendata/staff/columns.html", context, status=status)


WORKFLOW_DONE = {
    "submit": gettext_lazy("Đã gửi lãnh đạo duyệt."),
    "approve": gettext_lazy("Đã công bố bộ dữ liệu."),
    "return": gettext_lazy("Đã trả lại cho cán bộ soạn."),
    "delete": gettext_lazy("Đã xoá bộ dữ liệu."),
}


@staff_page
@require_POST
def dataset_transition(request: HttpRequest, key: str, verb: str) -> HttpResponse:
    """Move a dataset in the publishing workflow: submit, approve, return, delete."""
    dataset = _dataset(request, key)
    comment = request.POST.get("comment", "").strip()[:2000]
    try:
        if verb == "submit":
            actions.submit_dataset(dataset, actor=request.user, comment=comment)
        elif verb == "approve":
            actions.approve_dataset(dataset, actor=request.user, comment=comment)
        elif verb == "return":
            actions.return_dataset(dataset, actor=request.user, comment=comment)
        elif verb == "delete":
            actions.delete_dataset(dataset, actor=request.user)
        else:
            raise Http404(verb)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, str(WORKFLOW_DONE[verb]))
    return redirect("opendata:staff-dataset", dataset.name)


# --- tickets --------------------------------------------------------------------------------


@staff_page
def ticket_inbox(request: HttpRequest) -> HttpResponse:
    """Citizens' problem reports and requests to my organisations, by status."""
    base = queries.staff_tickets(request.user)
    status = request.GET.get("tab", TicketStatus.OPEN)
    if status not in TicketStatus.values:
        status = TicketStatus.OPEN
    counts = base.aggregate(
        **{str(slug): Count("pk", filter=Q(status=slug)) for slug, _label in TICKET_TABS}
    )
    page = Paginator(base.filter(status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "tab": status,
        "tabs": [
            {"slug": slug, "label": label, "count": counts[str(slug)]}
            for slug, label in TICKET_TABS
        ],
    }
    return render(request, "opendata/staff/tickets.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One ticket with who sent it, and the answer form."""
    ticket = get_object_or_404(
        Ticket.objects.select_related("organization__agency", "dataset", "requester"), pk=pk
    )
    if not can(request.user, Perm.DATA_CHANGE, ticket.organization.agency):
        raise PermissionDenied(
            _("Chỉ cán bộ của %(org)s được trả lời.") % {"org": ticket.organization}
        )
    form = AnswerForm(request.POST or None, initial={"answer": ticket.answer})
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_ticket(
                ticket,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                close=form.cleaned_data["close"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi câu trả lời."))
            return redirect("opendata:staff-tickets")
    status = 400 if request.method == "POST" else 200
    context = {"ticket": ticket, "form": form}
    return render(request, "opendata/staff/ticket.html", context, status=status)
