"""Placeholder: the services demo loader (owned by the demo helper)."""

from __future__ import annotations

from typing import TextIO


def load_demo(stdout: TextIO | None = None) -> None:
    """Load the procedure catalogue and a year of dossiers (placeholder)."""
