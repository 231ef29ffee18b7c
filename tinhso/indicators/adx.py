"""IHE ADX (Aggregate Data Exchange) messages: read them into values, write values as ADX.

An ADX message groups values by data set, org unit and period::

    <adx xmlns="urn:ihe:qrph:adx:2015" exported="2025-10-05T08:00:00Z">
      <group dataSet="BC_DVC_QUY" orgUnit="07663" period="2025-07-01/P3M">
        <dataValue dataElement="WORK_ONLINE" level="commune" value="412"/>
      </group>
    </adx>

Identifiers are codes, as with ``dataValueSets?idScheme=code``. ``dataSet`` is a reporting
regime code, or ``ALL`` for "any data element"; a value whose element is not in the named
regime is a conflict. Periods are an ISO 8601 start date and duration (``P1M``, ``P3M``,
``P6M``, ``P1Y``) that must match one of our reporting periods. Disaggregations are explicit
attributes named after the element's dimensions (``level="commune"``); other attributes of the
group apply to each of its values, and a ``categoryOptionCombo`` attribute, if given, wins
(as in DHIS2). A value's ``<annotation>`` is its comment.

The XML is read with expat and refused outright if it has a document type declaration, so no
entity can be declared or expanded (the attacks defusedxml guards against).
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn
from xml.parsers import expat

from tinhso.indicators.exchange import (
    Conflict,
    PayloadError,
    RawValue,
    format_coc,
    serialise,
)
from tinhso.indicators.models import DataValue, ReportingRegime
from tinhso.indicators.periods import Period, PeriodType

NAMESPACE = "urn:ihe:qrph:adx:2015"
MEDIA_TYPE = "application/adx+xml"
MEDIA_TYPES = (MEDIA_TYPE, "application/xml")
ALL_DATA_SETS = "ALL"

_GROUP_KEYS = frozenset({"dataSet", "orgUnit", "period", "completeDate", "comment"})
_VALUE_KEYS = frozenset({"dataElement", "value", "categoryOptionCombo", "attributeOptionCombo"})
_DURATIONS = {
    "P1M": PeriodType.MONTHLY,
    "P3M": PeriodType.QUARTERLY,
    "P6M": PeriodType.SIX_MONTHLY,
    "P1Y": PeriodType.YEARLY,
    "P12M": PeriodType.YEARLY,
}
_DURATION_OF = {
    PeriodType.MONTHLY: "P1M",
    PeriodType.QUARTERLY: "P3M",
    PeriodType.SIX_MONTHLY: "P6M",
    PeriodType.YEARLY: "P1Y",
}
_ADX_PERIOD = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})/(P[0-9]+[MY])")
# Dimension names that can be written as XML attributes (ASCII NCName).
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


# -- periods ------------------------------------------------------------------------------


def period_code(text: str) -> str:
    """Return our period code for an ADX period (``2025-07-01/P3M`` → ``2025Q3``).

    Raises:
        ValueError: not ``start/duration``, an unsupported duration, or a start that is not
            the first day of a month, quarter, half-year or year.
    """
    match = _ADX_PERIOD.fullmatch(text.strip())
    period_type = _DURATIONS.get(match[2]) if match else None
    if match is None or period_type is None:
        raise ValueError(
            f"Kỳ ADX không hợp lệ: {text!r}; dùng ngày bắt đầu/độ dài P1M, P3M, P6M hoặc P1Y "
            f"(invalid ADX period {text!r}; use start/duration with P1M, P3M, P6M or P1Y)"
        )
    try:
        start = datetime.date.fromisoformat(match[1])
    except ValueError:
        start = None
    period = Period.containing(period_type, start) if start else None
    if period is None or period.start != start:
        raise ValueError(
            f"Kỳ ADX {text!r} không bắt đầu vào ngày đầu của một kỳ báo cáo "
            f"(ADX period {text!r} does not start on the first day of a reporting period)"
        )
    return period.code


def adx_period(code: str) -> str:
    """Return the ADX form of our period code (``2025Q3`` → ``2025-07-01/P3M``)."""
    period = Period.parse(code)
    return f"{period.start.isoformat()}/{_DURATION_OF[period.type]}"


# -- reading ------------------------------------------------------------------------------


@dataclass
class AdxGroup:
    """The values of one ``<group>``, with the data set (regime code) they were sent for."""

    data_set: str
    values: list[RawValue] = field(default_factory=list)


@dataclass
class AdxMessage:
    """A read ADX message: its groups and the values refused while reading."""

    groups: list[AdxGroup] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


class _ForbiddenDeclaration(Exception):
    pass


def _refuse_declaration(*args: Any) -> NoReturn:
    raise _ForbiddenDeclaration


def parse_xml(body: bytes) -> ET.Element:
    """Parse XML with expat, refusing any DOCTYPE (hence any entity declaration).

    Raises:
        PayloadError: the XML is malformed or declares a document type.
    """
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True

    def start(name: str, attributes: dict[str, str]) -> None:
        builder.start(_clark(name), {_clark(k): v for k, v in attributes.items()})

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(_clark(name))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.ExternalEntityRefHandler = _refuse_declaration
    try:
        parser.Parse(body, True)
    except _ForbiddenDeclaration:
        raise PayloadError(
            "XML không được có khai báo DOCTYPE hay thực thể (DOCTYPE and entity declarations "
            "are not allowed)"
        ) from None
    except expat.ExpatError as exc:
        raise PayloadError(f"XML không hợp lệ: {exc} (malformed XML: {exc})") from None
    return builder.close()


def _clark(name: str) -> str:
    """Expat's ``namespace local`` as ElementTree's ``{namespace}local``."""
    namespace, sep, local = name.rpartition(" ")
    return f"{{{namespace}}}{local}" if sep else name


def _dimensions(attributes: Mapping[str, str], reserved: frozenset[str]) -> dict[str, str]:
    # Namespaced attributes (xsi:schemaLocation) are not disaggregations.
    return {k: v.strip() for k, v in attributes.items() if k not in reserved and "{" not in k}


def parse(body: bytes) -> AdxMessage:
    """Read an ADX message into values grouped as sent.

    A group with an unusable period turns each of its values into a conflict, as does an
    option containing ``;`` (it could not be told apart from the next dimension).

    Raises:
        PayloadError: malformed XML, a DOCTYPE, a root other than ADX's ``adx``, or a group
            missing ``dataSet``, ``orgUnit`` or ``period``.
    """
    root = parse_xml(body)
    if root.tag != _tag("adx"):
        raise PayloadError(
            f'Phần tử gốc phải là <adx xmlns="{NAMESPACE}"> '
            f'(the root element must be <adx xmlns="{NAMESPACE}">)'
        )
    message = AdxMessage()
    for number, element in enumerate(root.iter(_tag("group")), start=1):
        missing = [key for key in ("dataSet", "orgUnit", "period") if not element.get(key)]
        if missing:
            raise PayloadError(
                f"Nhóm thứ {number} thiếu thuộc tính {', '.join(missing)} "
                f"(group {number} lacks {', '.join(missing)})"
            )
        group = AdxGroup(data_set=element.get("dataSet", "").strip())
        message.groups.append(group)
        org_unit = element.get("orgUnit", "").strip()
        shared = _dimensions(element.attrib, _GROUP_KEYS)
        try:
            period = period_code(element.get("period", ""))
        except ValueError as exc:
            period, reason = "", str(exc)
        for item in element.iter(_tag("dataValue")):
            data_element = item.get("dataElement", "").strip()
            if not period:
                message.conflicts.append(Conflict(element.get("period", ""), reason))
                continue
            dimensions = {**shared, **_dimensions(item.attrib, _VALUE_KEYS)}
            broken = sorted(name for name, option in dimensions.items() if ";" in option)
            if broken:
                message.conflicts.append(
                    Conflict(
                        f"{data_element}/{period}/{org_unit}",
                        f"Giá trị phân tổ {', '.join(broken)} không được chứa ';' "
                        f"(disaggregation {', '.join(broken)} must not contain ';')",
                    )
                )
                continue
            annotation = item.find(_tag("annotation"))
            group.values.append(
                RawValue(
                    data_element=data_element,
                    period=period,
                    org_unit=org_unit,
                    category_option_combo=(
                        item.get("categoryOptionCombo", "").strip() or format_coc(dimensions)
                    ),
                    value=item.get("value", "").strip(),
                    comment=(annotation.text or "").strip() if annotation is not None else "",
                )
            )
    return message


def accepted_values(message: AdxMessage) -> tuple[list[RawValue], list[Conflict]]:
    """Keep the values whose element belongs to their group's data set; two queries.

    ``dataSet="ALL"`` admits every element; an unknown regime code, or an element outside
    the regime's form, is a conflict.
    """
    codes = {group.data_set for group in message.groups} - {ALL_DATA_SETS}
    members: dict[str, set[str]] = {code: set() for code in codes}
    known: set[str] = set()
    if codes:
        known = set(ReportingRegime.objects.filter(code__in=codes).values_list("code", flat=True))
        pairs = ReportingRegime.data_elements.through.objects.filter(
            reportingregime__code__in=codes
        ).values_list("reportingregime__code", "dataelement__code")
        for regime, element in pairs:
            members[regime].add(element)
    values: list[RawValue] = []
    conflicts = list(message.conflicts)
    for group in message.groups:
        for raw in group.values:
            if group.data_set == ALL_DATA_SETS or raw.data_element in members[group.data_set]:
                values.append(raw)
            elif group.data_set not in known:
                conflicts.append(
                    Conflict(
                        group.data_set,
                        f"Không có chế độ báo cáo mã {group.data_set!r} "
                        f"(data set {group.data_set!r} not found)",
                    )
                )
            else:
                conflicts.append(
                    Conflict(
                        raw.data_element or group.data_set,
                        f"Phần tử {raw.data_element!r} không thuộc chế độ báo cáo "
                        f"{group.data_set} (data element {raw.data_element!r} is not in data "
                        f"set {group.data_set})",
                    )
                )
    return values, conflicts


# -- writing ------------------------------------------------------------------------------


def write(
    values: Iterable[DataValue],
    *,
    data_set_of: Mapping[str, str],
    exported: datetime.datetime,
) -> bytes:
    """Write stored values (element and unit selected) as an ADX message.

    Values are grouped by data set, unit code and period; ``data_set_of`` maps an element code
    to the regime code to send it under (``ALL`` when absent). Dimensions whose names cannot
    be XML attributes (or clash with ADX's own) go into ``categoryOptionCombo`` instead.
    """
    groups: dict[tuple[str, str, str], list[DataValue]] = {}
    for value in values:
        key = (
            data_set_of.get(value.data_element.code, ALL_DATA_SETS),
            value.unit.code,
            value.period,
        )
        groups.setdefault(key, []).append(value)
    root = ET.Element("adx", {"xmlns": NAMESPACE, "exported": exported.isoformat()})
    for data_set, org_unit, period in sorted(groups, key=_group_order):
        group = ET.SubElement(
            root,
            "group",
            {"dataSet": data_set, "orgUnit": org_unit, "period": adx_period(period)},
        )
        for value in groups[data_set, org_unit, period]:
            attributes = {"dataElement": value.data_element.code}
            dimensions = {str(k): str(v) for k, v in value.dimensions.items()}
            if all(
                _ATTRIBUTE_NAME.fullmatch(name) and name not in _VALUE_KEYS | _GROUP_KEYS
                for name in dimensions
            ):
                attributes.update(sorted(dimensions.items()))
            else:
                attributes["categoryOptionCombo"] = format_coc(dimensions)
            attributes["value"] = serialise(value)["value"]
            item = ET.SubElement(group, "dataValue", attributes)
            if value.note:
                ET.SubElement(item, "annotation").text = value.note
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _group_order(key: tuple[str, str, str]) -> tuple[str, str, datetime.date, str]:
    data_set, org_unit, period = key
    parsed = Period.parse(period)
    return data_set, org_unit, parsed.start, parsed.code


__all__ = [
    "ALL_DATA_SETS",
    "MEDIA_TYPE",
    "MEDIA_TYPES",
    "NAMESPACE",
    "AdxGroup",
    "AdxMessage",
    "accepted_values",
    "adx_period",
    "parse",
    "parse_xml",
    "period_code",
    "write",
]
