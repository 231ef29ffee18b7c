"""Benchmark the reporting app on millions of data values, beside DuckDB on the same data.

Measures, in one run on a throwaway database loaded with the Bắc Giang → Bắc Ninh transition
(old communes until 30/06/2025, new ones after, with their succession links):

* (a) bulk import through the ``dataValueSets`` path — ``exchange.parse_csv`` →
  ``exchange.check`` → ``actions.import_values``, the code behind
  ``POST /api/v1/indicators/dataValueSets`` — in values/s per batch size; DuckDB loads the same
  CSV rows (codes resolved to ids by joins) into a table with the same unique key;
* (b) one ratio indicator for the province and every current commune over 60 months, restated
  to current boundaries by ``Aggregator(view="restated")`` (p50/p95 over ``--runs``); DuckDB
  answers the same question with one SQL query over the values joined to a unit → current-unit
  weight table;
* (c) the time from a commune's monthly report arriving (dataValueSets) and being submitted —
  the regime has no approval level, so submitting accepts it — to the province total
  reflecting it, read with a fresh ``Aggregator``.

Data: five years of months (07/2021–06/2026), every commune valid in each month (192 old
communes until 06/2025, whose validity the bench takes back from 04/01/2025 to 07/2021, then
the 99 new ones), elements with 0–3 dimensions (sex × area × channel: 8, 4, 2 or 1 cells),
values from a seeded RNG. The number of elements is chosen to reach ``--values`` (256 for
10M).

Usage::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/reporting.py --values 10000000   # PostgreSQL, a new database
    env -u DATABASE_URL .venv/bin/python bench/reporting.py  # SQLite in a temp dir, 300,000

With a PostgreSQL URL the bench creates a database named ``tinhso_bench_reporting_<pid>`` on
that server and drops it at the end, with its temporary directory (unless ``--keep``).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIRST_MONTH = (2021, 7)
MONTHS = 60
AS_OF = datetime.date(2026, 7, 1)
LATENCY_PERIOD = "202607"  # after the bench's 60 months: only the latency runs write it
DIMENSIONS = (("sex", ("nam", "nu")), ("area", ("thanhthi", "nongthon")), ("channel", ("tt", "tn")))
SEED = 2021


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--values", type=int, default=300_000, help="data values to generate")
    parser.add_argument("--batch", type=int, default=50_000, help="values per import request")
    parser.add_argument(
        "--batch-sizes",
        default="1000,10000",
        help="smaller request sizes timed first, 5 requests each (comma-separated)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="concurrent requests for part of the load"
    )
    parser.add_argument(
        "--concurrent",
        type=int,
        default=1_000_000,
        help="values imported --workers requests at a time (in requests of --batch)",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs of the indicator (b)")
    parser.add_argument("--latency-runs", type=int, default=30, help="timed runs of (c)")
    parser.add_argument("--no-duckdb", action="store_true", help="skip the DuckDB baseline")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    return parser.parse_args(argv)


def prepare_database(workdir: Path) -> tuple[str, Callable[[], None]]:
    """Point DATABASE_URL at a new throwaway database; return its kind and a cleanup."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg
        from dj_database_url import parse

        admin = parse(url)
        conninfo: dict[str, Any] = {
            "host": admin["HOST"] or "127.0.0.1",
            "port": admin["PORT"] or 5432,
            "user": admin["USER"],
            "password": admin["PASSWORD"] or None,
            "dbname": admin["NAME"],
        }
        name = f"tinhso_bench_reporting_{os.getpid()}"
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name

        def drop() -> None:
            with psycopg.connect(**conninfo, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name}")

        return "postgresql", drop
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    return "sqlite", lambda: None


# -- data ------------------------------------------------------------------------------------


