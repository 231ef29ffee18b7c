"""DCAT endpoints at ckanext-dcat's paths: the paged catalogue, one dataset, DCAT-JSON.

Only public datasets appear in the catalogue and in DCAT-JSON; a private or unpublished
dataset's own document is served to those who may see it in the portal and is a 404 for
everyone else, so its existence is not revealed.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from urllib.parse import urlencode

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tinhso.accounts.permissions import Perm, can
from tinhso.core import pagecache
from tinhso.core.siteurl import site_url
from tinhso.opendata.actions import CATALOGUE_TAG
from tinhso.opendata.choices import DatasetState
from tinhso.opendata.ckan import fq as ckan_fq
from tinhso.opendata.dcat import graph as dcat_graph
from tinhso.opendata.models import Dataset
from tinhso.opendata.search import Filter, Query, UnknownField, search_datasets


class BadParameter(ValueError):
    """A query parameter has a value the endpoint cannot use."""


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1").strip() or "1"
    try:
        page = int(raw)
    except ValueError:
        raise BadParameter(_("Tham số page phải là số nguyên dương.")) from None
    if page < 1:
        raise BadParameter(_("Tham số page phải là số nguyên dương."))
    return page


def parse_since(raw: str) -> datetime.datetime | None:
    """``modified_since`` as an aware datetime: an ISO date or date-time, UTC when naive."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw)
    except ValueError:
        raise BadParameter(
            _("modified_since “%(value)s” không phải ngày giờ ISO 8601.") % {"value": raw}
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _public_page(request: HttpRequest, page: int) -> tuple[list[Dataset], int]:
    """The public datasets of catalogue page ``page`` (most recently modified first), total."""
    since = parse_since(request.GET.get("modified_since", ""))
    try:
        # ``fq`` is read as the CKAN API reads it (``organization:X``, ranges, ``-`` …).
        parsed = ckan_fq.parse(request.GET.get("fq", ""), now=timezone.now())
    except ckan_fq.QuerySyntaxError as error:
        raise BadParameter(_("Tham số fq không hợp lệ: %(error)s") % {"error": error}) from None
    filters = list(parsed.filters)
    if since is not None:
        filters.append(Filter("metadata_modified", start=since))
    try:
        result = search_datasets(
            Query(
                text=" ".join([request.GET.get("q", ""), *parsed.text]).strip(),
                filters=filters,
                sort=[("metadata_modified", True)],
                rows=dcat_graph.PER_PAGE,
                start=(page - 1) * dcat_graph.PER_PAGE,
            ),
            base=Dataset.objects.public(),
        )
    except UnknownField as error:
        raise BadParameter(_("Không lọc được theo trường %(field)s.") % {"field": error}) from None
    found = dcat_graph.with_related(Dataset.objects.filter(pk__in=result.ids)).in_bulk()
    return [found[pk] for pk in result.ids], result.count


def _rdf_response(graph: Any, fmt: str) -> HttpResponse:
    syntax, content_type = dcat_graph.FORMATS[fmt]
    return HttpResponse(
        graph.serialize(format=syntax, encoding="utf-8"),
        content_type=f"{content_type}; charset=utf-8",
    )


def _catalogue(base: str) -> dcat_graph.Catalogue:
    texts: dict[str, tuple[str, str]] = {}
    for language in ("vi", "en"):
        with translation.override(language):
            texts[language] = (
                _("Cổng dữ liệu mở"),
                _("Dữ liệu mở do các cơ quan nhà nước của tỉnh công bố."),
            )
    modified = Dataset.objects.public().aggregate(latest=Max("modified"))["latest"]
    return dcat_graph.Catalogue(
        uri=base,
        title_vi=texts["vi"][0],
        title_en=texts["en"][0] if texts["en"] != texts["vi"] else "",
        description_vi=texts["vi"][1],
        description_en=texts["en"][1] if texts["en"] != texts["vi"] else "",
        modified=modified,
    )


@require_GET
def catalog(request: HttpRequest, fmt: str) -> HttpResponse:
    """``/catalog.{fmt}``: one page (100 datasets) of the public catalogue with hydra paging,
    narrowed by ``q``, ``fq`` and ``modified_since``."""
    pagecache.depends_on(request, CATALOGUE_TAG)
    try:
        page = _page(request)
        datasets, total = _public_page(request, page)
    except BadParameter as error:
        pagecache.skip(request)
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    base = site_url(request)
    kept = [(k, v) for k, v in request.GET.items() if k != "page"]

    def url_of(number: int) -> str:
        return f"{base}{request.path}?{urlencode([*kept, ('page', str(number))])}"

    paging = dcat_graph.Paging(page=page, total=total, url_of=url_of)
    graph = dcat_graph.catalogue_graph(_catalogue(base), datasets, paging, base=base)
    return _rdf_response(graph, fmt)


def visible_dataset(request: HttpRequest, id_or_name: str) -> Dataset:
    """The dataset named or identified by ``id_or_name`` if the visitor may see it, else 404."""
    try:
        lookup: dict[str, Any] = {"pk": uuid.UUID(id_or_name)}
    except ValueError:
        lookup = {"name": id_or_name}
    dataset = (
        dcat_graph.with_related(Dataset.objects.exclude(state=DatasetState.DELETED))
        .filter(**lookup)
        .first()
    )
    if dataset is None:
        raise Http404(id_or_name)
    if not dataset.is_public and not can(request.user, Perm.DATA_VIEW, dataset):
        raise Http404(id_or_name)
    return dataset


@require_GET
def dataset(request: HttpRequest, id_or_name: str, fmt: str) -> HttpResponse:
    """``/dataset/<id or name>.{fmt}``: the dataset with its distributions (DCAT-AP 3)."""
    pagecache.depends_on(request, CATALOGUE_TAG)
    found = visible_dataset(request, id_or_name)
    base = site_url(request)
    graph = dcat_graph.new_graph()
    dcat_graph.add_dataset(graph, found, base=base)
    return _rdf_response(graph, fmt)


def dcat_json_dataset(dataset: Dataset, *, base: str) -> dict[str, Any]:
    """One dataset as ckanext-dcat's DCAT-JSON (the ``dcat_json_interface`` plugin) writes it."""
    distributions = []
    for resource in dcat_graph.active_resources(dataset):
        url = dcat_graph.download_url(base, resource) if resource.upload else resource.url
        distribution: dict[str, Any] = {
            "title": resource.name,
            "description": resource.description,
            "format": resource.format,
            "accessURL": url,
        }
        if resource.upload:
            distribution["downloadURL"] = url
        if resource.size is not None:
            distribution["byteSize"] = resource.size
        if resource.mimetype:
            distribution["mediaType"] = resource.mimetype
        distributions.append(distribution)
    licence = dataset.license
    return {
        "@id": str(dcat_graph.dataset_uri(base, dataset)),
        "identifier": str(dataset.pk),
        "title": dataset.title,
        "description": dataset.notes,
        "landingPage": dataset.url,
        "keyword": [tag.name for tag in dataset.tags.all()],
        "theme": [theme.uri for theme in dataset.themes.all() if theme.uri],
        "language": ["vi"],
        "publisher": {"name": dataset.organization.title},
        "contactPoint": {"fn": dataset.contact_name, "hasEmail": dataset.contact_email},
        "issued": (dataset.published_at or dataset.created).isoformat(),
        "modified": dataset.modified.isoformat(),
        "accrualPeriodicity": dataset.frequency,
        "license": licence.url if licence is not None else "",
        "distribution": distributions,
    }


@require_GET
def dcat_json(request: HttpRequest) -> HttpResponse:
    """``/dcat.json``: a page of public datasets as DCAT-JSON (``page``, ``modified_since``)."""
    pagecache.depends_on(request, CATALOGUE_TAG)
    try:
        datasets, _total = _public_page(request, _page(request))
    except BadParameter as error:
        pagecache.skip(request)
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    base = site_url(request)
    return JsonResponse(
        [dcat_json_dataset(dataset, base=base) for dataset in datasets],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
