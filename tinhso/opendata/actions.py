"""Every write of the open data portal: catalogue, publishing workflow, resources, citizens'
tickets and ratings, usage counts.

Each dataset write runs in one transaction with its revision, its audit entry and its search
index update, so a dataset is never saved without being findable (CKAN can commit and then
answer 500 when Solr is down). Public pages showing it are forgotten by the page cache after
commit. ``actor=None`` is the system itself (demo loader, harvester).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import mimetypes
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.accounts.permissions import Perm, can
from tinhso.core import pagecache
from tinhso.core.audit import record_write
from tinhso.core.filescan import EXECUTABLE_MAGIC, scan
from tinhso.directory.models import Agency
from tinhso.opendata import search, tasks
from tinhso.opendata.choices import DatasetState, TicketKind, TicketStatus, UsageKind
from tinhso.opendata.forms import slug_for
from tinhso.opendata.models import (
    Dataset,
    DatasetRevision,
    License,
    Organization,
    Rating,
    Resource,
    Tag,
    Theme,
    Ticket,
    UsageDay,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_TAG = "opendata.catalogue"
# Licences and themes: their titles appear in every dataset's CKAN dictionary.
REFERENCE_TAG = "opendata.reference"
TABULAR_FORMATS = frozenset({"CSV", "XLSX", "TSV"})
METADATA_FIELDS = (
    "name",
    "title",
    "title_en",
    "notes",
    "notes_en",
    "license",
    "temporal_start",
    "temporal_end",
    "spatial_unit",
    "frequency",
    "contact_name",
    "contact_email",
    "version",
    "url",
    "private",
    "extras",
)


def dataset_tag(dataset_id: Any) -> str:
    """The page cache's tag for what the public sees of the dataset ``dataset_id``."""
    return f"opendata.dataset:{dataset_id}"


def resource_tag(resource_id: Any) -> str:
    """The cache's tag for what the public reads of a resource's table: forgotten with any
    change of its dataset (which may hide it) and with every load of the table."""
    return f"opendata.resource:{resource_id}"


# --- reference data --------------------------------------------------------------------------


def ensure_organization(
    agency: Agency, *, actor: Any = None, name: str = "", description: str = ""
) -> Organization:
    """Return the agency's publishing organisation, creating it (named after the agency)."""
    existing = Organization.objects.filter(agency=agency).first()
    if existing is not None:
        return existing
    slug = name or slug_for(agency.short_name or agency.name)
    if Organization.objects.filter(name=slug).exists():
        slug = f"{slug}-{agency.pk}"[:100]
    with transaction.atomic():
        organization = Organization.objects.create(
            agency=agency, name=slug, title=agency.name, description=description
        )
        record_write(actor=actor, action="opendata.organization.create", target=organization)
    return organization


def load_licenses(path: Path | None = None) -> int:
    """Create or update the licences listed in ``data/licenses.json``; return how many."""
    rows = json.loads((path or DATA_DIR / "licenses.json").read_text(encoding="utf-8"))
    with transaction.atomic():
        for position, row in enumerate(rows):
            License.objects.update_or_create(
                id=row["id"],
                defaults={
                    "title": row["title"],
                    "url": row.get("url", ""),
                    "is_open": row.get("is_open", True),
                    "position": position,
                },
            )
        record_write(actor=None, action="opendata.license.load", batch_count=len(rows))
    transaction.on_commit(lambda: pagecache.forget(REFERENCE_TAG, CATALOGUE_TAG))
    return len(rows)


def load_themes(path: Path | None = None) -> int:
    """Create or update the themes listed in ``data/themes.json``; return how many."""
    rows = json.loads((path or DATA_DIR / "themes.json").read_text(encoding="utf-8"))
    with transaction.atomic():
        for row in rows:
            theme = Theme.objects.filter(name=row["name"]).first() or Theme(name=row["name"])
            theme.title = row["title"]
            theme.title_en = row.get("title_en", "")
            theme.description = row.get("description", "")
            theme.uri = row.get("uri", "")
            theme.save()
        record_write(actor=None, action="opendata.theme.load", batch_count=len(rows))
    transaction.on_commit(lambda: pagecache.forget(REFERENCE_TAG, CATALOGUE_TAG))
    return len(rows)


