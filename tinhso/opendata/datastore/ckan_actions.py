"""CKAN's datastore actions, ``datastore_search`` and ``datastore_info``, on our tables.

Parameters and result keys follow CKAN 2.12 (R15 in ``ckan-compat.md``), plus ``_links``
for clients written against CKAN ≤ 2.11. ``q`` is accent-insensitive, unlike CKAN's (R21).
Reads follow the dataset: public datasets to anyone, private and draft ones only to staff
with ``data.view`` on the organisation's agency.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any
from urllib.parse import urlencode

from tinhso.accounts.permissions import Perm, can
from tinhso.core import pagecache
from tinhso.opendata import actions
from tinhso.opendata.choices import DatasetState
from tinhso.opendata.ckan.registry import Context, register
from tinhso.opendata.datastore import query
from tinhso.opendata.datastore.query import InvalidQuery
from tinhso.opendata.errors import NotAuthorized, NotFound, ValidationFailed
from tinhso.opendata.models import DatastoreTable, Resource

SEARCH_PARAMETERS = frozenset(
    {
        "resource_id",
        "id",
        "filters",
        "q",
        "full_text",
        "plain",
        "distinct",
        "language",
        "limit",
        "offset",
        "fields",
        "sort",
        "include_total",
        "total_estimation_threshold",
        "records_format",
        "include_next_page",
    }
)
SEARCH_PATH = "/api/3/action/datastore_search"


def may_read(user: Any, resource: Resource) -> bool:
    """Whether ``user`` (None when anonymous) may read the resource's rows."""
    dataset = resource.dataset
    if dataset.is_public:
        return True
    return user is not None and can(user, Perm.DATA_VIEW, dataset.organization.agency)


def readable_table(context: Context, resource_id: Any) -> tuple[Resource, DatastoreTable]:
    """The resource and its loaded table, if the caller may read them."""
    try:
        key = uuid.UUID(str(resource_id))
    except ValueError:
        raise NotFound(f'Resource "{resource_id}" was not found.') from None
    resource = (
        Resource.objects.select_related("dataset__organization__agency")
        .filter(pk=key, state="active")
        .exclude(dataset__state=DatasetState.DELETED)
        .first()
    )
    if resource is None:
        raise NotFound(f'Resource "{resource_id}" was not found.')
    if not may_read(context.user, resource):
        name = getattr(context.user, "username", "")
        raise NotAuthorized(f"User {name} not authorized to read resource {resource_id}")
    table = query.ready_table(resource)
    if table is None:
        raise NotFound(f'Resource "{resource_id}" was not found.')
    return resource, table


def _resource_id(data: dict[str, Any]) -> Any:
    resource_id = data.get("resource_id", data.get("id"))
    if not resource_id:
        raise ValidationFailed({"resource_id": ["Missing value"]})
    return resource_id


@register("datastore_search", side_effect_free=True)
def datastore_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Search a resource's rows: filters, q, sort, fields, distinct, limit/offset, formats."""
    extras = [key for key in data if key not in SEARCH_PARAMETERS]
    if extras:
        raise ValidationFailed({"__extras": [f'invalid value "{extras[0]}"']})
    resource_id = _resource_id(data)
    if context.user is None and _is_uuid(resource_id):
        # What anyone may read of a table changes only when it is reloaded or its dataset
        # changes (both forget the resource's tag), so the same question gets the kept
        # answer until then. Refusals (not found, not allowed) are raised, never kept.
        params = json.dumps(data, sort_keys=True, default=str)
        digest = hashlib.sha256(params.encode()).hexdigest()
        return pagecache.remember(
            f"ckan.datastore_search:{digest}",
            [actions.resource_tag(uuid.UUID(str(resource_id)))],
            lambda: _search(context, data, resource_id),
        )
    return _search(context, data, resource_id)


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _search(context: Context, data: dict[str, Any], resource_id: Any) -> dict[str, Any]:
    _resource, table = readable_table(context, resource_id)
    try:
        request = query.parse_request(data)
        found = query.search(table, request)
    except InvalidQuery as error:
        raise ValidationFailed(error.errors) from None
    result: dict[str, Any] = {
        "include_next_page": request.include_next_page,
        "include_total": request.include_total,
        "limit": request.limit,
        "records_format": request.records_format,
        "resource_id": str(resource_id),
        "fields": found.fields,
        "records": found.records,
    }
    for key in ("filters", "q", "full_text", "sort", "distinct", "offset", "plain", "language"):
        if key in data:
            result[key] = data[key]
    if request.filters:
        result["filters"] = request.filters
    if found.total is not None:
        result["total"] = found.total
        result["total_was_estimated"] = found.total_was_estimated
    if found.next_page is not None:
        result["next_page"] = found.next_page
    pairs = [("resource_id", str(resource_id)), *query.as_request_params(request)]
    result["_links"] = {
        "start": f"{SEARCH_PATH}?{urlencode(pairs)}",
        "next": f"{SEARCH_PATH}?{urlencode([*pairs, ('offset', request.offset + request.limit)])}",
    }
    return result


@register("datastore_info", side_effect_free=True)
def datastore_info(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Describe a resource's table: its columns and row count (kept, never counted)."""
    extras = [key for key in data if key not in ("id", "resource_id")]
    if extras:
        raise ValidationFailed({"__extras": [f'invalid value "{extras[0]}"']})
    resource_id = _resource_id(data)
    _resource, table = readable_table(context, resource_id)
    return {
        "meta": {
            "id": str(resource_id),
            "count": table.row_count,
            "table_type": "BASE TABLE",
            "aliases": [],
        },
        "fields": [
            {"id": field["id"], "type": field["type"], "info": {"label": field["label"]}}
            for field in table.fields
        ],
    }
