"""Running a harvest source: gather its datasets, then create, update or withdraw ours.

Idempotent: each local dataset remembers the digest of what was imported
(``extras["harvest_hash"]``), so a run over an unchanged source writes nothing but its job.
A remote dataset that cannot be imported is reported and skipped; the run goes on. Datasets
gone from the source are withdrawn (state ``deleted``) only after a gather that listed the
whole source: a DCAT catalogue always, a CKAN source on its first run, after a run with
errors, with ``force_all`` in its config, and once every ``full_every_hours`` (default a
week); other CKAN runs ask only for what changed since the last clean run, less an hour.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.opendata import actions
from tinhso.opendata.choices import DatasetState, HarvestKind, HarvestStatus
from tinhso.opendata.forms import TAG_PATTERN, DatasetForm, ResourceForm
from tinhso.opendata.harvest import actions as harvest_actions
from tinhso.opendata.harvest import ckan, dcat
from tinhso.opendata.harvest.remote import Gathered, GatherError, RemoteDataset
from tinhso.opendata.models import Dataset, HarvestJob, HarvestSource, License, Resource, Theme

HASH_KEY = "harvest_hash"
RESOURCE_KEY = "harvest_key"
FULL_EVERY_HOURS = 24 * 7
# Optional metadata a remote portal often fills badly: a bad value is dropped with a warning
# rather than costing the whole dataset.
DROPPABLE = frozenset(
    {
        "title_en",
        "notes_en",
        "url",
        "version",
        "contact_name",
        "contact_email",
        "frequency",
        "temporal_start",
        "temporal_end",
        "license",
        "themes",
        "extras",
    }
)


class Skipped(Exception):
    """This remote dataset is not imported; the message says why."""


def _mode(job: HarvestJob) -> str:
    return next((entry.get("mode", "") for entry in job.report if "mode" in entry), "")


def incremental_since(
    source: HarvestSource, *, force_all: bool = False
) -> datetime.datetime | None:
    """Where an incremental CKAN gather starts (the last clean run's start less an hour), or
    None when this run must list the whole source."""
    if source.kind != HarvestKind.CKAN or force_all or source.config.get("force_all"):
        return None
    recent = list(source.jobs.exclude(status=HarvestStatus.RUNNING).order_by("-started")[:50])
    if not recent or recent[0].status != HarvestStatus.DONE:
        return None
    full_every = datetime.timedelta(
        hours=int(source.config.get("full_every_hours") or FULL_EVERY_HOURS)
    )
    last_full = next((job for job in recent if _mode(job) == "full"), None)
    if last_full is None or last_full.started < timezone.now() - full_every:
        return None
    return recent[0].started - datetime.timedelta(hours=1)


def gather(source: HarvestSource, since: datetime.datetime | None) -> Gathered:
    """The source's datasets, by its protocol."""
    if source.kind == HarvestKind.CKAN:
        return ckan.gather(source, since=since)
    return dcat.gather(source)


def run_source(source: HarvestSource, *, force_all: bool = False) -> HarvestJob:
    """Harvest ``source`` once and return the finished job with its counts and report."""
    since = incremental_since(source, force_all=force_all)
    job = harvest_actions.start_job(source)
    report: list[dict[str, Any]] = [
        {
            "level": "info",
            "mode": "full" if since is None else "incremental",
            "message": _("Thu thập toàn bộ nguồn.")
            if since is None
            else _("Thu thập các bộ dữ liệu thay đổi từ %(since)s.")
            % {"since": timezone.localtime(since).strftime("%d/%m/%Y %H:%M")},
        }
    ]
    counts: Counter[str] = Counter()
    try:
        gathered = gather(source, since)
    except GatherError as error:
        report.append({"guid": "", "title": "", "level": "error", "message": str(error)})
        counts["error"] += 1
        return harvest_actions.finish_job(
            job, status=HarvestStatus.FAILED, counts=counts, report=report
        )
    report += gathered.problems
    counts["error"] += len(gathered.problems)
    mine = {
        dataset.harvest_guid: dataset
        for dataset in Dataset.objects.filter(harvest_source=source).select_related("organization")
    }
    context = _Context.load()
    for remote in gathered.datasets:
        warnings: list[str] = []
        try:
            with transaction.atomic():
                outcome = import_dataset(source, remote, mine.get(remote.guid), context, warnings)
        except (Skipped, ValidationError, PermissionDenied, DatabaseError) as error:
            counts["error"] += 1
            report.append(_entry(remote, "error", _message(error)))
            continue
        counts[outcome] += 1
        report += [_entry(remote, "warning", warning) for warning in warnings]
    if gathered.complete:
        listed = {remote.guid for remote in gathered.datasets}
        listed |= {problem["guid"] for problem in gathered.problems}
        for guid, dataset in mine.items():
            if guid in listed or dataset.state == DatasetState.DELETED:
                continue
            try:
                actions.delete_dataset(dataset, actor=None)
            except (ValidationError, PermissionDenied, DatabaseError) as error:
                counts["error"] += 1
                report.append(
                    {
                        "guid": guid,
                        "title": dataset.title,
                        "level": "error",
                        "message": _message(error),
                    }
                )
                continue
            counts["deleted"] += 1
    status = HarvestStatus.PARTIAL if counts["error"] else HarvestStatus.DONE
    return harvest_actions.finish_job(job, status=status, counts=counts, report=report)


def _entry(remote: RemoteDataset, level: str, message: str) -> dict[str, str]:
    return {"guid": remote.guid, "title": remote.title, "level": level, "message": message}


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class _Context:
    """The local vocabularies remote values are matched against, read once per run."""

    def __init__(self, themes: set[str], licences: set[str]) -> None:
        self.themes = themes
        self.licences = licences

    @classmethod
    def load(cls) -> _Context:
        return cls(
            set(Theme.objects.values_list("name", flat=True)),
            set(License.objects.values_list("id", flat=True)),
        )


def _form_data(
    source: HarvestSource, remote: RemoteDataset, name: str, context: _Context, warnings: list[str]
) -> dict[str, Any]:
    fields = remote.fields
    tags = []
    for tag in fields.get("tags") or []:
        tag = " ".join(str(tag).split())
        if TAG_PATTERN.match(tag):
            tags.append(tag)
        else:
            warnings.append(_("Bỏ từ khoá không hợp lệ “%(tag)s”.") % {"tag": tag})
    extras = {
        str(key): str(value)
        for key, value in (fields.get("extras") or {}).items()
        if key != HASH_KEY
    }
    extras[HASH_KEY] = remote.content_hash()
    licence = str(fields.get("license") or "")
    if licence and licence not in context.licences:
        warnings.append(_("Giấy phép “%(id)s” không có ở cổng này.") % {"id": licence})
        licence = ""
    return {
        **fields,
        "name": name,
        "organization": source.organization.name,
        "license": licence,
        "tags": tags,
        "themes": [theme for theme in fields.get("themes") or [] if theme in context.themes],
        "extras": json.dumps(extras, ensure_ascii=False),
        "private": False,
    }


def _validated(
    data: dict[str, Any], instance: Dataset | None, warnings: list[str]
) -> dict[str, Any]:
    """The form's cleaned data; bad optional fields are dropped (with a warning) and retried."""
    form = DatasetForm(data=data, instance=instance)
    if not form.is_valid() and set(form.errors) <= DROPPABLE:
        for field, messages in form.errors.items():
            warnings.append(
                _("Bỏ trường %(field)s: %(error)s")
                % {"field": field, "error": " ".join(str(m) for m in messages)}
            )
            data[field] = [] if field == "themes" else "{}" if field == "extras" else ""
        form = DatasetForm(data=data, instance=instance)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return dict(form.cleaned_data)


def _local_name(source: HarvestSource, remote: RemoteDataset) -> str:
    """The remote name if free here, else the name made unique by a digest of the identity."""
    if not Dataset.objects.filter(name=remote.name).exists():
        return remote.name
    digest = hashlib.sha256(f"{source.pk}:{remote.guid}".encode()).hexdigest()[:8]
    return f"{remote.name[:91].rstrip('-')}-{digest}"


def import_dataset(
    source: HarvestSource,
    remote: RemoteDataset,
    existing: Dataset | None,
    context: _Context,
    warnings: list[str],
) -> str:
    """Create or update the local copy of ``remote``; return ``created``, ``updated`` or
    ``unchanged``.

    Raises:
        Skipped: the local copy was withdrawn here.
        ValidationError: the remote metadata does not make a valid dataset.
    """
    if existing is None:
        data = _form_data(source, remote, _local_name(source, remote), context, warnings)
        cleaned = _validated(data, None, warnings)
        dataset = actions.create_dataset(cleaned, actor=None, state=DatasetState.ACTIVE)
        harvest_actions.link_dataset(dataset, source, remote.guid)
        _sync_resources(dataset, remote, warnings)
        return "created"
    if existing.state == DatasetState.DELETED:
        raise Skipped(
            _("Bộ dữ liệu “%(name)s” đã bị gỡ ở cổng này nên không được khôi phục tự động.")
            % {"name": existing.name}
        )
    if existing.extras.get(HASH_KEY) == remote.content_hash():
        return "unchanged"
    data = _form_data(source, remote, existing.name, context, warnings)
    # The form writes into its instance while validating: give it a copy, so the action
    # compares the stored dataset with the new values.
    cleaned = _validated(data, Dataset.objects.get(pk=existing.pk), warnings)
    dataset = actions.update_dataset(existing, cleaned, actor=None)
    _sync_resources(dataset, remote, warnings)
    return "updated"


def _sync_resources(dataset: Dataset, remote: RemoteDataset, warnings: list[str]) -> None:
    """Make the dataset's links those of the remote dataset, matched by their remote key."""
    current: dict[str, Resource] = {
        str(resource.extras.get(RESOURCE_KEY)): resource
        for resource in dataset.resources.filter(state="active")
    }
    for item in remote.resources:
        form = ResourceForm(
            data={
                "name": (item.name or item.url)[:500],
                "description": item.description,
                "format": item.format[:50],
                "url": item.url,
                "resource_type": item.resource_type[:50],
            }
        )
        if not form.is_valid():
            warnings.append(
                _("Bỏ tài nguyên “%(name)s”: %(error)s")
                % {"name": item.name, "error": _message(ValidationError(form.errors.as_data()))}
            )
            continue
        cleaned = {**form.cleaned_data, "extras": {RESOURCE_KEY: item.key}}
        resource = current.pop(item.key, None)
        if resource is None:
            actions.create_resource(dataset, cleaned, actor=None)
        elif any(getattr(resource, field) != value for field, value in cleaned.items()):
            actions.update_resource(resource, cleaned, actor=None)
    for resource in current.values():
        actions.delete_resource(resource, actor=None)


def due_sources(now: datetime.datetime | None = None) -> list[HarvestSource]:
    """Active sources whose last run started at least ``every_hours`` ago (or never ran)."""
    now = now or timezone.now()
    due = []
    for source in HarvestSource.objects.filter(active=True).select_related("organization"):
        last = source.jobs.order_by("-started").first()
        if last is None or last.started <= now - datetime.timedelta(hours=source.every_hours):
            due.append(source)
    return due
