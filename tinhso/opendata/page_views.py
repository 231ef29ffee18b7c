"""Citizens' pages of the open data portal: search, dataset and resource pages with preview,
download and API snippet, organisations and themes, and the export of a search as CSV.

CKAN's public URL shapes (``/dataset/``, ``/dataset/<name>``, ``/dataset/<id>/resource/<id>``,
``/organization/<name>``, ``/group/<name>``) so links from harvesters and DCAT catalogues work.
Anonymous visitors get the dataset page and the unfiltered lists from the public page cache;
a view is counted by a beacon the page sends after loading (so cached pages count too, and
robots that run no script do not).
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tinhso.accounts.permissions import Perm, can
from tinhso.core import pagecache
from tinhso.core.htmx import is_htmx
from tinhso.core.text import fold
from tinhso.opendata import actions, queries, search
from tinhso.opendata.choices import DatastoreStatus, UsageKind
from tinhso.opendata.models import Dataset, DatastoreTable, Organization, Resource, Theme
from tinhso.opendata.page_forms import SORTS, RatingForm, SearchForm
from tinhso.opendata.page_preview import resource_preview

PAGE_SIZE = 20
EXPORT_ROWS = 1000
MAX_FILTER_VALUES = 10
FACETS: tuple[tuple[str, Any], ...] = (
    ("organization", gettext_lazy("Tổ chức công bố")),
    ("groups", gettext_lazy("Chủ đề")),
    ("tags", gettext_lazy("Từ khoá")),
    ("res_format", gettext_lazy("Định dạng")),
    ("license_id", gettext_lazy("Giấy phép")),
)
FACET_SHOWN = 8


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """The portal's 403 page, saying why."""
    return render(request, "opendata/403.html", {"message": message}, status=403)


# --- search ---------------------------------------------------------------------------------


@dataclass
class FacetLink:
    """A facet value as a link that adds or removes it from the search."""

    label: str
    count: int
    url: str
    selected: bool


def _selected(request: HttpRequest) -> dict[str, list[str]]:
    return {
        field: [value for value in request.GET.getlist(field) if value.strip()][:MAX_FILTER_VALUES]
        for field, _label in FACETS
    }


def _toggle_url(request: HttpRequest, field: str, value: str) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    values = params.getlist(field)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(field, values)
    return "?" + params.urlencode()


def _is_selected(field: str, name: str, chosen: Sequence[str]) -> bool:
    if field in ("tags", "organization", "groups"):
        return fold(name) in {fold(value) for value in chosen}
    return name in chosen


def _search_filters(selected: dict[str, list[str]], fixed: Sequence[search.Filter]) -> list[Any]:
    filters = list(fixed)
    for field, values in selected.items():
        # Each value narrows the search further, as ticking two facets does on CKAN.
        filters += [search.Filter(field, (value,)) for value in values]
    return filters


def _sort(value: str) -> list[tuple[str, bool]]:
    if not value:
        return list(search.DEFAULT_SORT)
    name, direction = value.split()
    return [(name, direction == "desc"), ("metadata_modified", True)]


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def search_context(
    request: HttpRequest, *, fixed: Sequence[search.Filter] = (), hidden: Sequence[str] = ()
) -> tuple[dict[str, Any], int]:
    """Run the search the query string asks for among public datasets; return the page's
    context and its HTTP status. ``fixed`` filters always apply (an organisation's page);
    ``hidden`` facets are not offered."""
    form = SearchForm(request.GET)
    status = 200
    text, sort = "", ""
    if form.is_valid():
        text, sort = form.cleaned_data["q"], form.cleaned_data["sort"] or ""
    else:
        status = 400
    selected = _selected(request)
    number = _page_number(request)
    query = search.Query(
        text=text,
        filters=_search_filters(selected, fixed),
        sort=_sort(sort),
        rows=PAGE_SIZE,
        start=(number - 1) * PAGE_SIZE,
        facet_fields=[field for field, _label in FACETS if field not in hidden],
        facet_limit=FACET_SHOWN,
    )
    result = search.search_datasets(query, base=Dataset.objects.public())
    if result.count and query.start >= result.count:
        # A page past the end shows the last page rather than nothing.
        number = (result.count - 1) // PAGE_SIZE + 1
        query.start = (number - 1) * PAGE_SIZE
        result = search.search_datasets(query, base=Dataset.objects.public())
    page: Page[Any] = Paginator(range(result.count), PAGE_SIZE).get_page(number)
    facets = []
    for field, label in FACETS:
        if field in hidden:
            continue
        items = [
            FacetLink(
                label=item.display_name,
                count=item.count,
                url=_toggle_url(request, field, item.name),
                selected=_is_selected(field, item.name, selected[field]),
            )
            for item in result.facets.get(field, [])
        ]
        facets.append({"field": field, "label": label, "items": items})
    chips = [
        {"field": field, "label": value, "url": _toggle_url(request, field, value), "facet": label}
        for field, label in FACETS
        for value in selected[field]
    ]
    context = {
        "form": form,
        "q": text,
        "results": [
            {"dataset": dataset, "formats": _formats(dataset)}
            for dataset in queries.datasets_in_order(result.ids)
        ],
        "count": result.count,
        "page": page,
        "facets": facets,
        "chips": chips,
        "filtered": bool(text or chips),
        "sorts": SORTS,
        "export_query": request.GET.urlencode(),
    }
    return context, status


