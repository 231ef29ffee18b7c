"""The catalogue's CKAN actions: reads (``package_search`` …) and writes (``package_create`` …).

Each takes ``(context, data_dict)`` like CKAN's and returns what CKAN 2.12 returns
(``ckan-compat.md`` §1.5, §6 R8–R16). Reads see what the caller may see: the public catalogue,
plus, for an organisation's staff (``data.view`` on its agency, narrowed by the token's scope),
its private datasets and drafts when asked. Writes map CKAN's dictionaries onto
``DatasetForm``/``ResourceForm`` and go through ``tinhso.opendata.actions``, which check the
caller's permissions and keep the history, audit ledger and search index.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import Perm, can, scope_set
from tinhso.core import pagecache
from tinhso.core.text import fold
from tinhso.directory.models import AdministrativeUnit
from tinhso.opendata import actions, search
from tinhso.opendata.actions import CATALOGUE_TAG
from tinhso.opendata.choices import DatasetState, UsageKind
from tinhso.opendata.ckan import dictize, fq
from tinhso.opendata.ckan.registry import Context, find, register
from tinhso.opendata.collation import vietnamese_sort_key
from tinhso.opendata.errors import NotAuthorized, NotFound, SearchQueryError, ValidationFailed
from tinhso.opendata.forms import DatasetForm, ResourceForm
from tinhso.opendata.models import Dataset, License, Organization, Resource, Tag, Theme

CKAN_VERSION = "2.11.0"
ROWS_MAX = 1000
SEARCH_PARAMETERS = frozenset(
    {
        "q",
        "fq",
        "fq_list",
        "sort",
        "rows",
        "start",
        "facet",
        "facet.mincount",
        "facet.limit",
        "facet.field",
        "include_private",
        "include_drafts",
        "include_deleted",
        "use_default_schema",
        "fl",
        "qf",
        "wt",
        "bf",
        "boost",
        "tie",
        "defType",
        "mm",
    }
)
DEFAULT_SORT_TEXT = "score desc, metadata_modified desc"
# Dataset form field → the CKAN key its errors are reported under.
FORM_TO_CKAN = {
    "organization": "owner_org",
    "license": "license_id",
    "themes": "groups",
    "contact_name": "maintainer",
    "contact_email": "maintainer_email",
    "spatial_unit": "spatial",
}
# Resource keys CKAN computes or we keep in our own columns, never copied into extras.
RESOURCE_KEYS = frozenset(
    {
        "id",
        "package_id",
        "name",
        "description",
        "format",
        "url",
        "resource_type",
        "upload",
        "url_type",
        "created",
        "metadata_modified",
        "last_modified",
        "cache_url",
        "cache_last_updated",
        "hash",
        "size",
        "mimetype",
        "mimetype_inner",
        "state",
        "position",
        "datastore_active",
        "tracking_summary",
    }
)


# --- parameters -------------------------------------------------------------------------------


def _integer(data: Mapping[str, Any], key: str, default: int | None) -> int | None:
    """``data[key]`` as a natural number (strings allowed), ``default`` when absent."""
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            {key: [_("Không phải số nguyên"), "Invalid integer"]}  # CKAN's words too
        ) from None
    if number < 0:
        raise ValidationFailed({key: [_("Phải là số tự nhiên"), "Must be a natural number"]})
    return number


def _flag(value: Any, default: bool = False) -> bool:
    """A boolean parameter: ``True``, ``"true"``, ``"True"``, ``"1"``, ``"yes"`` and ``"on"``."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes", "on", "t", "y"}


