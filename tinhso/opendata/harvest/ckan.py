"""Gathering from a CKAN-compatible Action API, as ckanext-harvest's ``CKANHarvester`` does.

``GET {base}/api/3/action/package_search?rows=100&start=N&sort=id asc[&fq=…]`` with ``start``
advancing by 100 until a page comes back empty; two byte-identical consecutive pages mean the
source ignores ``start`` and the run stops rather than loop. Datasets are imported from the
search results' full dictionaries (no ``package_show`` per dataset). Source ``config`` keys,
named as ckanext-harvest names them: ``api_key``, ``fq``, ``organizations_filter_include`` /
``organizations_filter_exclude``, ``groups_filter_include`` / ``groups_filter_exclude``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from tinhso.opendata.forms import slug_for
from tinhso.opendata.harvest.remote import (
    Gathered,
    GatherError,
    RemoteDataset,
    RemoteResource,
    date_part,
    frequency_code,
    get,
)
from tinhso.opendata.models import HarvestSource

ROWS = 100


def filter_terms(config: Mapping[str, Any], since: datetime.datetime | None) -> list[str]:
    """The ``fq`` terms of a gather: the source's filters, and the window of an incremental run
    (``metadata_modified:[<since>Z TO *]``, ``since`` in UTC with microseconds, as CKAN's)."""
    terms: list[str] = []
    if config.get("fq"):
        terms.append(str(config["fq"]))
    for key, field in (("organizations", "organization"), ("groups", "groups")):
        include = list(config.get(f"{key}_filter_include") or [])
        exclude = list(config.get(f"{key}_filter_exclude") or [])
        if include:
            terms.append(" OR ".join(f"{field}:{name}" for name in include))
        terms += [f"-{field}:{name}" for name in exclude]
    if since is not None:
        naive = since.astimezone(datetime.UTC).replace(tzinfo=None)
        terms.append(f"metadata_modified:[{naive.isoformat()}Z TO *]")
    return terms


def _page_url(base: str, start: int, fq: str) -> str:
    params: dict[str, Any] = {"rows": ROWS, "start": start, "sort": "id asc"}
    if fq:
        params["fq"] = fq
    return f"{base}/api/3/action/package_search?{urlencode(params)}"


def gather(source: HarvestSource, *, since: datetime.datetime | None = None) -> Gathered:
    """Every dataset the source lists (modified after ``since`` if given), mapped.

    Raises:
        GatherError: the API cannot be read, answers with an error, or ignores paging.
    """
    base = source.url.rstrip("/")
    headers = (
        {"Authorization": str(source.config["api_key"])} if source.config.get("api_key") else {}
    )
    fq = " ".join(filter_terms(source.config, since))
    gathered = Gathered(complete=since is None)
    seen: set[str] = set()
    previous = b""
    start = 0
    while True:
        url = _page_url(base, start, fq)
        response = get(url, headers=headers)
        if response.content == previous:
            raise GatherError(_("Nguồn không phân trang được (hai trang liền nhau giống hệt)."))
        previous = response.content
        try:
            body = response.json()
            results = body["result"]["results"]
        except (ValueError, KeyError, TypeError):
            raise GatherError(
                _("%(url)s không trả lời theo CKAN Action API.") % {"url": url}
            ) from None
        if not body.get("success", True) or not isinstance(results, list):
            raise GatherError(_("%(url)s báo lỗi: %(error)s") % {"url": url, "error": body})
        if not results:
            return gathered
        for package in results:
            guid = str(package.get("id", "")) if isinstance(package, dict) else ""
            if not guid or guid in seen:
                continue
            seen.add(guid)
            try:
                gathered.datasets.append(map_package(package))
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                gathered.problems.append(
                    {
                        "guid": guid,
                        "title": str(package.get("title") or package.get("name") or ""),
                        "level": "error",
                        "message": _("Không đọc được bộ dữ liệu: %(error)s")
                        % {"error": repr(error)},
                    }
                )
        start += ROWS


def _extras(package: Mapping[str, Any]) -> dict[str, str]:
    extras = package.get("extras") or []
    if isinstance(extras, dict):
        return {str(k): str(v) for k, v in extras.items()}
    return {str(item["key"]): str(item.get("value", "")) for item in extras}


def map_package(package: Mapping[str, Any]) -> RemoteDataset:
    """A CKAN ``package_show`` dictionary as a :class:`RemoteDataset`."""
    extras = _extras(package)

    def value(key: str) -> str:
        return str(package.get(key) or extras.get(key) or "").strip()

    title = value("title") or value("name")
    if not title:
        raise ValueError(_("bộ dữ liệu không có tiêu đề"))
    fields = {
        "title": title,
        "title_en": value("title_en"),
        "notes": value("notes"),
        "notes_en": value("notes_en"),
        "license": value("license_id"),
        "tags": [str(tag["name"]) for tag in package.get("tags") or []],
        "themes": [str(group["name"]) for group in package.get("groups") or []],
        "url": value("url"),
        "version": value("version"),
        "contact_name": value("maintainer") or value("author") or value("contact_name"),
        "contact_email": (
            value("maintainer_email") or value("author_email") or value("contact_email")
        ),
        "frequency": frequency_code(value("frequency")),
        "temporal_start": date_part(value("temporal_start")),
        "temporal_end": date_part(value("temporal_end")),
        "extras": extras,
    }
    resources = [
        RemoteResource(
            key=str(resource.get("id") or resource.get("url")),
            name=str(resource.get("name") or resource.get("url") or ""),
            url=str(resource.get("url") or ""),
            description=str(resource.get("description") or ""),
            format=str(resource.get("format") or ""),
            resource_type=str(resource.get("resource_type") or ""),
        )
        for resource in package.get("resources") or []
        if resource.get("state", "active") == "active"
    ]
    return RemoteDataset(
        guid=str(package["id"]),
        name=slug_for(value("name") or title),
        title=title,
        fields=fields,
        resources=resources,
    )