def _formats(dataset: Dataset) -> list[str]:
    """The formats of the dataset's files, once each (resources prefetched)."""
    return sorted({resource.format for resource in dataset.resources.all()} - {""})


def _cache_unfiltered(request: HttpRequest, *tags: str) -> None:
    # Only the bare address is cached: query strings are endless and htmx asks for partials.
    if not request.GET and not is_htmx(request):
        pagecache.depends_on(request, actions.CATALOGUE_TAG, *tags)


@require_GET
def dataset_search(request: HttpRequest) -> HttpResponse:
    """``/dataset/``: one search box, facets, sort and pages; htmx gets the results only."""
    _cache_unfiltered(request)
    context, status = search_context(request)
    context["results_url"] = reverse("opendata:search")
    template = "opendata/partials/_results.html" if is_htmx(request) else "opendata/search.html"
    return render(request, template, context, status=status)


def _csv_safe(value: Any) -> str:
    text = str(value or "")
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def search_export(request: HttpRequest) -> StreamingHttpResponse:
    """The datasets a search finds (up to 1,000) as a CSV metadata list."""
    form = SearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    sort = form.cleaned_data["sort"] if form.is_valid() else ""
    query = search.Query(
        text=text,
        filters=_search_filters(_selected(request), ()),
        sort=_sort(sort or ""),
        rows=EXPORT_ROWS,
    )
    result = search.search_datasets(query, base=Dataset.objects.public())
    rows = (
        Dataset.objects.filter(pk__in=result.ids)
        .select_related("organization", "license")
        .prefetch_related("tags", "themes", "resources")
    )
    by_id = {dataset.pk: dataset for dataset in rows}
    base = request.build_absolute_uri("/").rstrip("/")
    header = [
        _("Tên định danh"),
        _("Tiêu đề"),
        _("Tổ chức công bố"),
        _("Chủ đề"),
        _("Từ khoá"),
        _("Định dạng"),
        _("Giấy phép"),
        _("Cập nhật"),
        _("Đường dẫn"),
    ]

    def lines() -> Any:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(header)  # the BOM lets Excel read UTF-8
        for pk in result.ids:
            dataset = by_id[pk]
            formats = sorted(
                {res.format for res in dataset.resources.all() if res.state == "active"} - {""}
            )
            yield writer.writerow(
                [
                    _csv_safe(value)
                    for value in (
                        dataset.name,
                        dataset.title,
                        dataset.organization.title,
                        "; ".join(theme.title for theme in dataset.themes.all()),
                        "; ".join(tag.name for tag in dataset.tags.all()),
                        ", ".join(formats),
                        dataset.license.title if dataset.license else "",
                        timezone.localtime(dataset.modified).strftime("%d/%m/%Y"),
                        f"{base}{reverse('opendata:dataset', args=[dataset.name])}",
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bo-du-lieu.csv"'
    return response


# --- dataset and resource pages -------------------------------------------------------------


def readable_dataset(request: HttpRequest, key: str) -> Dataset:
    """The dataset named (or with id) ``key`` if the visitor may see it.

    Raises ``Http404`` for missing, deleted and unpublished datasets of others, and
    ``PermissionDenied`` for another organisation's private datasets (as CKAN does).
    """
    dataset = queries.find_dataset(key)
    if dataset is None:
        raise Http404(key)
    if not queries.may_read(request.user, dataset):
        if dataset.state == "active" and dataset.private:
            raise PermissionDenied(_("Bộ dữ liệu này chỉ dùng trong nội bộ cơ quan."))
        raise Http404(key)
    return dataset


def _api_snippet(
    request: HttpRequest, dataset: Dataset, resource: Resource | None
) -> dict[str, str]:
    base = request.build_absolute_uri("/").rstrip("/")
    curl = f'curl "{base}/api/3/action/package_show?id={dataset.name}"'
    python = (
        "from ckanapi import RemoteCKAN\n\n"
        f'portal = RemoteCKAN("{base}")\n'
        f'dataset = portal.action.package_show(id="{dataset.name}")'
    )
    if resource is not None:
        curl += f'\ncurl "{base}/api/3/action/datastore_search?resource_id={resource.pk}&limit=5"'
        python += (
            f'\nrows = portal.action.datastore_search(resource_id="{resource.pk}", limit=5)'
            '\nfor record in rows["records"]:\n    print(record)'
        )
    return {"curl": curl, "python": python, "base": base}


def _table(resource: Resource) -> DatastoreTable | None:
    try:
        return resource.datastore
    except DatastoreTable.DoesNotExist:
        return None


def _is_staff(user: Any, dataset: Dataset) -> bool:
    return can(user, Perm.DATA_CHANGE, dataset)


def render_dataset(
    request: HttpRequest, dataset: Dataset, status: int = 200, **extra: Any
) -> HttpResponse:
    """Render the dataset page (``extra`` adds to or replaces its context)."""
    resources = queries.active_resources(dataset)
    preview, previewed = None, None
    for resource in resources:
        if resource.datastore_active:
            preview = resource_preview(resource)
            if preview is not None:
                previewed = resource
                break
    loading = [
        res
        for res in resources
        if res != previewed
        and (table := _table(res)) is not None
        and table.status in (DatastoreStatus.PENDING, DatastoreStatus.LOADING)
    ]
    user = request.user
    own_rating = None
    if user.is_authenticated:
        own_rating = dataset.ratings.filter(user_id=user.pk).values_list("stars", flat=True).first()
    context = {
        "dataset": dataset,
        "resources": resources,
        "tags": list(dataset.tags.all()),
        "themes": list(dataset.themes.all()),
        "rating": queries.rating_summary(dataset),
        "own_rating": own_rating,
        "rating_form": extra.pop("rating_form", None)
        or RatingForm(initial={"stars": own_rating} if own_rating else None),
        "preview": preview,
        "previewed": previewed,
        "loading": loading,
        "api": _api_snippet(request, dataset, previewed),
        "is_staff": _is_staff(user, dataset),
        **extra,
    }
    return render(request, "opendata/dataset.html", context, status=status)


@require_GET
def dataset_page(request: HttpRequest, key: str) -> HttpResponse:
    """A dataset: its metadata, files with download, a preview, the API, ratings, feedback."""
    dataset = readable_dataset(request, key)
    if key != dataset.name:
        return redirect("opendata:dataset", dataset.name, permanent=True)
    if dataset.is_public:
        pagecache.depends_on(request, actions.dataset_tag(dataset.pk))
        dataset.refresh_from_db()  # what the cache entry's generation was read against
    return render_dataset(request, dataset)


@csrf_exempt  # a counter with no effect but a number, sent by cached (token-less) pages
@require_POST
def dataset_seen(request: HttpRequest, key: str) -> HttpResponse:
    """Count one view of a dataset (the beacon of its page)."""
    dataset = readable_dataset(request, key)
    actions.count_use(dataset.pk, UsageKind.VIEW)
    return HttpResponse(status=204)


def _resource_of(request: HttpRequest, key: str, resource_id: str) -> tuple[Dataset, Resource]:
    dataset = readable_dataset(request, key)
    resource = get_object_or_404(
        Resource.objects.select_related("datastore"),
        pk=resource_id,
        dataset=dataset,
        state="active",
    )
    return dataset, resource


@require_GET
def resource_page(request: HttpRequest, key: str, resource_id: str) -> HttpResponse:
    """A resource: what it is, its download, the preview of its rows and the API to query it."""
    dataset, resource = _resource_of(request, key, resource_id)
    if key != dataset.name:
        return redirect("opendata:resource", dataset.name, resource.pk, permanent=True)
    preview = resource_preview(resource, limit=50) if resource.datastore_active else None
    context = {
        "dataset": dataset,
        "resource": resource,
        "table": _table(resource),
        "preview": preview,
        "api": _api_snippet(request, dataset, resource if preview is not None else None),
        "is_staff": _is_staff(request.user, dataset),
    }
    return render(request, "opendata/resource.html", context)


def download_name(resource: Resource) -> str:
    """The file name a download is saved under: the stored file's own (already made safe)."""
    return PurePath(resource.upload.name or resource.name).name


@require_GET
def resource_download(
    request: HttpRequest, key: str, resource_id: str, filename: str = ""
) -> HttpResponse:
    """Serve an uploaded file, or send the visitor to a linked one; count the download."""
    dataset, resource = _resource_of(request, key, resource_id)
    if resource.upload:
        try:
            handle = resource.upload.open("rb")
        except FileNotFoundError:
            raise Http404(resource.name) from None
        actions.count_use(dataset.pk, UsageKind.DOWNLOAD)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=download_name(resource),
            content_type=resource.mimetype or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response  # type: ignore[return-value]  # FileResponse is a streaming response
    if resource.url.startswith(("https://", "http://")):
        actions.count_use(dataset.pk, UsageKind.DOWNLOAD)
        return HttpResponseRedirect(resource.url)
    raise Http404(resource.name)


@require_GET
def datastore_progress(request: HttpRequest, key: str, resource_id: str) -> HttpResponse:
    """The loading state of a resource's datastore table (polled by htmx); the preview once
    it is ready."""
    dataset, resource = _resource_of(request, key, resource_id)
    table = _table(resource)
    ready = table is not None and table.status == DatastoreStatus.READY
    context = {
        "dataset": dataset,
        "resource": resource,
        "table": table,
        "preview": resource_preview(resource) if ready and resource.datastore_active else None,
    }
    response = render(request, "opendata/partials/_progress.html", context)
    response["Cache-Control"] = "no-store"
    return response


# --- organisations and themes ---------------------------------------------------------------


@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    """Every publishing organisation with how many public datasets it has."""
    _cache_unfiltered(request)
    context = {"organizations": list(queries.organizations_with_counts())}
    return render(request, "opendata/organizations.html", context)


@require_GET
def theme_list(request: HttpRequest) -> HttpResponse:
    """Every theme with how many public datasets it holds."""
    _cache_unfiltered(request)
    return render(request, "opendata/themes.html", {"themes": list(queries.themes_with_counts())})


def _scoped_search(
    request: HttpRequest, owner: Organization | Theme, field: str, template: str
) -> HttpResponse:
    _cache_unfiltered(request)
    context, status = search_context(
        request, fixed=[search.Filter(field, (owner.name,))], hidden=[field]
    )
    context["owner"] = owner
    context["results_url"] = request.path
    if is_htmx(request):
        template = "opendata/partials/_results.html"
    return render(request, template, context, status=status)


@require_GET
def organization_page(request: HttpRequest, key: str) -> HttpResponse:
    """An organisation: who it is and a search among its public datasets."""
    organization = Organization.objects.filter(name=key).first()
    if organization is None:
        organization = get_object_or_404(Organization, pk=_uuid_or_404(key))
        return redirect("opendata:organization", organization.name, permanent=True)
    return _scoped_search(request, organization, "organization", "opendata/organization.html")


@require_GET
def theme_page(request: HttpRequest, key: str) -> HttpResponse:
    """A theme (CKAN group): a search among its public datasets."""
    theme = Theme.objects.filter(name=key).first()
    if theme is None:
        theme = get_object_or_404(Theme, pk=_uuid_or_404(key))
        return redirect("opendata:theme", theme.name, permanent=True)
    return _scoped_search(request, theme, "groups", "opendata/theme.html")


def _uuid_or_404(key: str) -> uuid.UUID:
    try:
        return uuid.UUID(key)
    except ValueError:
        raise Http404(key) from None