# --- datasets ---------------------------------------------------------------------------------


def _require(actor: Any, perm: Perm, organization: Organization, message: str) -> None:
    if actor is not None and not can(actor, perm, organization.agency):
        raise PermissionDenied(message)


def _may_publish(actor: Any, organization: Organization) -> bool:
    return actor is None or can(actor, Perm.DATA_APPROVE, organization.agency)


def snapshot(dataset: Dataset) -> dict[str, Any]:
    """The dataset's metadata as JSON, as kept in each revision."""
    values: dict[str, Any] = {}
    for field in METADATA_FIELDS:
        value = getattr(dataset, f"{field}_id" if field in ("license", "spatial_unit") else field)
        values[field] = value.isoformat() if isinstance(value, datetime.date) else value
    values["organization"] = dataset.organization.name
    values["state"] = dataset.state
    values["tags"] = sorted(tag.name for tag in dataset.tags.all())
    values["themes"] = sorted(theme.name for theme in dataset.themes.all())
    values["resources"] = [
        {"id": str(resource.pk), "name": resource.name, "format": resource.format}
        for resource in dataset.resources.filter(state="active").order_by("position")
    ]
    return values


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _touch(
    dataset: Dataset, action: str, actor: Any, *, before: Mapping[str, Any], comment: str = ""
) -> None:
    """Record a revision and an audit entry, reindex, and forget cached pages after commit."""
    after = snapshot(dataset)
    changes = _changed_fields(before, after)
    DatasetRevision.objects.create(
        dataset=dataset,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        comment=comment,
        changes=changes,
        snapshot=after,
    )
    search.index_dataset(dataset)
    record_write(actor=actor, action=f"opendata.dataset.{action}", target=dataset, changes=changes)
    resources = [resource_tag(pk) for pk in dataset.resources.values_list("pk", flat=True)]
    tags = (dataset_tag(dataset.pk), CATALOGUE_TAG, *resources)
    transaction.on_commit(lambda: pagecache.forget(*tags))


