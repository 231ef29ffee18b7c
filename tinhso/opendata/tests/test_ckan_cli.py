"""The ``ckanapi`` command line against a live server: ``dump datasets --all`` and
``search datasets`` write one JSON line per public dataset (R9, R12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tinhso.opendata.tests.test_ckan_api import Catalogue, catalogue

__all__ = ["catalogue"]  # the fixture, shared with the API tests

VENV_BIN = Path(sys.executable).parent


def ckanapi(*arguments: str) -> list[dict[str, Any]]:
    """Run the ``ckanapi`` command and return its JSON lines."""
    # The dump command spawns worker processes named ``ckanapi`` found on PATH.
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(  # noqa: S603 -- our own virtualenv's ckanapi, fixed arguments
        [str(VENV_BIN / "ckanapi"), *arguments],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_dump_datasets_all_writes_one_line_per_public_dataset(catalogue: Catalogue) -> None:
    lines = ckanapi("dump", "datasets", "--all", "-r", catalogue.url)

    assert sorted(row["name"] for row in lines) == sorted(
        [catalogue.budget.name, catalogue.population.name, catalogue.air.name]
    )
    budget = next(row for row in lines if row["name"] == catalogue.budget.name)
    assert budget["resources"][0]["format"] == "CSV"
    assert budget["organization"]["name"] == "so-khcn"


def test_search_datasets_writes_count_lines(catalogue: Catalogue) -> None:
    lines = ckanapi("search", "datasets", "-r", catalogue.url)
    filtered = ckanapi("search", "datasets", "fq=organization:so-khcn", "-r", catalogue.url)
    by_get = ckanapi("search", "datasets", "q=dong da", "-g", "-r", catalogue.url)

    assert len(lines) == 3 == len({row["id"] for row in lines})
    assert {row["name"] for row in filtered} == {catalogue.budget.name, catalogue.population.name}
    assert [row["name"] for row in by_get] == [catalogue.population.name]
