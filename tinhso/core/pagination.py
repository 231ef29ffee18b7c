"""The one list envelope of our API: ``{"items": [...], "count": N}`` with limit/offset."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 2**31 - 1
"""Beyond any list we hold; larger offsets overflow the databases' LIMIT/OFFSET (a 500)."""


class Pagination(LimitOffsetPagination):
    """django-ninja's limit/offset pagination with both parameters bounded (422 beyond)."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