def _tags(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag(name=name)
            tag.save()
        tags.append(tag)
    return tags


def _apply(dataset: Dataset, cleaned: Mapping[str, Any]) -> None:
    for field in METADATA_FIELDS:
        if field in cleaned:
            setattr(dataset, field, cleaned[field])
    dataset.modified = timezone.now()
    dataset.save()
    if "tags" in cleaned:
        dataset.tags.set(_tags(list(cleaned["tags"])))
    if "themes" in cleaned:
        dataset.themes.set(list(cleaned["themes"]))


def create_dataset(cleaned: Mapping[str, Any], *, actor: Any, state: str | None = None) -> Dataset:
    """Create a dataset from validated metadata (``forms.DatasetForm.cleaned_data``).

    Anyone with ``data.change`` on the organisation's agency may create a draft; ``state``
    ``active`` (published at once, as CKAN clients expect) needs ``data.approve``. Without a
    ``state`` the dataset is published when the actor may publish, a draft otherwise.
    """
    organization: Organization = cleaned["organization"]
    _require(
        actor,
        Perm.DATA_CHANGE,
        organization,
        _("Bạn không được tạo bộ dữ liệu cho %(org)s.") % {"org": organization},
    )
    if state is None:
        state = DatasetState.ACTIVE if _may_publish(actor, organization) else DatasetState.DRAFT
    if state == DatasetState.ACTIVE and not _may_publish(actor, organization):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan được công bố bộ dữ liệu."))
    if state not in (DatasetState.DRAFT, DatasetState.ACTIVE):
        raise ValidationError({"state": [_("Trạng thái mới chỉ có thể là nháp hoặc công bố.")]})
    with transaction.atomic():
        dataset = Dataset(
            organization=organization,
            state=state,
            creator=actor if getattr(actor, "pk", None) else None,
            published_at=timezone.now() if state == DatasetState.ACTIVE else None,
        )
        _apply(dataset, cleaned)
        _touch(dataset, "create", actor, before={})
    return dataset


def update_dataset(dataset: Dataset, cleaned: Mapping[str, Any], *, actor: Any) -> Dataset:
    """Change a dataset's metadata to the fields in ``cleaned`` (others stay as they are).

    A published dataset stays published only if the actor may publish; an officer's change
    to it is refused (they draft a copy of their change in the pages instead).
    """
    _require(
        actor,
        Perm.DATA_CHANGE,
        dataset.organization,
        _("Bạn không được sửa bộ dữ liệu %(name)s.") % {"name": dataset.name},
    )
    if dataset.state == DatasetState.ACTIVE and not _may_publish(actor, dataset.organization):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan được sửa bộ dữ liệu đã công bố."))
    moved = cleaned.get("organization")
    if moved is not None and moved != dataset.organization:
        _require(
            actor,
            Perm.DATA_APPROVE,
            moved,
            _("Bạn không được chuyển bộ dữ liệu sang %(org)s.") % {"org": moved},
        )
    with transaction.atomic():
        before = snapshot(dataset)
        if moved is not None:
            dataset.organization = moved
        _apply(dataset, cleaned)
        _touch(dataset, "update", actor, before=before)
    return dataset


_MOVE_VERBS = {
    "submit": gettext_lazy("gửi duyệt"),
    "approve": gettext_lazy("công bố"),
    "return": gettext_lazy("trả lại"),
    "delete": gettext_lazy("xoá"),
}


def _move(
    dataset: Dataset,
    to: str,
    *,
    actor: Any,
    action: str,
    perm: Perm,
    allowed: tuple[str, ...],
    comment: str = "",
) -> Dataset:
    _require(
        actor,
        perm,
        dataset.organization,
        _("Bạn không có quyền %(action)s bộ dữ liệu %(name)s.")
        % {"action": _MOVE_VERBS[action], "name": dataset.name},
    )
    with transaction.atomic():
        fresh = (
            Dataset.objects.select_for_update().select_related("organization").get(pk=dataset.pk)
        )
        if fresh.state not in allowed:
            raise ValidationError(
                _("Bộ dữ liệu đang ở trạng thái “%(state)s”, không %(action)s được.")
                % {"state": fresh.get_state_display(), "action": _MOVE_VERBS[action]},
                code="state",
            )
        before = snapshot(fresh)
        fresh.state = to
        fresh.modified = timezone.now()
        if to == DatasetState.ACTIVE and fresh.published_at is None:
            fresh.published_at = fresh.modified
        fresh.save()
        _touch(fresh, action, actor, before=before, comment=comment)
    return fresh


def submit_dataset(dataset: Dataset, *, actor: Any, comment: str = "") -> Dataset:
    """Send a draft to the agency's leader for approval (nháp → chờ duyệt)."""
    return _move(
        dataset,
        DatasetState.PENDING,
        actor=actor,
        action="submit",
        perm=Perm.DATA_CHANGE,
        allowed=(DatasetState.DRAFT,),
        comment=comment,
    )


def approve_dataset(dataset: Dataset, *, actor: Any, comment: str = "") -> Dataset:
    """Publish a dataset (chờ duyệt or nháp → đã công bố): the leader's decision."""
    return _move(
        dataset,
        DatasetState.ACTIVE,
        actor=actor,
        action="approve",
        perm=Perm.DATA_APPROVE,
        allowed=(DatasetState.PENDING, DatasetState.DRAFT),
        comment=comment,
    )


def return_dataset(dataset: Dataset, *, actor: Any, comment: str) -> Dataset:
    """Send a dataset awaiting approval back to its officer with the reason (→ nháp)."""
    if not comment.strip():
        raise ValidationError({"comment": [_("Hãy ghi lý do trả lại.")]})
    return _move(
        dataset,
        DatasetState.DRAFT,
        actor=actor,
        action="return",
        perm=Perm.DATA_APPROVE,
        allowed=(DatasetState.PENDING,),
        comment=comment,
    )


def delete_dataset(dataset: Dataset, *, actor: Any) -> Dataset:
    """Withdraw a dataset (state ``deleted``); its history stays. Published ones need a leader."""
    perm = Perm.DATA_APPROVE if dataset.state == DatasetState.ACTIVE else Perm.DATA_CHANGE
    return _move(
        dataset,
        DatasetState.DELETED,
        actor=actor,
        action="delete",
        perm=perm,
        allowed=(DatasetState.DRAFT, DatasetState.PENDING, DatasetState.ACTIVE),
    )


# --- resources --------------------------------------------------------------------------------


def upload_limit_bytes() -> int:
    """The size limit of one resource file, from ``TINHSO_OPENDATA_UPLOAD_MAX_MB``."""
    return int(settings.TINHSO_OPENDATA_UPLOAD_MAX_MB) * 1024 * 1024


def _check_upload(upload: UploadedFile) -> tuple[str, int, str]:
    """Accept a resource file or raise ``ValidationError``; return (name, size, sha256)."""
    name = PurePath(upload.name or "tep").name
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"upload": [_("Tệp “%(name)s” rỗng.") % {"name": name}]})
    if size > upload_limit_bytes():
        raise ValidationError(
            {
                "upload": [
                    _("Tệp “%(name)s” vượt giới hạn %(limit)s MB.")
                    % {"name": name, "limit": settings.TINHSO_OPENDATA_UPLOAD_MAX_MB}
                ]
            }
        )
    digest = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        head = head or chunk[:16]
        digest.update(chunk)
    upload.seek(0)
    if head.startswith(EXECUTABLE_MAGIC):
        raise ValidationError(
            {"upload": [_("Tệp “%(name)s” là chương trình chạy được.") % {"name": name}]}
        )
    refused = scan(upload.read())
    upload.seek(0)
    if refused:
        raise ValidationError({"upload": [f"{name}: {refused}"]})
    return name, size, digest.hexdigest()


