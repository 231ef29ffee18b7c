"""Datasets, resources, organisations, themes and tags as CKAN 2.12's dictionaries.

Keys, nulls and formats follow what CKAN returns (``ckan-compat.md`` §1.5): timestamps are
naive UTC ISO strings with microseconds, absent texts are ``null``. Fields CKAN's core schema
lacks (frequency, temporal coverage, English title and description, spatial unit) travel as
``extras`` so that they survive a CKAN-to-CKAN harvest; :data:`EXTRA_FIELDS` maps them back on
writes. Lists are built from a fixed number of queries (:func:`datasets`), never one per row.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

from django.db.models import Prefetch

from tinhso.core import pagecache
from tinhso.opendata import actions
from tinhso.opendata.models import Dataset, License, Organization, Resource, Tag, Theme

# Extras key → Dataset field, for metadata CKAN keeps in extras.
EXTRA_FIELDS = {
    "title_en": "title_en",
    "notes_en": "notes_en",
    "frequency": "frequency",
    "temporal_start": "temporal_start",
    "temporal_end": "temporal_end",
    "spatial": "spatial_unit",
}


def timestamp(moment: datetime.datetime | None) -> str | None:
    """CKAN's timestamp: naive UTC ISO 8601 with microseconds."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def _or_none(value: str) -> str | None:
    return value or None


def dataset_queryset() -> Any:
    """Datasets with everything :func:`dataset` reads fetched in four further queries."""
    return Dataset.objects.select_related(
        "organization", "license", "spatial_unit"
    ).prefetch_related(
        "tags",
        "themes",
        Prefetch(
            "resources",
            queryset=Resource.objects.filter(state="active").order_by("position", "created"),
            to_attr="active_resources",
        ),
    )


def datasets(ids: Sequence[uuid.UUID], *, site_url: str) -> list[dict[str, Any]]:
    """The dictionaries of the datasets ``ids``, in that order.

    Each is kept in the cache until its dataset changes (``actions.dataset_tag``: every write
    and datastore load forgets it) or the licences and themes are reloaded, so a page of
    search results costs cache reads rather than five queries and a thousand model objects.
    The caller has already checked who may see them.
    """
    keys = {f"ckan.dataset:{site_url}:{pk}": pk for pk in ids}
    tags = {key: (actions.dataset_tag(pk), actions.REFERENCE_TAG) for key, pk in keys.items()}

    def compute(missing: list[str]) -> dict[str, dict[str, Any]]:
        rows = dataset_queryset().filter(pk__in=[keys[key] for key in missing])
        by_pk = {row.pk: dataset(row, site_url=site_url) for row in rows}
        return {key: by_pk[keys[key]] for key in missing if keys[key] in by_pk}

    found = pagecache.remember_many(tags, compute)
    return [found[key] for key in keys if key in found]


def download_url(resource: Resource, *, site_url: str) -> str:
    """Where an uploaded resource's file is downloaded from: CKAN's path for it."""
    filename = PurePath(resource.upload.name or "").name
    return f"{site_url}/dataset/{resource.dataset_id}/resource/{resource.pk}/download/{filename}"


def resource(row: Resource, *, site_url: str) -> dict[str, Any]:
    """A resource as ``resource_show`` returns it (with the datastore plugin's key)."""
    url = download_url(row, site_url=site_url) if row.upload else row.url
    own = {key: value for key, value in (row.extras or {}).items() if isinstance(key, str)}
    return {
        **own,
        "cache_last_updated": None,
        "cache_url": None,
        "created": timestamp(row.created),
        "datastore_active": row.datastore_active,
        "description": row.description,
        "format": row.format,
        "hash": row.hash,
        "id": str(row.pk),
        "last_modified": timestamp(row.modified) if row.upload else None,
        "metadata_modified": timestamp(row.modified),
        "mimetype": _or_none(row.mimetype),
        "mimetype_inner": None,
        "name": row.name,
        "package_id": str(row.dataset_id),
        "position": row.position,
        "resource_type": _or_none(row.resource_type),
        "size": row.size,
        "state": row.state,
        "url": url,
        "url_type": row.url_type or None,
    }


