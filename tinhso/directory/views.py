"""Pages of the directory: the unit explorer, unit history, the agency directory.

Views are thin: they validate parameters with ``forms.py``, read through ``queries.py`` and
render the full page, or only the partial an htmx request asks for.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tinhso.core.htmx import is_htmx
from tinhso.directory import queries
from tinhso.directory.choices import AgencyKind
from tinhso.directory.forms import AgencyFilterForm, AsOfForm, UnitSearchForm
from tinhso.directory.models import Agency

AGENCIES_PER_PAGE = 25
SEARCH_LIMIT = 50


def _day(form: AsOfForm | UnitSearchForm) -> datetime.date:
    """The requested day, or today when absent or malformed (the form keeps the error)."""
    if form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"]
    return queries.today()


def explorer(request: HttpRequest) -> HttpResponse:
    """The unit tree on a date (provinces; children load on demand), or a name search."""
    form = UnitSearchForm(request.GET)
    day = _day(form)
    q = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
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
    return render(request, template, context)


def tree_node(request: HttpRequest, code: str) -> HttpResponse:
    """One tree node (htmx partial), expanded with its children when ``expand=1``."""
    day = _day(AsOfForm(request.GET))
    nodes = queries.with_child_count(queries.units_on(day).filter(code=code), day)
    node = nodes.first()
    if node is None:
        raise Http404(_("Không có đơn vị mang mã này vào ngày đã chọn."))
    expanded = request.GET.get("expand") == "1"
    depth = request.GET.get("depth", "1")
    return render(
        request,
        "directory/partials/_tree_node.html",
        {
            "node": node,
            "as_of": day,
            "expanded": expanded,
            "children": queries.children(node, day) if expanded else [],
            "depth": int(depth) if depth.isdigit() else 1,
        },
    )


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A unit on a date with its history; every unit that has carried the code is listed."""
    form = AsOfForm(request.GET)
    day = _day(form)
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
    """The agency directory: search with or without diacritics, filter by kind, paged."""
    form = AgencyFilterForm(request.GET)
    valid = form.is_valid()
    filters = {
        "q": form.cleaned_data["q"] if valid else "",
        "kind": form.cleaned_data["kind"] if valid else "",
        "all": form.cleaned_data["all"] if valid else False,
    }
    today = queries.today()
    agencies = queries.list_agencies(
        q=str(filters["q"]), kind=str(filters["kind"]), day=None if filters["all"] else today
    )
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
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
    return render(request, template, context)


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
