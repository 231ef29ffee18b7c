"""Dossier codes (mã hồ sơ, Circular 01/2018/TT-VPCP Art. 19): ``<agency code>-YYMMDD-XXXX``.

The agency code is the receiving agency's identifier (mã định danh, QCVN 102:2016) valid on
the day; ``XXXX`` is the 4-digit sequence of that agency's dossiers on that day. The sequence
comes from one atomic upsert on :class:`~tinhso.services.models.DossierCounter`, so concurrent
submissions never share a number on PostgreSQL or SQLite.
"""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.utils.translation import gettext as _

from tinhso.directory.models import Agency
from tinhso.services.models import DossierCounter

# The shape Article 19 describes (vn-standards.md §5.2, an inference to check against real codes).
CODE_PATTERN = re.compile(r"^[A-Z0-9]{3}\.[A-Z0-9]{2}\.[A-Z0-9]{2}\.[A-Z][A-Z0-9]{2}-\d{6}-\d{4}$")
MAX_DAILY = 9999


class CodeError(ValueError):
    """A dossier code cannot be issued (no agency code, or the day's numbers ran out)."""


def agency_code(agency: Agency, day: datetime.date) -> str:
    """The identifier code of ``agency`` valid on ``day``.

    Raises:
        CodeError: the agency has no identifier code on that day.
    """
    for code in agency.codes.all():
        if code.is_valid_on(day):
            return code.code
    raise CodeError(
        _("Cơ quan %(agency)s chưa có mã định danh hiệu lực ngày %(day)s.")
        % {"agency": agency.name, "day": f"{day:%d/%m/%Y}"}
    )


def next_sequence(prefix: str, day: datetime.date) -> int:
    """Take the next number of ``prefix``'s dossiers on ``day`` (1, 2, …) atomically."""
    table = DossierCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_code, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_code, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [prefix, day],
        )
        (value,) = cursor.fetchone()
    return int(value)


def issue_code(agency: Agency, day: datetime.date) -> str:
    """Issue a new dossier code for a dossier ``agency`` receives on ``day``.

    Call it inside the transaction that stores the dossier: the counter row stays locked until
    that transaction ends, so concurrent submissions to one agency queue there briefly, and a
    rolled-back submission gives its number back.

    Raises:
        CodeError: no agency code on ``day``, or more than 9,999 dossiers that day.
    """
    prefix = agency_code(agency, day)
    sequence = next_sequence(prefix, day)
    if sequence > MAX_DAILY:
        raise CodeError(
            _("Cơ quan %(agency)s đã dùng hết 9.999 mã hồ sơ của ngày %(day)s.")
            % {"agency": agency.name, "day": f"{day:%d/%m/%Y}"}
        )
    return f"{prefix}-{day:%y%m%d}-{sequence:04d}"