def _strings(value: Any) -> list[str]:
    """A list parameter: a list, a JSON-encoded list, or one plain string."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                decoded = json.loads(text)
            except ValueError:
                decoded = None
            if isinstance(decoded, list):
                return [str(item) for item in decoded]
        return [text]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def _ident(data: Mapping[str, Any], *keys: str) -> str:
    for key in keys or ("id", "name_or_id"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise ValidationFailed({(keys or ("id",))[0]: [_("Thiếu giá trị"), "Missing value"]})


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _by_id_or_name(value: str) -> Q:
    key = _as_uuid(value)
    return Q(pk=key) | Q(name=value) if key else Q(name=value)


# --- who sees what ----------------------------------------------------------------------------


def _staff_condition(user: Any) -> Q | None:
    """Datasets whose organisation the caller may view the unpublished work of, or None."""
    if user is None:
        return None
    allowed = scope_set(user, Perm.DATA_VIEW)
    if allowed.empty:
        return None
    return allowed.q(agency_field="organization__agency")


def visible(user: Any, *, include_private: bool, include_drafts: bool) -> Any:
    """The datasets ``package_search`` looks through for ``user``."""
    condition = Q(state=DatasetState.ACTIVE, private=False)
    staff = _staff_condition(user)
    if staff is not None:
        if include_private:
            condition |= Q(state=DatasetState.ACTIVE, private=True) & staff
        if include_drafts:
            condition |= Q(state__in=[DatasetState.DRAFT, DatasetState.PENDING]) & staff
    return Dataset.objects.filter(condition)


def _readable_dataset(ctx: Context, ident: str) -> Dataset:
    """The dataset ``ident`` (id or name) if the caller may read it; 404 or 403 otherwise."""
    row = (
        Dataset.objects.select_related("organization")
        .filter(_by_id_or_name(ident))
        .exclude(state=DatasetState.DELETED)
        .first()
    )
    if row is None:
        raise NotFound(_("không có bộ dữ liệu “%(id)s”") % {"id": ident})
    if row.is_public or (ctx.user is not None and can(ctx.user, Perm.DATA_VIEW, row)):
        return row
    if row.state == DatasetState.ACTIVE:
        raise NotAuthorized(
            _("người dùng %(user)s không được xem bộ dữ liệu %(id)s")
            % {"user": getattr(ctx.user, "username", ""), "id": row.pk}
        )
    raise NotFound(_("không có bộ dữ liệu “%(id)s”") % {"id": ident})


# --- site -------------------------------------------------------------------------------------


@register("status_show", side_effect_free=True)
def status_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return the site's name, address, language, extensions and CKAN version."""
    return {
        "site_title": _("Cổng dữ liệu mở"),
        "site_description": "",
        "site_url": ctx.site_url,
        "error_emails_to": None,
        "locale_default": "vi",
        "extensions": ["datastore"] if find("datastore_search") else [],
        "ckan_version": CKAN_VERSION,
    }


@register("help_show", side_effect_free=True)
def help_show(ctx: Context, data: dict[str, Any]) -> str:
    """Return the documentation of the action ``name``."""
    name = _ident(data, "name")
    found = find(name)
    if found is None:
        raise NotFound(_("không có hành động “%(name)s”") % {"name": name})
    return found.function.__doc__ or ""


