"""Station text files of Circular 10/2021/TT-BTNMT (Phụ lục 15), read into :func:`ingest`.

A datalogger sends one file per measuring cycle, named
``<province>_<facility>_<station>_<YYYYMMDDhhmmss>.txt`` (e.g. ``BN_QCIZ_NT01_20261130080500.txt``,
matched on the station's ``tt10_province``/``tt10_facility``/``tt10_station``) or, as some
dataloggers do, ``<station>_<YYYYMMDDhhmmss>.txt`` (matched on ``tt10_station`` alone or on the
station's code). Each non-blank line is one parameter, five TAB-separated fields::

    COD<TAB>42.5<TAB>mg/L<TAB>20261130080500<TAB>00

(symbol, value, unit, time in Vietnam time, status 00 measuring / 01 calibrating / 02 device
error). Calibration and error readings are stored with their status and left out of indices by
the rules. Nothing is lost: a malformed line is quarantined with its line number while the good
lines are stored, and a file whose name cannot be read or whose station is unknown is
quarantined whole, its text kept. :func:`ingest_file` is what the directory watcher
(``tinhso ingest-tt10``) and the upload page call.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tinhso.environment.choices import QuarantineReason, Source
from tinhso.environment.ingest import IngestReport, RawReading, Rejection, ingest, parse_time
from tinhso.environment.models import QuarantinedReading, Station

FIELDS = 5
# Tried in order; the last one decodes any byte, so a file is never refused for its encoding.
FALLBACK_ENCODINGS = ("cp1258", "latin-1")


class FileName(NamedTuple):
    """The parts of a Circular 10 file name (province and facility empty in the short form)."""

    province: str
    facility: str
    station: str
    timestamp: datetime


class Problem(NamedTuple):
    """Something wrong in a file: its 1-based line number (0 for the whole file), the
    quarantine reason and a sentence for the operator."""

    line_no: int
    reason: str
    detail: str


@dataclass
class ParsedFile:
    """A file read line by line: the station it belongs to (None when unknown, and then no
    readings), its readings with the line each came from, and its problems."""

    station_code: str | None
    readings: list[RawReading] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    station_id: int | None = None
    text: str = ""
    encoding: str = "utf-8"


@dataclass
class FileReport(IngestReport):
    """What happened to a file; rejections are indexed by line number (0 = the whole file)."""

    name: str = ""
    station_code: str | None = None
    unreadable: bool = False  # no reading at all could be taken from it

    def summary(self) -> str:
        """One line for the operator: stored, already there, set aside (with line numbers)."""
        lines = ", ".join(
            _("dòng %(line)s: %(reason)s")
            % {"line": r.index, "reason": QuarantineReason(r.reason).label}
            if r.index
            else r.detail
            for r in self.rejected
        )
        text = _(
            "%(name)s → %(station)s: lưu %(stored)s, đã có %(duplicates)s, cách ly %(rejected)s"
        ) % {
            "name": self.name,
            "station": self.station_code or "?",
            "stored": self.accepted,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
        }
        return f"{text} ({lines})" if lines else text


def parse_name(filename: str) -> FileName:
    """Read a Circular 10 file name; raise ValueError with the reason when it does not fit."""
    name = PurePath(filename).name
    stem, dot, extension = name.rpartition(".")
    parts = stem.split("_") if dot and extension.casefold() == "txt" else []
    moment = parse_time(parts[-1]) if parts and len(parts[-1]) == 14 else None
    # Two parts is the short form, four or more the full one (a facility may hold "_").
    if moment is None or len(parts) in (1, 3) or not all(parts):
        raise ValueError(
            _(
                "Tên tệp “%(name)s” không theo mẫu <tỉnh>_<cơ sở>_<trạm>_<YYYYMMDDhhmmss>.txt"
                " của Thông tư 10/2021."
            )
            % {"name": name}
        )
    if len(parts) == 2:
        return FileName("", "", parts[0], moment)
    return FileName(parts[0], "_".join(parts[1:-2]), parts[-2], moment)


def find_station(name: FileName) -> Station:
    """The station a file name designates; raise LookupError with the reason otherwise."""
    if name.province:
        stations = Station.objects.filter(
            tt10_province=name.province, tt10_facility=name.facility, tt10_station=name.station
        )
        label = f"{name.province}_{name.facility}_{name.station}"
    else:
        stations = Station.objects.filter(Q(tt10_station=name.station) | Q(code=name.station))
        label = name.station
    found = list(stations[:2])
    if len(found) == 1:
        return found[0]
    if found:
        raise LookupError(
            _("Tên trạm “%(name)s” khớp với nhiều trạm; hãy dùng tên tệp đủ ba phần.")
            % {"name": label}
        )
    raise LookupError(_("Không có trạm nào mang tên tệp Thông tư 10 “%(name)s”.") % {"name": label})


def decode(content: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read with (UTF-8, with or without BOM,
    else Windows-1258, else Latin-1)."""
    for encoding in ("utf-8-sig", *FALLBACK_ENCODINGS):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Windows-1258 writes Vietnamese tones as combining marks: compose them.
        return unicodedata.normalize("NFC", text), encoding.removesuffix("-sig")
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def split_lines(text: str) -> list[str]:
    """The lines of a text whatever its line endings (numbered as an editor numbers them)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse(filename: str, content: bytes) -> ParsedFile:
    """Read a file into readings of its station; a bad line becomes a problem, not an error."""
    text, encoding = decode(content)
    parsed = ParsedFile(station_code=None, text=text, encoding=encoding)
    try:
        station = find_station(parse_name(filename))
    except ValueError as exc:
        parsed.problems.append(Problem(0, QuarantineReason.MALFORMED, str(exc)))
        return parsed
    except LookupError as exc:
        parsed.problems.append(Problem(0, QuarantineReason.UNKNOWN_STATION, str(exc)))
        return parsed
    parsed.station_code, parsed.station_id = station.code, station.pk
    if encoding != "utf-8":
        parsed.problems.append(
            Problem(
                0,
                QuarantineReason.MALFORMED,
                _("Tệp không phải UTF-8; đã đọc theo bảng mã %(encoding)s, hãy kiểm tra lại.")
                % {"encoding": encoding},
            )
        )
    for line_no, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        fields = [part.strip() for part in line.strip().split("\t")]
        if len(fields) != FIELDS or not fields[0]:
            parsed.problems.append(
                Problem(
                    line_no,
                    QuarantineReason.MALFORMED,
                    _(
                        "Dòng %(line)s có %(count)s trường; cần 5 trường cách nhau bằng dấu TAB:"
                        " ký hiệu, giá trị, đơn vị, thời gian, trạng thái."
                    )
                    % {"line": line_no, "count": len(fields)},
                )
            )
            continue
        symbol, value, unit, moment, status = fields
        parsed.readings.append(
            RawReading(
                station=station.code,
                parameter=symbol,
                time=moment,
                value=value,
                unit=unit or None,
                status=status,
                raw=line,
            )
        )
        parsed.line_numbers.append(line_no)
    if not parsed.readings and not parsed.problems:
        parsed.problems.append(
            Problem(0, QuarantineReason.MALFORMED, _("Tệp không có dòng số liệu nào."))
        )
    return parsed


def ingest_file(filename: str, content: bytes, *, actor: Any = None) -> FileReport:
    """Store a Circular 10 file's readings idempotently and quarantine the rest, in one
    transaction; the quarantine's origin is the file name, the audit's actor ``actor`` (who
    uploaded it; None for a watched directory)."""
    name = PurePath(filename).name
    parsed = parse(name, content)
    lines = split_lines(parsed.text)
    report = FileReport(name=name, station_code=parsed.station_code, unreadable=not parsed.readings)
    with transaction.atomic():
        if parsed.readings:
            stored = ingest(parsed.readings, source=Source.FILE, origin=name[:255], actor=actor)
            report.accepted, report.duplicates, report.stored = (
                stored.accepted,
                stored.duplicates,
                stored.stored,
            )
            report.rejected = [
                Rejection(parsed.line_numbers[r.index], r.reason, r.detail) for r in stored.rejected
            ]
        QuarantinedReading.objects.bulk_create(
            [
                QuarantinedReading(
                    station_id=parsed.station_id,
                    source=Source.FILE,
                    reason=problem.reason,
                    detail=problem.detail[:500],
                    raw=lines[problem.line_no - 1] if problem.line_no else parsed.text,
                    origin=name[:255],
                )
                for problem in parsed.problems
            ]
        )
    report.rejected = sorted(
        [Rejection(p.line_no, p.reason, p.detail) for p in parsed.problems] + report.rejected,
        key=lambda r: r.index,
    )
    return report
