"""Keeping ingestion's and the rules' cached catalogue in step with edits."""

from __future__ import annotations

from typing import Any

from django.db import models


def cached_models() -> list[type[models.Model]]:
    """The models whose rows the caches hold."""
    from tinhso.alerts.models import Rule
    from tinhso.environment.models import Limit, LimitSet, Parameter, Station, WqiTable

    return [Station, Parameter, Limit, LimitSet, Rule, WqiTable]


def forget_caches(sender: Any, **kwargs: Any) -> None:
    """Drop the cached catalogue and rule context of this process."""
    from tinhso.environment import evaluation, ingest

    ingest.forget_catalogue()
    evaluation.forget_context()
