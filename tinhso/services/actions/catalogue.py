"""Writes on the procedure catalogue and the province's working calendar."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import transaction

from tinhso.core.audit import record_write
from tinhso.directory.choices import UnitLevel
from tinhso.directory.models import Agency
from tinhso.services.choices import DayKind
from tinhso.services.models import CalendarDay, Procedure, ProcedureDocument, Webhook
from tinhso.services.workflow import validate_steps

LEVELS = {
    "province": UnitLevel.PROVINCE,
    "district": UnitLevel.DISTRICT,
    "commune": UnitLevel.COMMUNE,
}


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def save_procedure(item: dict[str, Any], *, actor: Any) -> Procedure:
    """Create or update one procedure of the catalogue and its documents, by national code.

    ``item`` has the shape of ``data/procedures.json`` (see its README).

    Raises:
        django.core.exceptions.ValidationError: a bad step template.
        Agency.DoesNotExist: the deciding agency is not in the directory.
    """
    validate_steps(item["steps"])
    agency = Agency.objects.get(name=item["agency"]) if item.get("agency") else None
    with transaction.atomic():
        procedure, created = Procedure.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "field": item["field"],
                "level": LEVELS[item["level"]],
                "agency": agency,
                "legal_basis": item.get("legal_basis", ""),
                "processing_days": int(item["processing_days"]),
                "service_class": item["service_class"],
                "mobile_ready": bool(item.get("mobile_ready")),
                "online_payment": bool(item.get("online_payment")),
                "fee": item.get("fee", ""),
                "fee_amount": int(item.get("fee_amount") or 0),
                "fields": item.get("fields", []),
                "steps": item["steps"],
                "result": item.get("result", ""),
                "source": item.get("source", ""),
                "verified": bool(item.get("verified")),
                "valid_from": datetime.date.fromisoformat(item["valid_from"]),
                "valid_to": _date(item.get("valid_to")),
            },
        )
        procedure.documents.all().delete()
        ProcedureDocument.objects.bulk_create(
            ProcedureDocument(
                procedure=procedure,
                code=document["code"],
                name=document["name"],
                required=bool(document.get("required", True)),
                reusable=bool(document.get("reusable")),
                order=order,
            )
            for order, document in enumerate(item.get("documents", []))
        )
        record_write(
            actor=actor,
            action="services.procedure.create" if created else "services.procedure.update",
            target=procedure,
        )
    return procedure


def load_procedures(path: Path, *, actor: Any) -> list[Procedure]:
    """Load a catalogue file (a JSON list of procedures); idempotent."""
    items = json.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        return [save_procedure(item, actor=actor) for item in items]


def declare_day(
    day: datetime.date, *, actor: Any, kind: str, reason: str, source: str = ""
) -> CalendarDay:
    """Declare ``day`` off or a make-up working day for the province's one-stop desks."""
    DayKind(kind)
    with transaction.atomic():
        record, created = CalendarDay.objects.update_or_create(
            date=day, defaults={"kind": kind, "reason": reason, "source": source}
        )
        record_write(
            actor=actor,
            action="services.calendar.declare",
            target=record,
            changes={"date": day.isoformat(), "kind": kind, "created": created},
        )
    return record


def undeclare_day(day: datetime.date, *, actor: Any) -> bool:
    """Remove the province's declaration for ``day``; return whether there was one."""
    with transaction.atomic():
        deleted, _counts = CalendarDay.objects.filter(date=day).delete()
        if deleted:
            record_write(
                actor=actor, action="services.calendar.undeclare", changes={"date": day.isoformat()}
            )
    return bool(deleted)


def save_webhook(webhook: Webhook, *, actor: Any, adding: bool) -> Webhook:
    """Register or change a partner system's webhook (its secret is never audited)."""
    with transaction.atomic():
        webhook.save()
        record_write(
            actor=actor,
            action="services.webhook.create" if adding else "services.webhook.update",
            target=webhook,
            changes={"url": webhook.url, "active": webhook.active},
        )
    return webhook