def _store_upload(resource: Resource, upload: UploadedFile) -> None:
    name, size, sha256 = _check_upload(upload)
    resource.upload.save(name, upload, save=False)
    resource.size = size
    resource.hash = sha256
    resource.mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if not resource.format:
        resource.format = PurePath(name).suffix.lstrip(".").upper()
    if not resource.name:
        resource.name = name
    resource.url = ""


def _after_resource_change(
    resource: Resource, actor: Any, action: str, before: Mapping[str, Any]
) -> None:
    dataset = resource.dataset
    dataset.modified = timezone.now()
    dataset.save(update_fields=["modified"])
    _touch(dataset, action, actor, before=before)
    if resource.upload and resource.format in TABULAR_FORMATS and resource.state == "active":
        transaction.on_commit(lambda: tasks.enqueue_datastore_load(resource.pk))


def create_resource(
    dataset: Dataset,
    cleaned: Mapping[str, Any],
    *,
    actor: Any,
    upload: UploadedFile | None = None,
) -> Resource:
    """Add a file or link to a dataset; a tabular file is then loaded into the datastore."""
    update_check = Perm.DATA_APPROVE if dataset.state == DatasetState.ACTIVE else Perm.DATA_CHANGE
    _require(
        actor,
        update_check,
        dataset.organization,
        _("Bạn không được thêm tài nguyên vào %(name)s.") % {"name": dataset.name},
    )
    if upload is None and not cleaned.get("url"):
        raise ValidationError({"url": [_("Hãy tải lên một tệp hoặc ghi đường dẫn.")]})
    with transaction.atomic():
        before = snapshot(dataset)
        last = dataset.resources.order_by("-position").values_list("position", flat=True).first()
        resource = Resource(dataset=dataset, position=0 if last is None else last + 1)
        for field, value in cleaned.items():
            setattr(resource, field, value)
        if upload is not None:
            _store_upload(resource, upload)
        resource.save()
        _after_resource_change(resource, actor, "resource_create", before)
    return resource


