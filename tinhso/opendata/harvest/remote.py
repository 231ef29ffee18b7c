"""What a harvester gathers from a source, before it is mapped onto local datasets."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import requests
from django.utils.translation import gettext as _

from tinhso.opendata.choices import Frequency

TIMEOUT = (10, 60)  # seconds to connect, seconds between bytes
USER_AGENT = "tinhso-harvester (+https://github.com/tinhso)"


class GatherError(RuntimeError):
    """The source could not be read as a whole (unreachable, not the expected protocol)."""


@dataclass
class RemoteResource:
    """A file or link of a remote dataset; ``key`` identifies it at the source."""

    key: str
    name: str
    url: str
    description: str = ""
    format: str = ""
    resource_type: str = ""


@dataclass
class RemoteDataset:
    """A remote dataset mapped onto our fields (``DatasetForm``'s names); ``guid`` is its
    identity at the source and ``name`` the URL name it would like here."""

    guid: str
    name: str
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    resources: list[RemoteResource] = field(default_factory=list)

    def content_hash(self) -> str:
        """A digest of everything imported, to tell a changed remote dataset from the same one."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class Gathered:
    """A gather's outcome: the datasets, the entries that could not be read (report rows),
    and whether the listing is the source's whole catalogue (only then are datasets missing
    from it withdrawn here)."""

    datasets: list[RemoteDataset] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    complete: bool = True


def get(url: str, *, headers: dict[str, str] | None = None) -> requests.Response:
    """GET ``url`` with the harvester's timeouts; raise :class:`GatherError` on any failure."""
    try:
        response = requests.get(
            url, headers={"User-Agent": USER_AGENT, **(headers or {})}, timeout=TIMEOUT
        )
    except requests.RequestException as error:
        raise GatherError(
            _("Không đọc được %(url)s: %(error)s") % {"url": url, "error": error}
        ) from error
    if response.status_code >= 400:
        raise GatherError(
            _("%(url)s trả lời mã lỗi HTTP %(status)s.")
            % {"url": url, "status": response.status_code}
        )
    return response


def frequency_code(value: str) -> str:
    """One of :class:`Frequency`'s codes from a code, a label like ``annual`` or an EU URI."""
    code = value.strip().rstrip("/").rsplit("/", 1)[-1].upper()
    aliases = {"ANNUALLY": "ANNUAL", "YEARLY": "ANNUAL", "CONTINUOUS": "CONT", "IRREGULAR": "IRREG"}
    code = aliases.get(code, code)
    return code if code in Frequency.values else ""


def date_part(value: Any) -> str:
    """``YYYY-MM-DD`` from an ISO date or date-time, or empty."""
    text = str(value or "").strip()
    return text[:10] if len(text) >= 10 and text[4] == "-" and text[7] == "-" else ""
