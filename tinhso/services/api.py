"""Placeholder: the services API router (owned by the API helper)."""

from ninja import Router

router = Router(tags=["services"])
