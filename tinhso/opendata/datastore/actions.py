"""Writes to the datastore: fixing column types (then reloading), removing a table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.accounts.permissions import Perm, can
from tinhso.core.audit import record_write
from tinhso.opendata import tasks
from tinhso.opendata.choices import ColumnType, DatastoreStatus
from tinhso.opendata.datastore import tables
from tinhso.opendata.models import DatastoreTable, Resource


def _require_change(actor: Any, resource: Resource) -> None:
    organization = resource.dataset.organization
    if actor is not None and not can(actor, Perm.DATA_CHANGE, organization.agency):
        raise PermissionDenied(
            _("Bạn không được sửa dữ liệu bảng của %(org)s.") % {"org": organization}
        )


def set_column_types(
    table: DatastoreTable, types: Mapping[str, str], *, actor: Any
) -> DatastoreTable:
    """Fix the type of some columns (``{column id: type}``) and reload the file with them.

    The types are kept as overrides for every later load of the resource; cells that do not
    fit the chosen type are reported as rejected rows. The reload runs in the background
    (``tasks.load_datastore``) after commit; the current rows stay queryable meanwhile.
    """
    resource = table.resource
    _require_change(actor, resource)
    known = {field["id"] for field in table.fields}
    errors = []
    for column, column_type in types.items():
        if column not in known:
            errors.append(_("Không có cột “%(name)s”.") % {"name": column})
        elif column_type not in ColumnType.values:
            errors.append(_("Kiểu “%(type)s” không hợp lệ.") % {"type": column_type})
    if errors:
        raise ValidationError({"types": errors})
    with transaction.atomic():
        locked = DatastoreTable.objects.select_for_update().get(pk=table.pk)
        before = dict(locked.report.get("overrides", {}))
        overrides = {**before, **{column: str(ctype) for column, ctype in types.items()}}
        locked.report = {**locked.report, "overrides": overrides}
        locked.status = DatastoreStatus.PENDING
        locked.progress = 0
        locked.save(update_fields=["report", "status", "progress"])
        record_write(
            actor=actor,
            action="opendata.datastore.set_types",
            target=resource,
            changes={"overrides": [before, overrides]},
        )
        transaction.on_commit(lambda: tasks.enqueue_datastore_load(resource.pk))
    table.report, table.status, table.progress = locked.report, locked.status, locked.progress
    return table


def delete_table(resource: Resource, *, actor: Any) -> None:
    """Drop the resource's datastore table; the file itself stays."""
    _require_change(actor, resource)
    with transaction.atomic():
        table = DatastoreTable.objects.select_for_update().filter(resource=resource).first()
        if table is None:
            return
        tables.drop_tables(table.table_name)
        rows = table.row_count
        table.delete()
        Resource.objects.filter(pk=resource.pk).update(datastore_active=False)
        resource.datastore_active = False
        record_write(
            actor=actor,
            action="opendata.datastore.delete",
            target=resource,
            changes={"row_count": [rows, 0]},
        )
