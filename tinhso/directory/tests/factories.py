"""Factories of directory objects; every object is created through ``actions.py``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from tinhso.directory import actions
from tinhso.directory.choices import AgencyKind, SuccessionKind, UnitLevel, UnitType
from tinhso.directory.models import AdministrativeUnit, Agency, AgencyCode, UnitSuccession


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    """A commune valid from 01/07/2025 with a code outside the real 5-digit range used."""

    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"99{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    type = UnitType.XA
    level = UnitLevel.COMMUNE
    valid_from = datetime.date(2025, 7, 1)
    valid_to = None
    parent = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        return actions.create_unit(actor=None, **kwargs)


class UnitSuccessionFactory(factory.django.DjangoModelFactory):
    """A whole-unit merge of ``predecessor`` into ``successor``."""

    class Meta:
        model = UnitSuccession

    predecessor = factory.SubFactory(
        AdministrativeUnitFactory,
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    successor = factory.SubFactory(AdministrativeUnitFactory)
    effective_date = datetime.date(2025, 7, 1)
    kind = SuccessionKind.MERGE
    weight = Decimal(1)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        predecessor = kwargs.pop("predecessor")
        successor = kwargs.pop("successor")
        return actions.link_units(predecessor, successor, actor=None, **kwargs)


class AgencyFactory(factory.django.DjangoModelFactory):
    """An agency of the unit given (a fresh commune by default)."""

    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Thử Nghiệm {n}")
    kind = AgencyKind.UBND_XA
    unit = factory.SubFactory(AdministrativeUnitFactory)
    valid_from = factory.LazyAttribute(lambda agency: agency.unit.valid_from)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        return actions.save_agency(actor=None, **kwargs)


class AgencyCodeFactory(factory.django.DjangoModelFactory):
    """An unverified identifier code of an agency."""

    class Meta:
        model = AgencyCode

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"{n % 1000:03d}.00.00.Z97")
    valid_from = factory.LazyAttribute(lambda record: record.agency.valid_from)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        agency = kwargs.pop("agency")
        return actions.save_agency_code(agency, actor=None, **kwargs)
