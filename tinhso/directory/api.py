"""API endpoints of the directory app (mounted by tinhso/api.py)."""

from ninja import Router

router = Router(tags=["directory"])
