"""SDMX data messages of stored values: SDMX-ML 2.1 (via ``sdmx1``), SDMX-CSV 2.0 and
SDMX-JSON 1.0 (our own writers: ``sdmx1`` writes no SDMX-JSON, and its CSV has float values).

A dataflow is a reporting regime (its data elements) or ``ALL`` (every data element). Its
structure has the dimensions ``DATA_ELEMENT``, ``REF_AREA`` (the administrative unit code),
then the disaggregation dimensions of its elements in name order, then ``TIME_PERIOD`` in SDMX
notation (``2024-M01``, ``2024-Q1``, ``2024-S1``, ``2024``); the measure ``OBS_VALUE``; and
the observation attributes ``SOURCE`` (reported, computed, published, illustrative) and
``CONFIDENCE``. As every observation of a dataflow has every dimension, a value without a
disaggregation of its element is the total (``_T``) and a dimension its element does not have
is not applicable (``_Z``), the SDMX conventions.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sdmx
from django.conf import settings
from sdmx.model import common
from sdmx.model import v21 as model

from tinhso.indicators.exchange import serialise
from tinhso.indicators.models import DataElement, DataValue
from tinhso.indicators.periods import Period, PeriodType

ALL_FLOW = "ALL"
VERSION = "1.0"
TOTAL = "_T"
NOT_APPLICABLE = "_Z"
FIXED_DIMENSIONS = ("DATA_ELEMENT", "REF_AREA")
TIME_DIMENSION = "TIME_PERIOD"
ATTRIBUTES = ("SOURCE", "CONFIDENCE")
MEDIA_TYPES = {
    "sdmx-ml": "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
    "sdmx-csv": "application/vnd.sdmx.data+csv;version=2.0.0",
    "sdmx-json": "application/vnd.sdmx.data+json;version=1.0.0",
}
_SDMX_PERIOD = {
    PeriodType.MONTHLY: "{year:04d}-M{index:02d}",
    PeriodType.QUARTERLY: "{year:04d}-Q{index}",
    PeriodType.SIX_MONTHLY: "{year:04d}-S{index}",
    PeriodType.YEARLY: "{year:04d}",
}


def agency_id() -> str:
    """Return the SDMX agency id of this installation (``TINHSO_24`` for province 24)."""
    return f"TINHSO_{settings.TINHSO_PROVINCE_CODE}"


def time_period(code: str) -> str:
    """Return our period code in SDMX notation (``202401`` → ``2024-M01``)."""
    period = Period.parse(code)
    return _SDMX_PERIOD[period.type].format(year=period.year, index=period.index)


@dataclass(frozen=True)
class Observation:
    """One value as an SDMX observation: its key (dimension id → value) and attributes."""

    key: dict[str, str]
    value: str
    source: str
    confidence: str


@dataclass(frozen=True)
class Cube:
    """The observations of one dataflow with the dimensions (in order) they are keyed by."""

    flow: str
    name: str
    dimensions: tuple[str, ...]
    observations: tuple[Observation, ...]


def dimensions_of(
    elements: Iterable[DataElement], values: Iterable[DataValue] = ()
) -> tuple[str, ...]:
    """Return the dataflow's dimension ids, ``TIME_PERIOD`` last.

    The disaggregations are those of its data elements, and of ``values`` too: a value kept
    from before its element lost a dimension must not collide with the total.
    """
    names = {str(name) for element in elements for name in element.dimensions}
    names |= {str(name) for value in values for name in value.dimensions}
    return (*FIXED_DIMENSIONS, *sorted(names), TIME_DIMENSION)


def build(
    flow: str, name: str, elements: Sequence[DataElement], values: Iterable[DataValue]
) -> Cube:
    """Key stored values (element and unit selected) by the dataflow's dimensions."""
    values = list(values)
    dimensions = dimensions_of(elements, values)
    disaggregations = dimensions[len(FIXED_DIMENSIONS) : -1]
    observations = []
    for value in values:
        own = set(value.data_element.dimensions)
        key = {"DATA_ELEMENT": value.data_element.code, "REF_AREA": value.unit.code}
        for dimension in disaggregations:
            if dimension in value.dimensions:
                key[dimension] = str(value.dimensions[dimension])
            else:
                key[dimension] = TOTAL if dimension in own else NOT_APPLICABLE
        key[TIME_DIMENSION] = time_period(value.period)
        observations.append(
            Observation(
                key=key,
                value=serialise(value)["value"],
                source=value.source,
                confidence=value.confidence,
            )
        )
    return Cube(flow, name, dimensions, tuple(observations))


def _number(text: str) -> int | float:
    """The value as a JSON number: an integer when whole."""
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


# -- SDMX-ML and SDMX-CSV through sdmx1 -----------------------------------------------------


def data_structure(cube: Cube) -> model.DataStructureDefinition:
    """Return the sdmx1 data structure definition of a cube's dataflow (``DSD_<flow>``)."""
    agency = common.Agency(id=agency_id())
    dsd = model.DataStructureDefinition(id=f"DSD_{cube.flow}", maintainer=agency, version=VERSION)
    for order, dimension in enumerate(cube.dimensions):
        kind = model.TimeDimension if dimension == TIME_DIMENSION else model.Dimension
        dsd.dimensions.append(kind(id=dimension, order=order))
    dsd.measures.append(model.PrimaryMeasure(id="OBS_VALUE"))
    for attribute in ATTRIBUTES:
        dsd.attributes.append(
            model.DataAttribute(id=attribute, related_to=model.PrimaryMeasureRelationship())
        )
    return dsd


