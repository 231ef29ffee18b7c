"""Placeholder: computed data elements fed to the reporting module (owned by the stats helper)."""

from __future__ import annotations


def register_computed() -> None:
    """Register the services' computed data elements (placeholder)."""