def month_codes() -> list[str]:
    """The bench's 60 month codes, 202107 to 202606."""
    year, month = FIRST_MONTH
    codes = []
    for _ in range(MONTHS):
        codes.append(f"{year}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return codes


def element_dimensions(index: int) -> list[str]:
    """Dimensions of the ``index``-th element: 3, 2, 1, 0 in turn (so 8, 4, 2, 1 cells)."""
    return [name for name, _options in DIMENSIONS[: 3 - index % 4]]


def combos(dimensions: Sequence[str]) -> list[str]:
    """Every categoryOptionCombo of an element with ``dimensions`` (``default`` for none)."""
    if not dimensions:
        return ["default"]
    options = [dict(DIMENSIONS)[name] for name in dimensions]
    return [
        ";".join(f"{name}={option}" for name, option in zip(dimensions, chosen, strict=True))
        for chosen in itertools.product(*options)
    ]


def cells_per_unit_month(elements: int) -> int:
    """Values in one unit's monthly report when there are ``elements`` elements."""
    return sum(len(combos(element_dimensions(i))) for i in range(elements))


def element_count(values: int, unit_months: int) -> int:
    """How many elements reach about ``values`` values over ``unit_months`` reports (≥ 2)."""
    per_element = unit_months * 15 / 4  # 8, 4, 2, 1 cells in turn
    return max(2, round(values / per_element))


def element_code(index: int) -> str:
    return f"BENCH_E{index + 1:03d}"


@dataclass(frozen=True)
class Report:
    """One unit's monthly report as DHIS2 CSV lines (no header)."""

    unit_code: str
    period: str
    lines: list[str]


def reports(
    reporters: Sequence[tuple[str, Sequence[str]]], elements: int, seed: int = SEED
) -> Iterator[Report]:
    """Every (period, unit) report in order, each with every element and cell.

    ``reporters`` pairs each month code with the unit codes reporting that month. Values are
    integers from 20 to 519 drawn from a RNG seeded with ``seed``.
    """
    rng = random.Random(seed)
    cells = [(element_code(i), combos(element_dimensions(i))) for i in range(elements)]
    for period, units in reporters:
        for unit_code in units:
            lines = []
            for code, options in cells:
                for coc in options:
                    value = int(rng.random() * 500) + 20
                    lines.append(f"{code},{period},{unit_code},{coc},default,{value}")
            yield Report(unit_code, period, lines)


HEADER = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Return (p50, p95) of ``samples`` in milliseconds (samples are seconds)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def fmt(pair: tuple[float, float] | None) -> str:
    return "—" if pair is None else f"{pair[0]:.1f} / {pair[1]:.1f}"


# -- the bench -------------------------------------------------------------------------------


def setup_django(workdir: Path) -> None:
    os.environ["TINHSO_DATA_DIR"] = str(workdir)
    (workdir / "static").mkdir(exist_ok=True)
    os.environ["TINHSO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def database_label(kind: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if kind == "postgresql":
            cursor.execute(
                "SELECT version(), current_setting('shared_buffers'), "
                "current_setting('synchronous_commit')"
            )
            version, buffers, sync = cursor.fetchone()
            return (
                f"{version.split(' on ')[0]} (shared_buffers={buffers}, synchronous_commit={sync})"
            )
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def load_world() -> dict[str, Any]:
    """Load the transition's units, a bench indicator's elements and a province-wide importer."""
    from tinhso.accounts.choices import Role, ScopeKind, UserKind
    from tinhso.accounts.models import RoleAssignment, User
    from tinhso.directory import loaders
    from tinhso.directory.models import AdministrativeUnit
    from tinhso.directory.queries import units_on

    loaders.apply(loaders.bac_giang_transition_plan(coordinates=False), source="bench")
    # Our source vouches for the old districts and communes only from 04/01/2025; the bench
    # takes them back to its first month so that five years have reporters (bench data only).
    AdministrativeUnit.objects.filter(valid_from=loaders.OLD_FROM).update(
        valid_from=datetime.date(*FIRST_MONTH, 1)
    )
    user = User.objects.create(username="bench-importer", kind=UserKind.OFFICER)
    RoleAssignment.objects.create(
        user=user,
        role=Role.DATA_OFFICER,
        scope_kind=ScopeKind.PROVINCE,
        valid_from=datetime.date(2000, 1, 1),
    )
    reporters = []
    for code in month_codes():
        end = _month_end(code)
        province = units_on(end).get(code="24", level=1)
        communes = units_on(end).filter(level=3, parent__parent=province) | units_on(end).filter(
            level=3, parent=province
        )
        reporters.append((code, sorted(set(communes.values_list("code", flat=True)))))
    return {"user": user, "reporters": reporters}


def _month_end(code: str) -> datetime.date:
    year, month = int(code[:4]), int(code[4:])
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def create_elements(count: int) -> Any:
    """Create the bench's data elements and the share indicator over the first two."""
    from tinhso.indicators.models import DataElement, Indicator

    DataElement.objects.bulk_create(
        DataElement(
            code=element_code(i),
            name=f"Phần tử thử {i + 1}",
            value_type="integer",
            aggregation_time="sum",
            aggregation_space="sum",
            dimensions=element_dimensions(i),
        )
        for i in range(count)
    )
    return Indicator.objects.create(
        code="BENCH_SHARE",
        name="Tỷ lệ thử (bench)",
        numerator=f"#{{{element_code(0)}}}",
        denominator=f"#{{{element_code(1)}}}",
        factor=100,
        unit_of_measure="%",
    )


def import_batch(text: str, user: Any, *, json_body: bool = False) -> int:
    """One dataValueSets request body, handled as the endpoint does; return the values written."""
    from tinhso.indicators import actions, exchange

    received = exchange.parse_json(json.loads(text)) if json_body else exchange.parse_csv(text)
    checked = exchange.check(received, user=user)
    assert not checked.conflicts, checked.conflicts[:3]
    result = actions.import_values(checked.rows, actor=user)
    return result.imported + result.updated


def as_json(lines: list[str]) -> str:
    """The same values as a DXF2 JSON body."""
    names = ("dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo")
    values = []
    for line in lines:
        *keys, value = line.split(",")
        values.append({**dict(zip(names, keys, strict=True)), "value": value})
    return json.dumps({"dataValues": values})


def threaded_import(text: str, user: Any) -> int:
    """:func:`import_batch` in a worker thread, on that thread's own connection."""
    from django.db import connection

    try:
        return import_batch(text, user)
    finally:
        connection.close()


def bench_import(
    args: argparse.Namespace, world: dict[str, Any], elements: int, csv_path: Path
) -> tuple[int, dict[str, float], float]:
    """(a): import every value, writing the same rows to ``csv_path``.

    The first requests are smaller (``--batch-sizes``, 5 each), then come 5 JSON requests of
    10,000, then ``--concurrent`` values in requests of ``--batch`` sent ``--workers`` at a
    time (timed by the clock on the wall), then the rest in requests of ``--batch``. Returns
    the count, values/s per kind of request and the seconds spent importing.
    """
    steps = [
        (f"CSV, requests of {int(size):,}", int(size))
        for size in args.batch_sizes.split(",")
        if size.strip()
        for _ in range(5)
    ]
    steps += [("JSON, requests of 10,000", 10_000)] * 5
    together = f"CSV, requests of {args.batch:,}, {args.workers} at a time"
    if args.workers > 1:
        steps += [(together, args.batch)] * (args.concurrent // args.batch)
    kinds = itertools.chain(
        steps, itertools.repeat((f"CSV, requests of {args.batch:,}", args.batch))
    )
    per_kind: dict[str, tuple[int, float]] = {}
    lines = (line for report in reports(world["reporters"], elements) for line in report.lines)
    done = 0
    total = 0.0
    pool = ThreadPoolExecutor(max_workers=max(args.workers, 1))
    pending: list[tuple[Future[int], int]] = []
    started = 0.0

    def settle() -> None:
        nonlocal total
        for future, count in pending:
            assert future.result() == count
        seconds = time.perf_counter() - started
        per_kind[together] = (sum(count for _f, count in pending), seconds)
        total += seconds
        pending.clear()

    with csv_path.open("w", encoding="utf-8") as sink:
        sink.write(HEADER + "\n")
        for kind, size in kinds:
            chunk = list(itertools.islice(lines, size))
            if pending and (kind != together or not chunk):
                settle()
            if not chunk:
                break
            body = "\n".join(chunk) + "\n"
            sink.write(body)
            done += len(chunk)
            if kind == together:
                if not pending:
                    started = time.perf_counter()
                text = HEADER + "\n" + body
                pending.append((pool.submit(threaded_import, text, world["user"]), len(chunk)))
                continue
            is_json = kind.startswith("JSON")
            text = as_json(chunk) if is_json else HEADER + "\n" + body
            began = time.perf_counter()
            written = import_batch(text, world["user"], json_body=is_json)
            seconds = time.perf_counter() - began
            assert written == len(chunk), (written, len(chunk))
            count, spent = per_kind.get(kind, (0, 0.0))
            per_kind[kind] = (count + len(chunk), spent + seconds)
            total += seconds
            print(f"  imported {done:,} ({done / total:,.0f}/s)", end="\r", flush=True)
    pool.shutdown()
    print()
    return done, {kind: count / spent for kind, (count, spent) in per_kind.items()}, total


def current_targets() -> tuple[Any, list[Any]]:
    """The current province (24) and its communes on the bench's as-of date."""
    from tinhso.directory.queries import descendants, units_on

    province = units_on(AS_OF).get(code="24", level=1)
    return province, [province, *descendants(province, AS_OF)]


def bench_indicator(indicator: Any, runs: int) -> tuple[list[float], dict[tuple[int, str], float]]:
    """(b): the indicator for every current unit and month, restated; per-run seconds."""
    from tinhso.indicators.aggregation import Aggregator
    from tinhso.indicators.periods import Period

    province, units = current_targets()
    periods = [Period.parse(code) for code in month_codes()]
    samples = []
    result: dict[tuple[int, str], float] = {}
    for _ in range(runs):
        began = time.perf_counter()
        aggregator = Aggregator(
            [province], periods, indicators=[indicator], view="restated", as_of=AS_OF
        )
        values = {
            (unit.pk, period.code): aggregator.indicator_value(indicator, unit, period)
            for unit in units
            for period in periods
        }
        samples.append(time.perf_counter() - began)
        result = {key: value for key, value in values.items() if value is not None}
    return samples, result


def bench_regime() -> Any:
    """A monthly regime over every bench element, with no approval level: a report is accepted
    when it is submitted (its validation, outlier flags and completeness refresh included)."""
    from tinhso.indicators.models import DataElement, ReportingRegime

    regime, _created = ReportingRegime.objects.get_or_create(
        code="BENCH-M",
        defaults={"name": "Bench", "period_type": "Monthly", "deadline_days": 30},
    )
    regime.data_elements.set(DataElement.objects.filter(code__startswith="BENCH_E"))
    return regime


def accept_report(lines: list[str], user: Any, regime: Any, commune: Any) -> None:
    """One commune's monthly report: its values arrive (dataValueSets), then it is submitted."""
    from tinhso.indicators import actions

    import_batch(HEADER + "\n" + "\n".join(lines) + "\n", user)
    report = actions.report_for(regime, commune, LATENCY_PERIOD, actor=user)
    actions.submit_report(report, actor=user)


def bench_latency(world: dict[str, Any], elements: int, runs: int) -> tuple[list[float], ...]:
    """(c): a commune's report arrives and is submitted, then the restated province total is
    read; per-run times. Each run is another commune (a submitted report is locked)."""
    from tinhso.indicators.aggregation import Aggregator
    from tinhso.indicators.periods import Period

    province, units = current_targets()
    period = Period.parse(LATENCY_PERIOD)
    regime = bench_regime()
    code = element_code(0)
    accept, read, both = [], [], []
    expected = 0
    communes = [unit for unit in units if unit.level == 3]
    for run in range(runs):
        commune = communes[run % len(communes)]
        report = next(reports([(LATENCY_PERIOD, [commune.code])], elements, seed=SEED + run))
        expected += sum(
            int(line.rsplit(",", 1)[1]) for line in report.lines if line.startswith(code + ",")
        )
        began = time.perf_counter()
        accept_report(report.lines, world["user"], regime, commune)
        accepted = time.perf_counter()
        total = Aggregator([province], [period], [code], view="restated", as_of=AS_OF).value(
            code, province, period
        )
        ended = time.perf_counter()
        assert total == expected, (total, expected)
        accept.append(accepted - began)
        read.append(ended - accepted)
        both.append(ended - began)
    return accept, read, both


# -- DuckDB ----------------------------------------------------------------------------------


def duckdb_load(path: Path, csv_path: Path) -> tuple[Any, float]:
    """Load the same CSV into DuckDB, resolving codes to our ids; return the connection, time."""
    import duckdb

    from tinhso.directory.models import AdministrativeUnit
    from tinhso.indicators.models import DataElement

    db = duckdb.connect(str(path))
    db.execute("CREATE TABLE element (id INTEGER, code VARCHAR)")
    db.executemany(
        "INSERT INTO element VALUES (?, ?)", list(DataElement.objects.values_list("id", "code"))
    )
    db.execute("CREATE TABLE unit (id INTEGER, code VARCHAR, valid_from DATE, valid_to DATE)")
    db.executemany(
        "INSERT INTO unit VALUES (?, ?, ?, ?)",
        list(AdministrativeUnit.objects.values_list("id", "code", "valid_from", "valid_to")),
    )
    db.execute(
        "CREATE TABLE data_value (data_element_id INTEGER, unit_id INTEGER, period VARCHAR, "
        "dimension_key VARCHAR, value DECIMAL(20, 6), "
        "PRIMARY KEY (data_element_id, unit_id, period, dimension_key))"
    )
    began = time.perf_counter()
    db.execute(
        """
        INSERT INTO data_value
        SELECT e.id, u.id, c.period, c.categoryoptioncombo, c.value
        FROM read_csv(?, header = true, all_varchar = true) AS c
        JOIN element e ON e.code = c.dataelement
        JOIN unit u ON u.code = c.orgunit
            AND u.valid_from <= last_day(strptime(c.period || '01', '%Y%m%d'))
            AND coalesce(u.valid_to, DATE '9999-12-31')
                >= last_day(strptime(c.period || '01', '%Y%m%d'))
        """,
        [str(csv_path)],
    )
    return db, time.perf_counter() - began


def weight_rows(province: Any, units: list[Any]) -> list[tuple[int, int, float]]:
    """(origin unit, current unit, weight): how much of each unit's values each target gets."""
    from tinhso.directory.models import UnitSuccession
    from tinhso.directory.queries import current_successors_of

    related: set[int] = {unit.pk for unit in units}
    frontier = set(related)
    while frontier:
        older = set(
            UnitSuccession.objects.filter(successor_id__in=frontier).values_list(
                "predecessor_id", flat=True
            )
        )
        frontier = older - related
        related |= frontier
    rows = []
    current = {unit.pk for unit in units}
    for origin, successors in current_successors_of(related, AS_OF).items():
        to_province = 0.0
        for successor in successors:
            if successor.unit.pk in current:
                if successor.unit.pk != province.pk:
                    rows.append((origin, successor.unit.pk, float(successor.weight)))
                to_province += float(successor.weight)
        if to_province:
            rows.append((origin, province.pk, to_province))
    return rows


def duckdb_indicator(
    db: Any, indicator_elements: tuple[int, int], runs: int
) -> tuple[list[float], dict[tuple[int, str], float]]:
    """(b) in DuckDB: one query, values joined to the weights and grouped by unit and month."""
    numerator, denominator = indicator_elements
    months = month_codes()
    query = """
        SELECT w.target_id, v.period,
               100 * sum(v.value * w.weight) FILTER (WHERE v.data_element_id = $num)
                   / sum(v.value * w.weight) FILTER (WHERE v.data_element_id = $den)
        FROM data_value v JOIN weight w ON w.origin_id = v.unit_id
        WHERE v.data_element_id IN ($num, $den) AND v.period IN (SELECT unnest($months))
        GROUP BY ALL
    """
    params = {"num": numerator, "den": denominator, "months": months}
    samples = []
    rows: list[tuple[int, str, float]] = []
    for _ in range(runs):
        began = time.perf_counter()
        rows = db.execute(query, params).fetchall()
        samples.append(time.perf_counter() - began)
    return samples, {
        (unit, period): float(value) for unit, period, value in rows if value is not None
    }


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="tinhso-bench-"))
    kind, cleanup = prepare_database(workdir)
    setup_django(workdir)
    try:
        run(args, kind, workdir)
    finally:
        from django.db import connection

        connection.close()
        if not args.keep:
            cleanup()
            shutil.rmtree(workdir)  # the CSV of a 10M run is some 600 MB


def run(args: argparse.Namespace, kind: str, workdir: Path) -> None:
    from django.core.management import call_command
    from django.db import connection

    from tinhso.indicators.models import DataElement

    wall = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = load_world()
    unit_months = sum(len(units) for _code, units in world["reporters"])
    elements = element_count(args.values, unit_months)
    indicator = create_elements(elements)
    expected = unit_months * cells_per_unit_month(elements)
    print(
        f"tinhso reporting bench: {expected:,} values ({elements} elements × "
        f"{unit_months:,} unit-months), {database_label(kind)}"
    )
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, load average {load()}"
    )

    csv_path = workdir / "values.csv"
    count, rates, import_seconds = bench_import(args, world, elements, csv_path)
    assert count == expected, (count, expected)
    if kind == "postgresql":
        # What autovacuum does after a bulk load: statistics, and the visibility map that
        # lets aggregation read the covering index alone (an index-only scan).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"(a) imported {count:,} values in {import_seconds:.1f} s")

    samples, ours = bench_indicator(indicator, args.runs)
    print(f"(b) {len(ours):,} indicator values per run")
    accept, read, both = bench_latency(world, elements, args.latency_runs)

    results: dict[str, dict[str, str]] = {}
    for request, rate in rates.items():
        results[f"(a) import values/s, {request}"] = {"tinhso": f"{rate:,.0f}"}
    results["(a) import values/s, whole load"] = {"tinhso": f"{count / import_seconds:,.0f}"}
    indicator_metric = (
        f"(b) indicator, {len(current_targets()[1])} units × {MONTHS} months restated, "
        "p50 / p95 (ms)"
    )
    results[indicator_metric] = {"tinhso": fmt(percentiles(samples))}
    results["(c) import and submit a report, p50 / p95 (ms)"] = {"tinhso": fmt(percentiles(accept))}
    results["(c) read the province total, p50 / p95 (ms)"] = {"tinhso": fmt(percentiles(read))}
    results["(c) submitted report → province total, p50 / p95 (ms)"] = {
        "tinhso": fmt(percentiles(both))
    }

    if not args.no_duckdb:
        db, load_seconds = duckdb_load(workdir / "bench.duckdb", csv_path)
        loaded = db.execute("SELECT count(*) FROM data_value").fetchone()[0]
        assert loaded == count, (loaded, count)
        results["(a) import values/s, whole load"]["duckdb"] = f"{count / load_seconds:,.0f}"
        province, units = current_targets()
        db.execute("CREATE TABLE weight (origin_id INTEGER, target_id INTEGER, weight DOUBLE)")
        db.executemany("INSERT INTO weight VALUES (?, ?, ?)", weight_rows(province, units))
        ids = dict(DataElement.objects.values_list("code", "id"))
        duck_samples, theirs = duckdb_indicator(
            db, (ids[element_code(0)], ids[element_code(1)]), args.runs
        )
        results[indicator_metric]["duckdb"] = fmt(percentiles(duck_samples))
        differ = [
            key
            for key in set(ours) | set(theirs)
            if key not in ours
            or key not in theirs
            or not math.isclose(ours[key], theirs[key], rel_tol=1e-9)
        ]
        print(f"DuckDB agrees on {len(theirs) - len(differ):,} of {len(ours):,} indicator values")
        db.close()

    label = f"tinhso {kind}"
    print()
    print(f"| metric ({count:,} values) | {label} | DuckDB {duckdb_version()} |")
    print("|---|---|---|")
    for metric, values in results.items():
        print(f"| {metric} | {values.get('tinhso', '—')} | {values.get('duckdb', '—')} |")
    print(f"\nwhole run: {time.perf_counter() - wall:.0f} s, load average now {load()}")


def load() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews the figures."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def duckdb_version() -> str:
    try:
        import duckdb
    except ImportError:
        return ""
    return duckdb.__version__


if __name__ == "__main__":
    main()