def _data_set(cube: Cube) -> tuple[model.StructureSpecificDataSet, model.DataflowDefinition]:
    dsd = data_structure(cube)
    flow = model.DataflowDefinition(
        id=cube.flow, maintainer=dsd.maintainer, version=VERSION, structure=dsd
    )
    flow.name = cube.name
    data_set = model.StructureSpecificDataSet(structured_by=dsd, described_by=flow)
    source, confidence = (dsd.attributes.get(a) for a in ATTRIBUTES)
    measure = dsd.measures[0]
    for item in cube.observations:
        attached = {"SOURCE": common.AttributeValue(value=item.source, value_for=source)}
        if item.confidence:
            attached["CONFIDENCE"] = common.AttributeValue(
                value=item.confidence, value_for=confidence
            )
        data_set.obs.append(
            model.Observation(
                dimension=dsd.make_key(common.Key, item.key),
                value=item.value,
                value_for=measure,
                attached_attribute=attached,
            )
        )
    return data_set, flow


def to_sdmx_ml(cube: Cube, *, message_id: str, prepared: datetime.datetime) -> bytes:
    """Write a cube as an SDMX-ML 2.1 structure-specific data message."""
    data_set, flow = _data_set(cube)
    header = sdmx.message.Header(
        id=message_id, prepared=prepared, sender=common.Agency(id=agency_id())
    )
    message = sdmx.message.DataMessage(data=[data_set], dataflow=flow, header=header)
    xml: bytes = sdmx.to_xml(message, pretty_print=True)
    return xml


def to_sdmx_csv(cube: Cube) -> str:
    """Write a cube as SDMX-CSV 2.0: ``STRUCTURE,STRUCTURE_ID,ACTION,<dimensions>,OBS_VALUE,
    SOURCE,CONFIDENCE``, one row per observation, values exactly as stored.

    Ours rather than ``sdmx1``'s writer, which goes through pandas and turns ``412`` into
    ``412.0`` (and decimals into binary floats).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["STRUCTURE", "STRUCTURE_ID", "ACTION", *cube.dimensions, "OBS_VALUE", *ATTRIBUTES]
    )
    structure_id = f"{agency_id()}:{cube.flow}({VERSION})"
    for item in cube.observations:
        writer.writerow(
            [
                "dataflow",
                structure_id,
                "I",
                *(item.key[d] for d in cube.dimensions),
                item.value,
                item.source,
                item.confidence,
            ]
        )
    return out.getvalue()


# -- SDMX-JSON 1.0 ------------------------------------------------------------------------


def to_sdmx_json(cube: Cube, *, message_id: str, prepared: datetime.datetime) -> dict[str, Any]:
    """Write a cube as an SDMX-JSON 1.0 data message, all dimensions at observation level.

    Each dimension and attribute lists its values once; an observation's key is the index of
    its value in each dimension, joined with ``:``, and its array holds the value then the
    index of each attribute value (``null`` when it has none).
    """
    dimension_values: dict[str, list[str]] = {d: [] for d in cube.dimensions}
    dimension_index: dict[str, dict[str, int]] = {d: {} for d in cube.dimensions}
    attribute_values: dict[str, list[str]] = {a: [] for a in ATTRIBUTES}
    attribute_index: dict[str, dict[str, int]] = {a: {} for a in ATTRIBUTES}

    def index_of(values: list[str], index: dict[str, int], item: str) -> int:
        if item not in index:
            index[item] = len(values)
            values.append(item)
        return index[item]

    observations: dict[str, list[Any]] = {}
    for item in cube.observations:
        key = ":".join(
            str(index_of(dimension_values[d], dimension_index[d], item.key[d]))
            for d in cube.dimensions
        )
        attached: list[Any] = []
        for attribute, text in zip(ATTRIBUTES, (item.source, item.confidence), strict=True):
            attached.append(
                index_of(attribute_values[attribute], attribute_index[attribute], text)
                if text
                else None
            )
        observations[key] = [_number(item.value), *attached]
    return {
        "header": {
            "id": message_id,
            "test": False,
            "prepared": prepared.isoformat(),
            "sender": {"id": agency_id()},
        },
        "dataSets": [{"action": "Information", "observations": observations}],
        "structure": {
            "name": cube.name,
            "dimensions": {
                "dataSet": [],
                "series": [],
                "observation": [
                    {
                        "id": dimension,
                        "name": dimension,
                        "keyPosition": position,
                        "role": "time" if dimension == TIME_DIMENSION else None,
                        "values": [{"id": v, "name": v} for v in dimension_values[dimension]],
                    }
                    for position, dimension in enumerate(cube.dimensions)
                ],
            },
            "attributes": {
                "dataSet": [],
                "series": [],
                "observation": [
                    {
                        "id": attribute,
                        "name": attribute,
                        "values": [{"id": v, "name": v} for v in attribute_values[attribute]],
                    }
                    for attribute in ATTRIBUTES
                ],
            },
        },
    }


__all__ = [
    "ALL_FLOW",
    "ATTRIBUTES",
    "MEDIA_TYPES",
    "NOT_APPLICABLE",
    "TOTAL",
    "Cube",
    "Observation",
    "agency_id",
    "build",
    "data_structure",
    "dimensions_of",
    "time_period",
    "to_sdmx_csv",
    "to_sdmx_json",
    "to_sdmx_ml",
]