def update_resource(
    resource: Resource,
    cleaned: Mapping[str, Any],
    *,
    actor: Any,
    upload: UploadedFile | None = None,
) -> Resource:
    """Change a resource's metadata, file or link."""
    dataset = resource.dataset
    perm = Perm.DATA_APPROVE if dataset.state == DatasetState.ACTIVE else Perm.DATA_CHANGE
    _require(
        actor,
        perm,
        dataset.organization,
        _("Bạn không được sửa tài nguyên của %(name)s.") % {"name": dataset.name},
    )
    with transaction.atomic():
        before = snapshot(dataset)
        for field, value in cleaned.items():
            setattr(resource, field, value)
        if upload is not None:
            _store_upload(resource, upload)
        resource.modified = timezone.now()
        resource.save()
        _after_resource_change(resource, actor, "resource_update", before)
    return resource


def delete_resource(resource: Resource, *, actor: Any) -> Resource:
    """Remove a resource from its dataset (state ``deleted``)."""
    dataset = resource.dataset
    perm = Perm.DATA_APPROVE if dataset.state == DatasetState.ACTIVE else Perm.DATA_CHANGE
    _require(
        actor,
        perm,
        dataset.organization,
        _("Bạn không được xoá tài nguyên của %(name)s.") % {"name": dataset.name},
    )
    with transaction.atomic():
        before = snapshot(dataset)
        resource.state = "deleted"
        resource.modified = timezone.now()
        resource.save()
        _after_resource_change(resource, actor, "resource_delete", before)
    return resource


# --- citizens ---------------------------------------------------------------------------------


def open_ticket(
    kind: str,
    *,
    organization: Organization,
    title: str,
    body: str,
    dataset: Dataset | None = None,
    requester: Any = None,
    requester_name: str = "",
    requester_email: str = "",
) -> Ticket:
    """Record a citizen's problem report on a dataset or request for a new dataset."""
    if kind == TicketKind.PROBLEM and dataset is None:
        raise ValidationError({"dataset": [_("Báo lỗi phải gắn với một bộ dữ liệu.")]})
    signed_in = requester if getattr(requester, "is_authenticated", False) else None
    with transaction.atomic():
        ticket = Ticket.objects.create(
            kind=kind,
            organization=organization,
            dataset=dataset,
            title=title,
            body=body,
            requester=signed_in,
            requester_name=requester_name,
            requester_email=requester_email,
        )
        record_write(actor=signed_in, action=f"opendata.ticket.{kind}", target=ticket)
    return ticket


def answer_ticket(ticket: Ticket, *, actor: Any, answer: str, close: bool = False) -> Ticket:
    """The organisation answers a ticket (and may close it)."""
    _require(
        actor,
        Perm.DATA_CHANGE,
        ticket.organization,
        _("Chỉ cán bộ của %(org)s được trả lời.") % {"org": ticket.organization},
    )
    if not answer.strip():
        raise ValidationError({"answer": [_("Hãy viết câu trả lời.")]})
    with transaction.atomic():
        before = ticket.status
        ticket.answer = answer
        ticket.answered_by = actor if getattr(actor, "pk", None) else None
        ticket.answered_at = timezone.now()
        ticket.status = TicketStatus.CLOSED if close else TicketStatus.ANSWERED
        ticket.save()
        record_write(
            actor=actor,
            action="opendata.ticket.answer",
            target=ticket,
            changes={"status": [before, ticket.status]},
        )
    return ticket


