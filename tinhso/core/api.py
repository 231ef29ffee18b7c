"""API endpoints of the core app (mounted by tinhso/api.py)."""

from ninja import Router

router = Router(tags=["core"])
