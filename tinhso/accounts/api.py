"""API endpoints of the accounts app (mounted by tinhso/api.py)."""

from ninja import Router

router = Router(tags=["accounts"])
