"""Personal data: the field registry, masking by category, and the registry's system check.

A model declares its personal-data fields in a class attribute::

    class User(AbstractUser):
        personal_data = {"citizen_id": PersonalDataCategory.IDENTIFIER, ...}

Readers show :func:`masked_values` unless the viewer may see the data
(``Perm.PEOPLE_VIEW_PERSONAL``) and has stated a purpose; such a read goes through
``tinhso.accounts.actions.read_personal_data``, which logs it. See ADR 0005.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from tinhso.accounts.choices import PersonalDataCategory

MASK = "*"


def personal_fields(model: type[models.Model] | models.Model) -> dict[str, PersonalDataCategory]:
    """Return the personal-data registry of ``model`` (empty if it declares none)."""
    registry: dict[str, PersonalDataCategory] = getattr(model, "personal_data", {}) or {}
    return dict(registry)


def _keep_tail(text: str, tail: int) -> str:
    """Mask all but the last ``tail`` characters (at most half of a short value stays)."""
    visible = min(tail, len(text) // 2)
    return MASK * (len(text) - visible) + text[len(text) - visible :]


def mask_identifier(value: str) -> str:
    """``001090012345`` → ``*********345``.

    Only the last 3 digits stay: a CCCD number's first six digits encode the province of birth,
    sex and year of birth (and a tax code's first digits the issuing area).
    """
    return _keep_tail(value, 3)


def mask_name(value: str) -> str:
    """``Nguyễn Văn An`` → ``N***** V** A*``."""
    return " ".join(word[:1] + MASK * (len(word) - 1) for word in value.split())


def mask_contact(value: str) -> str:
    """``0912345678`` → ``*******678``; ``an@example.vn`` → ``a*@example.vn``."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return local[:1] + MASK * max(len(local) - 1, 1) + "@" + domain
    return _keep_tail(value, 3)


def mask_address(value: str) -> str:
    """Keep only the last part: ``12 Lê Lợi, Bắc Giang, Bắc Ninh`` → ``***, Bắc Ninh``."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if len(parts) < 2:
        return MASK * 3
    return MASK * 3 + ", " + parts[-1]


def mask_birth(value: date | str) -> str:
    """Keep the year only: ``1990-05-17`` → ``**/**/1990``."""
    year = value.year if isinstance(value, date) else str(value)[:4]
    return f"**/**/{year}"


_MASKERS: dict[PersonalDataCategory, Callable[[Any], str]] = {
    PersonalDataCategory.IDENTIFIER: mask_identifier,
    PersonalDataCategory.NAME: mask_name,
    PersonalDataCategory.CONTACT: mask_contact,
    PersonalDataCategory.ADDRESS: mask_address,
    PersonalDataCategory.BIRTH: mask_birth,
}


def mask(value: Any, category: PersonalDataCategory) -> str:
    """Mask ``value`` as its category says; empty values stay empty."""
    if value in (None, ""):
        return ""
    return _MASKERS[category](value if isinstance(value, date) else str(value))


def masked_values(instance: models.Model) -> dict[str, str]:
    """Return every personal-data field of ``instance``, masked."""
    return {
        name: mask(getattr(instance, name), category)
        for name, category in personal_fields(instance).items()
    }


def plain_values(instance: models.Model) -> dict[str, Any]:
    """Return every personal-data field of ``instance`` unmasked (only after a logged read)."""
    return {name: getattr(instance, name) for name in personal_fields(instance)}


@checks.register(checks.Tags.models)
def check_personal_data_registries(**kwargs: Any) -> list[checks.CheckMessage]:
    """Every name in a model's ``personal_data`` registry must be a concrete field of it."""
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        for name, category in personal_fields(model).items():
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                errors.append(
                    checks.Error(
                        f"personal_data names {name!r}, which is not a field",
                        obj=model,
                        id="accounts.E001",
                    )
                )
            if category not in PersonalDataCategory.values:
                errors.append(
                    checks.Error(
                        f"personal_data category {category!r} of {name!r} is unknown",
                        obj=model,
                        id="accounts.E002",
                    )
                )
    return errors