def rate_dataset(dataset: Dataset, *, user: Any, stars: int, comment: str = "") -> Rating:
    """Record (or change) a signed-in user's 1–5 star rating of a public dataset."""
    if not dataset.is_public:
        raise PermissionDenied(_("Chỉ đánh giá được bộ dữ liệu đã công bố."))
    if not 1 <= int(stars) <= 5:
        raise ValidationError({"stars": [_("Số sao phải từ 1 đến 5.")]})
    with transaction.atomic():
        rating, _created = Rating.objects.update_or_create(
            dataset=dataset, user=user, defaults={"stars": int(stars), "comment": comment}
        )
        record_write(
            actor=user, action="opendata.dataset.rate", target=dataset, changes={"stars": stars}
        )
    transaction.on_commit(lambda: pagecache.forget(dataset_tag(dataset.pk)))
    return rating


def count_use(dataset_id: Any, kind: UsageKind, *, on: datetime.date | None = None) -> None:
    """Count one view, download or API call of a dataset (today, in the province's time).

    Usage counters are telemetry, not records: they are not written to the audit ledger.
    """
    day = on or timezone.localdate()
    counter = {
        UsageKind.VIEW: "view_count",
        UsageKind.DOWNLOAD: "download_count",
        UsageKind.API: "api_count",
    }[kind]
    with transaction.atomic():
        updated = UsageDay.objects.filter(dataset_id=dataset_id, day=day, kind=kind).update(
            count=F("count") + 1
        )
        if not updated:
            UsageDay.objects.get_or_create(
                dataset_id=dataset_id, day=day, kind=kind, defaults={"count": 0}
            )
            UsageDay.objects.filter(dataset_id=dataset_id, day=day, kind=kind).update(
                count=F("count") + 1
            )
        Dataset.objects.filter(pk=dataset_id).update(**{counter: F(counter) + 1})


# --- usage history (bulk) ---------------------------------------------------------------------

USAGE_COUNTERS = {
    UsageKind.VIEW: "view_count",
    UsageKind.DOWNLOAD: "download_count",
    UsageKind.API: "api_count",
}


def import_usage(
    counts: Mapping[tuple[Any, datetime.date, str], int], *, actor: Any, source: str = ""
) -> int:
    """Store daily usage counts of datasets in bulk; return how many days were written.

    ``counts`` maps ``(dataset_id, day, kind)`` to the count of that day, as taken from a
    previous portal's statistics or the web server's logs. A day already counted here takes
    the imported count; each dataset's totals move by the difference. One transaction, one
    audit entry for the batch (the batch, unlike a single visit, is a record of an import).
    """
    if not counts:
        return 0
    for (_dataset_id, _day, kind), count in counts.items():
        if kind not in USAGE_COUNTERS or int(count) < 0:
            raise ValidationError(_("Số lượt sử dụng không hợp lệ."))
    dataset_ids = {key[0] for key in counts}
    days = [key[1] for key in counts]
    deltas: dict[Any, dict[str, int]] = {}
    with transaction.atomic():
        existing = {
            (row.dataset_id, row.day, row.kind): row
            for row in UsageDay.objects.filter(
                dataset_id__in=dataset_ids, day__gte=min(days), day__lte=max(days)
            )
        }
        created, changed = [], []
        for key, count in counts.items():
            dataset_id, day, kind = key
            old = existing.get(key)
            delta = int(count) - (old.count if old is not None else 0)
            counter = USAGE_COUNTERS[UsageKind(kind)]
            totals = deltas.setdefault(dataset_id, {})
            totals[counter] = totals.get(counter, 0) + delta
            if old is None:
                created.append(UsageDay(dataset_id=dataset_id, day=day, kind=kind, count=count))
            elif delta:
                old.count = int(count)
                changed.append(old)
        UsageDay.objects.bulk_create(created, batch_size=2000)
        UsageDay.objects.bulk_update(changed, ["count"], batch_size=2000)
        for dataset_id, totals in deltas.items():
            moves = {field: F(field) + delta for field, delta in totals.items() if delta}
            if moves:
                Dataset.objects.filter(pk=dataset_id).update(**moves)
        record_write(
            actor=actor,
            action="opendata.usage.import",
            changes={"source": source, "datasets": len(dataset_ids)},
            batch_count=len(counts),
        )
    return len(created) + len(changed)