@register("license_list", side_effect_free=True)
def license_list(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the licences datasets may be published under."""
    return [
        {
            "id": row.id,
            "title": row.title,
            "url": row.url,
            "is_okd_compliant": row.is_open,
            "is_osi_compliant": False,
            "is_generic": False,
            "od_conformance": "approved" if row.is_open else "not reviewed",
            "osd_conformance": "not reviewed",
            "domain_content": False,
            "domain_data": row.is_open,
            "domain_software": False,
            "family": "",
            "maintainer": "",
            "status": "active",
        }
        for row in License.objects.all()
    ]


# --- datasets: reads --------------------------------------------------------------------------


@register("package_list", side_effect_free=True)
def package_list(ctx: Context, data: dict[str, Any]) -> list[str]:
    """Return the names of the public datasets, in name order (``limit``, ``offset``)."""
    limit = _integer(data, "limit", None)
    offset = _integer(data, "offset", 0) or 0
    rows = Dataset.objects.public().order_by("name").values_list("name", flat=True)
    return list(rows[offset : offset + limit] if limit is not None else rows[offset:])


@register("package_show", side_effect_free=True)
def package_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return one dataset (``id``: its id or name) with its resources, tags and groups."""
    row = _readable_dataset(ctx, _ident(data))
    actions.count_use(row.pk, UsageKind.API)
    [shown] = dictize.datasets([row.pk], site_url=ctx.site_url)
    return shown


def _search_query(data: Mapping[str, Any], *, now: datetime.datetime) -> tuple[search.Query, str]:
    unknown = sorted(
        key for key in data if key not in SEARCH_PARAMETERS and not key.startswith("ext_")
    )
    if unknown:
        raise SearchQueryError(f'"Invalid search parameters: {unknown!r}"')
    rows = min(_integer(data, "rows", 10) or 0, ROWS_MAX)
    start = _integer(data, "start", 0) or 0
    sort_text = str(data.get("sort") or "").strip()
    if sort_text in ("", "rank"):
        sort_text = DEFAULT_SORT_TEXT
    parsed = fq.Parsed()
    try:
        q = data.get("q")
        fq.parse(q if isinstance(q, str) else " ".join(_strings(q)), parsed, now=now)
        for source in [*_strings_raw(data.get("fq")), *_strings(data.get("fq_list"))]:
            fq.parse(source, parsed, now=now)
        order = fq.parse_sort(sort_text)
    except fq.QuerySyntaxError as error:
        raise SearchQueryError(str(error)) from None
    facet_fields = _strings(data.get("facet.field")) if _flag(data.get("facet"), True) else []
    facet_limit = data.get("facet.limit")
    limit = 50
    if facet_limit not in (None, ""):
        try:
            limit = int(facet_limit)
        except (TypeError, ValueError):
            raise ValidationFailed({"facet.limit": ["Invalid integer"]}) from None
    query = search.Query(
        text=" ".join(parsed.text),
        filters=parsed.filters,
        sort=order,
        rows=rows,
        start=start,
        facet_fields=facet_fields,
        facet_limit=limit if limit >= 0 else -1,
        facet_mincount=_integer(data, "facet.mincount", 1) or 0,
    )
    return query, sort_text


def _strings_raw(value: Any) -> list[str]:
    """``fq`` is one query string (repeated keys: several), never JSON-decoded."""
    if value is None or value == "":
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def run_search(ctx: Context, data: Mapping[str, Any], *, base: Any | None = None) -> dict[str, Any]:
    """Search like ``package_search``; ``base`` replaces the caller's visible datasets.

    An anonymous search is the same for everyone until the catalogue changes, so its answer
    is kept in the public cache under the catalogue's tag (searches relative to ``NOW`` are
    not: their answer changes with the clock; nor are those with ``ext_*`` parameters, which
    extensions read per request).
    """
    if base is None and ctx.user is None and not any(key.startswith("ext_") for key in data):
        params = json.dumps(data, sort_keys=True, default=str)
        if "NOW" not in params:
            digest = hashlib.sha256(f"{ctx.site_url}|{params}".encode()).hexdigest()
            return pagecache.remember(
                f"ckan.package_search:{digest}", [CATALOGUE_TAG], lambda: _search(ctx, data, base)
            )
    return _search(ctx, data, base)


def _search(ctx: Context, data: Mapping[str, Any], base: Any | None) -> dict[str, Any]:
    query, sort_text = _search_query(data, now=timezone.now())
    if base is None:
        base = visible(
            ctx.user,
            include_private=_flag(data.get("include_private")),
            include_drafts=_flag(data.get("include_drafts")),
        )
    try:
        result = search.search_datasets(query, base=base)
    except search.UnknownField as error:
        raise SearchQueryError(
            _("không tìm, lọc hay sắp xếp được theo “%(field)s”") % {"field": error}
        ) from None
    results: list[dict[str, Any]] = dictize.datasets(result.ids, site_url=ctx.site_url)
    fields = [part for item in _strings(data.get("fl")) for part in item.replace(",", " ").split()]
    if fields:
        results = [{key: row.get(key) for key in fields} for row in results]
    return {
        "count": result.count,
        "facets": {
            name: {item.name: item.count for item in items} for name, items in result.facets.items()
        },
        "results": results,
        "sort": sort_text,
        "search_facets": {
            name: {
                "title": name,
                "items": [
                    {"name": item.name, "display_name": item.display_name, "count": item.count}
                    for item in items
                ],
            }
            for name, items in result.facets.items()
        },
    }


@register("package_search", side_effect_free=True)
def package_search(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Search datasets: ``q``, ``fq``/``fq_list``, ``sort``, ``rows``, ``start``, facets.

    ``q`` and ``fq`` take CKAN's field syntax (``tags:"ngân sách"``, ``-organization:x``,
    ``metadata_modified:[2026-01-01T00:00:00Z TO NOW]``); free text is matched with or
    without Vietnamese diacritics. ``rows`` is clipped to 1000. ``include_private`` and
    ``include_drafts`` add what the caller's organisations have not made public.
    """
    return run_search(ctx, data)


@register("current_package_list_with_resources", side_effect_free=True)
def current_package_list_with_resources(ctx: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return public datasets with their resources, most recently modified first."""
    limit = _integer(data, "limit", 10) or 0
    offset = _integer(data, "offset", 0) or 0
    page = _integer(data, "page", None)
    if page:
        offset = (page - 1) * limit
    found = run_search(ctx, {"rows": limit, "start": offset, "sort": "metadata_modified desc"})
    results: list[dict[str, Any]] = found["results"]
    return results


# --- organisations, groups, tags ---------------------------------------------------------------


def _group_list(data: Mapping[str, Any], *, organizations: bool) -> list[Any]:
    model: Any = Organization if organizations else Theme
    all_fields = _flag(data.get("all_fields"))
    limit = min(_integer(data, "limit", 25 if all_fields else 1000) or 0, 1000)
    offset = _integer(data, "offset", 0) or 0
    public = Q(datasets__state=DatasetState.ACTIVE, datasets__private=False)
    rows = list(
        model.objects.annotate(package_count=Count("datasets", filter=public, distinct=True))
    )
    wanted = _strings(data.get("organizations" if organizations else "groups"))
    if wanted:
        rows = [row for row in rows if row.name in wanted]
    text = str(data.get("q") or "").strip()
    if text:
        folded = fold(text)
        rows = [row for row in rows if folded in row.folded_title or folded in row.name]
    sort = [*str(data.get("sort") or "title asc").split(), "asc"][:2]
    keys = {
        "title": lambda row: vietnamese_sort_key(row.title),
        "display_name": lambda row: vietnamese_sort_key(row.title),
        "name": lambda row: row.name,
        "package_count": lambda row: row.package_count,
    }
    if sort[0] not in keys:
        raise ValidationFailed({"sort": [_("Chỉ sắp xếp được theo name, title, package_count")]})
    rows.sort(key=keys[sort[0]], reverse=sort[1].lower() == "desc")
    page = rows[offset : offset + limit]
    if not all_fields:
        return [row.name for row in page]
    return [dictize.group(row, package_count=row.package_count) for row in page]


def _group_show(ctx: Context, data: Mapping[str, Any], *, organizations: bool) -> dict[str, Any]:
    ident = _ident(data)
    model: type[Organization] | type[Theme] = Organization if organizations else Theme
    row = model.objects.filter(_by_id_or_name(ident)).first()
    if row is None:
        raise NotFound(_("không có nhóm “%(id)s”") % {"id": ident})
    datasets = Dataset.objects.public().filter(
        **({"organization": row.pk} if organizations else {"themes": row.pk})
    )
    shown = dictize.group(row, package_count=datasets.count())
    shown.update({"extras": [], "groups": [], "users": [], "tags": []})
    if _flag(data.get("include_datasets")):
        ids = list(datasets.order_by("-modified").values_list("pk", flat=True)[:10])
        shown["packages"] = dictize.datasets(ids, site_url=ctx.site_url)
    return shown


@register("organization_list", side_effect_free=True)
def organization_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """Return the publishing organisations' names, or with ``all_fields`` their details."""
    return _group_list(data, organizations=True)


@register("group_list", side_effect_free=True)
def group_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """Return the themes' names (CKAN groups), or with ``all_fields`` their details."""
    return _group_list(data, organizations=False)


@register("organization_show", side_effect_free=True)
def organization_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return one organisation (``id``: id or name); ``include_datasets`` adds ten datasets."""
    return _group_show(ctx, data, organizations=True)


@register("group_show", side_effect_free=True)
def group_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return one theme (``id``: id or name); ``include_datasets`` adds ten datasets."""
    return _group_show(ctx, data, organizations=False)


@register("tag_list", side_effect_free=True)
def tag_list(ctx: Context, data: dict[str, Any]) -> list[Any]:
    """Return the tags of public datasets (``query`` narrows, accent-insensitively)."""
    if data.get("vocabulary_id"):
        raise NotFound(_("không có bộ từ vựng “%(id)s”") % {"id": data["vocabulary_id"]})
    tags = Tag.objects.filter(
        pk__in=Dataset.tags.through.objects.filter(
            dataset__state=DatasetState.ACTIVE, dataset__private=False
        ).values("tag_id")
    ).order_by("name")
    text = str(data.get("query") or data.get("q") or "").strip()
    if text:
        tags = tags.filter(folded__contains=fold(text))
    limit = _integer(data, "limit", None)
    offset = _integer(data, "offset", 0) or 0
    rows = list(tags[offset : offset + limit] if limit is not None else tags[offset:])
    if _flag(data.get("all_fields")):
        return [
            {"id": str(row.pk), "name": row.name, "display_name": row.name, "vocabulary_id": None}
            for row in rows
        ]
    return [row.name for row in rows]


@register("resource_show", side_effect_free=True)
def resource_show(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Return one resource (``id``), if the caller may read its dataset."""
    row = _resource(_ident(data))
    _readable_dataset(ctx, str(row.dataset_id))
    return dictize.resource(row, site_url=ctx.site_url)


def _resource(ident: str) -> Resource:
    key = _as_uuid(ident)
    row = (
        Resource.objects.select_related("dataset__organization")
        .filter(pk=key, state="active")
        .exclude(dataset__state=DatasetState.DELETED)
        .first()
        if key
        else None
    )
    if row is None:
        raise NotFound(_("không có tài nguyên “%(id)s”") % {"id": ident})
    return row


# --- writes -----------------------------------------------------------------------------------


def _organization(value: Any) -> Organization | None:
    text = str(value or "").strip()
    return Organization.objects.filter(_by_id_or_name(text)).first() if text else None


def _names(items: Any) -> list[str]:
    """Names from CKAN's ``[{"name": …}]`` lists (or plain strings)."""
    if isinstance(items, str):
        return (
            _strings(items)
            if items.strip().startswith("[")
            else [part.strip() for part in items.split(",") if part.strip()]
        )
    found = []
    for item in items or []:
        if isinstance(item, Mapping):
            name = item.get("name") or item.get("id")
            if name:
                found.append(str(name))
        elif item:
            found.append(str(item))
    return found


def _theme_names(items: Any) -> list[str]:
    wanted = _names(items)
    by_id = {
        str(pk): name
        for pk, name in Theme.objects.filter(
            pk__in=[key for key in map(_as_uuid, wanted) if key]
        ).values_list("pk", "name")
    }
    return [by_id.get(item, item) for item in wanted]


def _extras(items: Any) -> dict[str, str]:
    if isinstance(items, str):
        try:
            items = json.loads(items)
        except ValueError:
            raise ValidationFailed({"extras": [_("Không đọc được danh sách extras")]}) from None
    if isinstance(items, Mapping):
        return {str(key): str(value) for key, value in items.items()}
    pairs = {}
    for item in items or []:
        if isinstance(item, Mapping) and item.get("key"):
            pairs[str(item["key"])] = "" if item.get("value") is None else str(item["value"])
    return pairs


def _dataset_form_data(pkg: Mapping[str, Any], current: Dataset | None) -> dict[str, Any]:
    """CKAN's dataset dictionary as ``DatasetForm`` data."""
    owner = pkg.get("owner_org") or (current.organization_id if current else None)
    organization = _organization(owner)
    if owner and organization is None:
        raise ValidationFailed({"owner_org": [_("Không có tổ chức “%(org)s”") % {"org": owner}]})
    extras = _extras(pkg.get("extras"))
    form: dict[str, Any] = {
        "name": pkg.get("name") or (current.name if current else ""),
        "title": pkg.get("title") or (current.title if current else pkg.get("name") or ""),
        "notes": pkg.get("notes") or "",
        "url": pkg.get("url") or "",
        "version": pkg.get("version") or "",
        "contact_name": pkg.get("maintainer") or pkg.get("author") or "",
        "contact_email": pkg.get("maintainer_email") or pkg.get("author_email") or "",
        "license": pkg.get("license_id") or "",
        "private": _flag(pkg.get("private")),
        "organization": organization.name if organization else "",
        "tags": _names(pkg.get("tags")) or _names(pkg.get("tag_string")),
        "themes": _theme_names(pkg.get("groups")),
    }
    for key, field in dictize.EXTRA_FIELDS.items():
        value = extras.pop(key, "")
        if field == "spatial_unit" and value:
            unit = (
                AdministrativeUnit.objects.filter(code=value).values_list("pk", flat=True).first()
            )
            if unit is None:
                raise ValidationFailed(
                    {"spatial": [_("Không có đơn vị hành chính mã %(code)s") % {"code": value}]}
                )
            value = str(unit)
        elif field == "frequency":
            value = value.upper()
        form[field] = value
    form["extras"] = json.dumps(extras)
    return form


def _form_errors(form: Any) -> ValidationFailed:
    return ValidationFailed(
        {
            FORM_TO_CKAN.get(key, "message" if key == "__all__" else key): [
                str(m) for m in messages
            ]
            for key, messages in form.errors.items()
        }
    )


def _upload(data: Mapping[str, Any]) -> UploadedFile | None:
    value = data.get("upload")
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, UploadedFile) else None


def _resource_cleaned(
    item: Mapping[str, Any], *, upload: UploadedFile | None, current: Resource | None
) -> dict[str, Any]:
    """CKAN's resource dictionary validated by ``ResourceForm``, plus its other keys as extras."""
    keeps_file = bool(current and current.upload) and item.get("url_type") == "upload"
    url = "" if upload is not None or keeps_file else str(item.get("url") or "")
    name = str(item.get("name") or "")
    if not name:
        source = upload.name if upload is not None else url or (current.name if current else "")
        name = PurePath(str(source).split("?")[0]).name or _("Tài nguyên")
    form = ResourceForm(
        data={
            "name": name,
            "description": item.get("description") or "",
            "format": item.get("format") or "",
            "url": url,
            "resource_type": item.get("resource_type") or "",
        }
    )
    if not form.is_valid():
        raise _form_errors(form)
    cleaned = dict(form.cleaned_data)
    if keeps_file:
        cleaned.pop("url")
    cleaned["extras"] = {
        str(key): value
        for key, value in item.items()
        if key not in RESOURCE_KEYS and isinstance(value, str | int | float | bool)
    }
    return cleaned


def _sync_resources(dataset: Dataset, incoming: Any, *, actor: Any) -> None:
    """Make the dataset's resources those of ``incoming`` (by id): update, add, remove."""
    if not isinstance(incoming, list):
        raise ValidationFailed({"resources": [_("Phải là một danh sách")]})
    existing = {str(row.pk): row for row in dataset.resources.filter(state="active")}
    kept: set[str] = set()
    for position, item in enumerate(incoming):
        if not isinstance(item, Mapping):
            raise ValidationFailed(
                {"resources": [_("Tài nguyên %(n)s không hợp lệ") % {"n": position + 1}]}
            )
        current = existing.get(str(item.get("id") or ""))
        try:
            cleaned = _resource_cleaned(item, upload=None, current=current)
        except ValidationFailed as error:
            raise ValidationFailed(
                {
                    "resources": [
                        f"{position + 1}. {key}: {' '.join(v)}" for key, v in error.errors.items()
                    ]
                }
            ) from None
        if current is None:
            actions.create_resource(dataset, cleaned, actor=actor)
            continue
        kept.add(str(current.pk))
        if any(getattr(current, key) != value for key, value in cleaned.items()):
            actions.update_resource(current, cleaned, actor=actor)
    for key, row in existing.items():
        if key not in kept:
            actions.delete_resource(row, actor=actor)


def _writable_dataset(ident: str) -> Dataset:
    row = (
        Dataset.objects.select_related("organization__agency")
        .filter(_by_id_or_name(ident))
        .exclude(state=DatasetState.DELETED)
        .first()
    )
    if row is None:
        raise NotFound(_("không có bộ dữ liệu “%(id)s”") % {"id": ident})
    return row


def _shown(ctx: Context, dataset: Dataset) -> dict[str, Any]:
    return dictize.dataset(dictize.dataset_queryset().get(pk=dataset.pk), site_url=ctx.site_url)


def _initial_state(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if value not in (DatasetState.DRAFT, DatasetState.ACTIVE):
        raise ValidationFailed({"state": [_("Trạng thái mới chỉ có thể là draft hoặc active")]})
    return str(value)


@register("package_create")
def package_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset (with nested ``resources``); needs ``data.change`` on ``owner_org``.

    Published at once when the caller may publish (``data.approve``), a draft otherwise.
    """
    form = DatasetForm(data=_dataset_form_data(data, None))
    if not form.is_valid():
        raise _form_errors(form)
    dataset = actions.create_dataset(
        form.cleaned_data, actor=ctx.user, state=_initial_state(data.get("state"))
    )
    if "resources" in data:
        _sync_resources(dataset, data["resources"], actor=ctx.user)
    return _shown(ctx, dataset)


def _update(ctx: Context, dataset: Dataset, pkg: Mapping[str, Any]) -> dict[str, Any]:
    form = DatasetForm(
        data=_dataset_form_data(pkg, dataset), instance=Dataset.objects.get(pk=dataset.pk)
    )
    if not form.is_valid():
        raise _form_errors(form)
    actions.update_dataset(dataset, form.cleaned_data, actor=ctx.user)
    if "resources" in pkg:
        _sync_resources(dataset, pkg["resources"], actor=ctx.user)
    return _shown(ctx, dataset)


@register("package_update")
def package_update(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset's metadata with the dictionary given (``id``: id or name).

    Keys left out are emptied; ``resources``, when given, become the dataset's resources.
    """
    return _update(ctx, _writable_dataset(_ident(data, "id", "name")), data)


@register("package_patch")
def package_patch(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the keys given of a dataset (``id``: id or name)."""
    dataset = _writable_dataset(_ident(data, "id", "name"))
    current = dictize.dataset(dictize.dataset_queryset().get(pk=dataset.pk), site_url=ctx.site_url)
    current.pop("resources")
    return _update(ctx, dataset, {**current, **data})


@register("package_delete")
def package_delete(ctx: Context, data: dict[str, Any]) -> None:
    """Withdraw a dataset (state ``deleted``); published ones need ``data.approve``."""
    actions.delete_dataset(_writable_dataset(_ident(data, "id", "name")), actor=ctx.user)


def _resource_dataset(data: Mapping[str, Any]) -> Dataset:
    return _writable_dataset(_ident(data, "package_id"))


@register("resource_create")
def resource_create(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource to ``package_id``: a link (``url``) or a file (multipart ``upload``)."""
    dataset = _resource_dataset(data)
    upload = _upload(data)
    created = actions.create_resource(
        dataset, _resource_cleaned(data, upload=upload, current=None), actor=ctx.user, upload=upload
    )
    return dictize.resource(created, site_url=ctx.site_url)


def _resource_write(ctx: Context, row: Resource, item: Mapping[str, Any]) -> dict[str, Any]:
    upload = _upload(item)
    cleaned = _resource_cleaned(item, upload=upload, current=row)
    if upload is None and not cleaned.get("url") and row.upload:
        cleaned.pop("url", None)  # no new file or link: the stored file stays
    elif upload is None and cleaned.get("url") and row.upload:
        # A link replaces the stored file (which stays on disk for the history).
        cleaned.update(upload="", size=None, hash="", mimetype="")
    updated = actions.update_resource(row, cleaned, actor=ctx.user, upload=upload)
    return dictize.resource(updated, site_url=ctx.site_url)


@register("resource_update")
def resource_update(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a resource's metadata (``id``), and its file when ``upload`` is sent."""
    return _resource_write(ctx, _resource(_ident(data)), data)


@register("resource_patch")
def resource_patch(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the keys given of a resource (``id``), or its file (``upload``)."""
    row = _resource(_ident(data))
    current = dictize.resource(row, site_url=ctx.site_url)
    return _resource_write(ctx, row, {**current, **data})


@register("resource_delete")
def resource_delete(ctx: Context, data: dict[str, Any]) -> None:
    """Remove a resource (``id``) from its dataset."""
    actions.delete_resource(_resource(_ident(data)), actor=ctx.user)


def _from_agencies(ctx: Context, data: dict[str, Any]) -> None:
    """Refuse: organisations are the agencies of the directory, and themes a fixed list."""
    raise NotAuthorized(
        _(
            "tổ chức công bố là các cơ quan trong danh bạ, chủ đề là danh mục cố định; "
            "không tạo hay sửa được qua API"
        )
    )


for _name in (
    "organization_create",
    "organization_update",
    "organization_patch",
    "organization_delete",
    "group_create",
    "group_update",
    "group_patch",
    "group_delete",
):
    register(_name)(_from_agencies)
