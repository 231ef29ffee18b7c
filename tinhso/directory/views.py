"""Pages of the directory: the unit explorer, unit history, the agency directory.

Views are thin: they validate parameters with ``forms.py``, read through ``queries.py`` and
render the full page, or only the partial an htmx request asks for. A parameter the form
refuses is a 400, never a silent default: the two search pages show it as a field error beside
what the valid parameters find (today's tree when the date is refused); pages reached only
through our own links (tree nodes, unit pages) answer Django's 400 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_resolver, get_urlconf
from django.utils.translation import gettext as _

from tinhso.core.htmx import is_htmx
from tinhso.directory import queries
from tinhso.directory.choices import AgencyKind
from tinhso.directory.forms import AgencyFilterForm, AsOfForm, TreeNodeForm, UnitSearchForm
from tinhso.directory.models import Agency

AGENCIES_PER_PAGE = 25
SEARCH_LIMIT = 50


def _bad_request(request: HttpRequest, form: Form) -> HttpResponse:
    """The site's 400 page for parameters ``form`` refused.

    Returned rather than raised: Django logs a raised ``BadRequest`` with a traceback, and a
    mistyped link is not a fault of ours (the 400 itself is still logged, on one line).
    """
    # django-stubs types the handler with one argument; Django calls it with two.
    handler: Callable[..., HttpResponse] = get_resolver(get_urlconf()).resolve_error_handler(400)
    return handler(request, BadRequest(", ".join(sorted(form.errors))))


def _status(form: Form) -> int:
    """200 for a valid search form, 400 for one the page renders with its errors."""
    return 200 if form.is_valid() else 400


def explorer(request: HttpRequest) -> HttpResponse:
    """The unit tree on a date (provinces; children load on demand), or a name search.

    A refused date or name is a 400 that shows the error; a refused date shows today.
    """
    form = UnitSearchForm(request.GET)
    status = _status(form)
    day = form.cleaned_data.get("as_of") or queries.today()
    q = form.cleaned_data.get("q", "").strip()
    context: dict[str, Any] = {"form": form, "as_of": day, "q": q}
    if q:
        found = list(queries.search_units(q)[: SEARCH_LIMIT + 1])
        context["results"] = [(unit, unit.is_valid_on(day)) for unit in found[:SEARCH_LIMIT]]
        context["truncated"] = len(found) > SEARCH_LIMIT
    else:
        context["nodes"] = queries.children(None, day)
    template = "directory/explorer.html"
    if is_htmx(request):
        template = "directory/partials/_unit_results.html"
    return render(request, template, context, status=status)


def tree_node(request: HttpRequest, code: str) -> HttpResponse:
    """One tree node (htmx partial), expanded with its children when ``expand=1``."""
    form = TreeNodeForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, form)
    params = form.cleaned_data
    day = params["as_of"] or queries.today()
    nodes = queries.with_child_count(queries.units_on(day).filter(code=code), day)
    node = nodes.first()
    if node is None:
        raise Http404(_("Không có đơn vị mang mã này vào ngày đã chọn."))
    expanded = params["expand"] == "1"
    return render(
        request,
        "directory/partials/_tree_node.html",
        {
            "node": node,
            "as_of": day,
            "expanded": expanded,
            "children": queries.children(node, day) if expanded else [],
            "depth": params["depth"] or 1,
        },
    )


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A unit on a date with its history; every unit that has carried the code is listed."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _bad_request(request, form)
    day = form.cleaned_data["as_of"] or queries.today()
    history = list(queries.code_history(code))
    if not history:
        raise Http404(_("Không có đơn vị hành chính mang mã này."))
    unit = next((u for u in history if u.is_valid_on(day)), None)
    context: dict[str, Any] = {"code": code, "as_of": day, "history": history, "unit": unit}
    if unit is None:
        return render(request, "directory/unit_detail.html", context, status=404)
    today = queries.today()
    context.update(
        {
            "historic": not unit.is_valid_on(today),
            "ancestors": queries.ancestors(unit),
            "children": queries.children(unit, day),
            "predecessors": queries.predecessor_links(unit),
            "successors": queries.successor_links(unit),
            "current": queries.current_successors(unit, today),
            "agencies": queries.list_agencies(unit=unit),
            "today": today,
        }
    )
    return render(request, "directory/unit_detail.html", context)


def agency_list(request: HttpRequest) -> HttpResponse:
    """The agency directory: search with or without diacritics, filter by kind, paged.

    A refused filter or page number is a 400 that shows the error above the list filtered by
    the parameters that were valid; a page beyond the last is a 404.
    """
    form = AgencyFilterForm(request.GET)
    status = _status(form)
    filters = {
        "q": form.cleaned_data.get("q", ""),
        "kind": form.cleaned_data.get("kind", ""),
        "all": form.cleaned_data.get("all", False),
    }
    today = queries.today()
    agencies = queries.list_agencies(
        q=str(filters["q"]), kind=str(filters["kind"]), day=None if filters["all"] else today
    )
    try:
        page = Paginator(agencies, AGENCIES_PER_PAGE).page(form.cleaned_data.get("page") or 1)
    except EmptyPage:
        raise Http404(_("Không có trang này.")) from None
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "kinds": AgencyKind.choices,
        "today": today,
    }
    template = "directory/agency_list.html"
    if is_htmx(request):
        template = "directory/partials/_agency_results.html"
    return render(request, template, context, status=status)


def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One agency: unit, relations, validity and identifier codes."""
    try:
        agency = queries.get_agency(pk)
    except Agency.DoesNotExist:
        raise Http404(_("Không có cơ quan này.")) from None
    today = queries.today()
    return render(
        request,
        "directory/agency_detail.html",
        {"agency": agency, "today": today, "historic": not agency.is_valid_on(today)},
    )