def tag(row: Tag) -> dict[str, Any]:
    """A free tag as CKAN lists it on a dataset."""
    return {
        "display_name": row.name,
        "id": str(row.pk),
        "name": row.name,
        "state": "active",
        "vocabulary_id": None,
    }


def organization(row: Organization, **extra: Any) -> dict[str, Any]:
    """An organisation as nested in a dataset (``extra`` adds the list/show keys)."""
    return {
        "id": str(row.pk),
        "name": row.name,
        "title": row.title,
        "type": "organization",
        "description": row.description,
        "image_url": row.image_url,
        "created": timestamp(row.created),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        **extra,
    }


def group_summary(row: Theme) -> dict[str, Any]:
    """A theme as listed in a dataset's ``groups``."""
    return {
        "description": row.description,
        "display_name": row.title,
        "id": str(row.pk),
        "image_display_url": "",
        "name": row.name,
        "title": row.title,
    }


def group(row: Theme | Organization, *, package_count: int) -> dict[str, Any]:
    """An organisation or theme as ``*_list(all_fields=true)`` returns it."""
    is_org = isinstance(row, Organization)
    image = row.image_url if isinstance(row, Organization) else ""
    return {
        "approval_status": "approved",
        "created": timestamp(row.created),
        "description": row.description,
        "display_name": row.title,
        "id": str(row.pk),
        "image_display_url": image,
        "image_url": image,
        "is_organization": is_org,
        "name": row.name,
        "num_followers": 0,
        "package_count": package_count,
        "state": "active",
        "title": row.title,
        "type": "organization" if is_org else "group",
    }


def extras(row: Dataset) -> list[dict[str, str]]:
    """The dataset's extras: its own key–value pairs plus the fields kept there (sorted)."""
    pairs: dict[str, str] = {
        str(key): value if isinstance(value, str) else str(value)
        for key, value in (row.extras or {}).items()
    }
    for key, attribute in EXTRA_FIELDS.items():
        value = getattr(row, attribute)
        if attribute == "spatial_unit":
            value = row.spatial_unit.code if row.spatial_unit else ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        if value:
            pairs[key] = str(value)
    return [{"key": key, "value": pairs[key]} for key in sorted(pairs)]


def license_fields(row: License | None) -> dict[str, Any]:
    """The licence keys of a dataset."""
    if row is None:
        return {"license_id": None, "license_title": None, "isopen": False}
    fields: dict[str, Any] = {
        "license_id": row.id,
        "license_title": row.title,
        "isopen": row.is_open,
    }
    if row.url:
        fields["license_url"] = row.url
    return fields


def dataset(row: Dataset, *, site_url: str) -> dict[str, Any]:
    """A dataset as ``package_show`` returns it (read from :func:`dataset_queryset`)."""
    resources: Iterable[Resource] = (
        row.active_resources  # type: ignore[attr-defined]
        if hasattr(row, "active_resources")
        else row.resources.filter(state="active").order_by("position", "created")
    )
    resource_dicts = [resource(item, site_url=site_url) for item in resources]
    tags = sorted(row.tags.all(), key=lambda item: item.name)
    themes = sorted(row.themes.all(), key=lambda item: item.name)
    return {
        "author": None,
        "author_email": None,
        "creator_user_id": str(row.creator_id) if row.creator_id else None,
        "id": str(row.pk),
        **license_fields(row.license),
        "maintainer": _or_none(row.contact_name),
        "maintainer_email": _or_none(row.contact_email),
        "metadata_created": timestamp(row.created),
        "metadata_modified": timestamp(row.modified),
        "name": row.name,
        "notes": row.notes,
        "num_resources": len(resource_dicts),
        "num_tags": len(tags),
        "organization": organization(row.organization),
        "owner_org": str(row.organization_id),
        "private": row.private,
        "state": row.state,
        "title": row.title,
        "type": "dataset",
        "url": _or_none(row.url),
        "version": _or_none(row.version),
        "extras": extras(row),
        "resources": resource_dicts,
        "tags": [tag(item) for item in tags],
        "groups": [group_summary(item) for item in themes],
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }
