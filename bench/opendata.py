"""Benchmark the open data portal's CKAN API under gunicorn on PostgreSQL, beside a static file.

In one run, on a throwaway database loaded with the Bắc Giang → Bắc Ninh units, the demo
agencies (one publishing organisation each) and ``--datasets`` datasets (2,000) created through
the actions (so each is indexed for search as in production), plus one dataset whose CSV
resource of ``--rows`` rows (1,000,000) is loaded through the real datastore loader (its load
time is reported), the bench starts ``gunicorn tinhso.wsgi`` with ``--workers`` sync workers
(2) — what ``tinhso serve`` runs — and drives it from ``wrk`` on loopback at each of
``--clients`` (1 and 50 connections):

* the static-file baseline: ``/static/tinhso/site.css`` through WhiteNoise, same server;
* ``package_search`` with ``rows=10``, ``rows=1000``, and ``rows=10`` with an accent-free
  ``q`` (``chat luong khong khi``) — anonymous, so answered from the cache until the
  catalogue changes — and the two ``rows=10`` searches again with an ignored ``ext_bench``
  parameter that differs on every request, so that the search itself runs each time;
* ``package_show`` of random datasets;
* ``datastore_search`` on the large table with a filter (``{"xa_phuong": …}``) and with a
  full-text ``q`` (accent-free), 100 records each — anonymous, so kept until the table is
  reloaded — and the filter again over 2,000 different pages (``offset``), past the cache.

Every call is checked once (HTTP 200, ``success: true``) before it is timed. It prints
requests/s and p50/p95/p99 latency beside CKAN 2.12's figures from
``ckan-compat.md`` §4.2 (one Werkzeug process, stub Solr, 201 datasets, a 50,000-row table) and
the issue's goals (package_search rows=10 p95 < 20 ms at 1 client and < 150 ms at 50;
datastore_search on 1M rows p95 < 50 ms). Needs ``wrk`` (``apt-get install wrk``).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/opendata.py
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from httpbench import ROOT, lua_paths, prepare_database, start_server, wrk

sys.path.insert(0, str(ROOT))

CKAN = {
    "package_search rows=10": "10.5 / 12.2",
    "package_search rows=1000": "18.1 / 24.6 (rows=100)",
    "package_show": "12.3 / 16.7",
    "datastore_search filter": "22.3 / 27.7 (50k rows)",
    "datastore_search q": "48.7 / 53.9 (50k rows)",
}
"""CKAN 2.12's median / p95 in ms (ckan-compat.md §4.2: one process, sequential requests)."""

GOALS = {
    ("package_search rows=10", 1): 20.0,
    ("package_search rows=10", 50): 150.0,
    ("datastore_search filter", 1): 50.0,
    ("datastore_search filter", 50): 50.0,
    ("datastore_search q", 1): 50.0,
    ("datastore_search q", 50): 50.0,
    ("package_search rows=10, cache missed", 1): 20.0,
    ("package_search rows=10, cache missed", 50): 150.0,
    ("datastore_search filter, cache missed", 1): 50.0,
    ("datastore_search filter, cache missed", 50): 50.0,
}
"""The issue's p95 goals in ms, by call and clients."""

TOPICS = (
    "Chất lượng không khí",
    "Thực hiện chi ngân sách",
    "Danh sách trường học",
    "Cơ sở khám bệnh, chữa bệnh",
    "Dân số theo xã, phường",
    "Doanh nghiệp thành lập mới",
    "Giá bán lẻ mặt hàng thiết yếu",
    "Lượt khách du lịch",
    "Giấy phép xây dựng",
    "Chất lượng nước mặt",
    "Hồ sơ thủ tục hành chính",
    "Sản lượng vải thiều",
    "Tai nạn giao thông",
    "Điểm truy cập Wi-Fi công cộng",
    "Di tích lịch sử - văn hoá",
    "Lượng mưa",
)
PLACES = (
    "phường Bắc Giang",
    "phường Đa Mai",
    "phường Yên Dũng",
    "phường Việt Yên",
    "phường Nếnh",
    "xã Tuấn Đạo",
    "xã Nam Dương",
    "xã Lục Ngạn",
    "xã Tây Yên Tử",
    "toàn tỉnh Bắc Ninh",
)
THEMES = ("moi-truong", "kinh-te-tai-chinh", "giao-duc-van-hoa", "y-te", "chinh-quyen")
WARDS = PLACES[:9]
NOTES = ("Bình thường", "Bình thường", "Bình thường", "Cao điểm giao thông", "Vượt ngưỡng cảnh báo")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=2000, help="datasets in the catalogue")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the datastore table")
    parser.add_argument("--clients", default="1,50", help="concurrent connections")
    parser.add_argument("--seconds", type=int, default=15, help="duration of each run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    return parser.parse_args(argv)


def setup_django(workdir: Path) -> None:
    os.environ["TINHSO_DATA_DIR"] = str(workdir)
    os.environ["TINHSO_MODE"] = "dev"
    os.environ["TINHSO_DEBUG"] = "false"
    os.environ["TINHSO_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
    import django

    django.setup()


def big_csv(rows: int, path: Path) -> int:
    """Write an hourly-readings CSV of ``rows`` rows (station, ward, time, PM2.5, PM10, note)."""
    rng = random.Random(2026)
    start = datetime.datetime(2020, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["ma_tram", "xa_phuong", "thoi_gian", "pm25", "pm10", "ghi_chu"])
        for n in range(rows):
            station = n % 90
            at = start + datetime.timedelta(hours=n // 90)
            pm25 = round(rng.uniform(5, 120), 1)
            writer.writerow(
                [
                    f"TR{station:03d}",
                    WARDS[station % len(WARDS)],
                    at.strftime("%Y-%m-%d %H:%M"),
                    pm25,
                    round(pm25 * rng.uniform(1.4, 1.9), 1),
                    NOTES[rng.randrange(len(NOTES))],
                ]
            )
    return path.stat().st_size


def load_world(datasets: int, rows: int, workdir: Path) -> dict[str, Any]:
    """Units, agencies, organisations, ``datasets`` datasets and the large datastore table."""
    from django.core.files import File
    from django.core.management import call_command

    from tinhso.directory import loaders
    from tinhso.directory.demo import load_demo_agencies
    from tinhso.opendata import actions
    from tinhso.opendata.datastore import loader
    from tinhso.opendata.forms import DatasetForm
    from tinhso.opendata.models import DatastoreTable, Organization

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    loaders.apply(loaders.bac_giang_transition_plan(coordinates=False), source="bench")
    organizations = [
        actions.ensure_organization(agency, actor=None)
        for agency in load_demo_agencies()
        if agency.valid_to is None
    ]
    actions.load_licenses()
    actions.load_themes()
    rng = random.Random(5)
    names: list[str] = []
    started = time.monotonic()
    for n in range(datasets):
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        year = rng.randint(2019, 2026)
        organization = rng.choice(organizations)
        form = DatasetForm(
            data={
                "name": f"bo-du-lieu-{n:05d}",
                "title": f"{topic} {place} năm {year}",
                "notes": f"{topic} tại {place}, số liệu năm {year}, do {organization.title} "
                "công bố.",
                "organization": organization.name,
                "license": "cc-by",
                "themes": [rng.choice(THEMES)],
                "tags": [topic.split(",")[0].lower(), place.split(" ", 1)[1], str(year)],
                "extras": "{}",
            }
        )
        assert form.is_valid(), form.errors
        dataset = actions.create_dataset(form.cleaned_data, actor=None, state="active")
        actions.create_resource(
            dataset,
            {"name": "Tệp CSV", "format": "CSV", "url": f"https://example.org/{dataset.name}.csv"},
            actor=None,
        )
        names.append(dataset.name)
    seeded = time.monotonic() - started
    path = workdir / "readings.csv"
    size = big_csv(rows, path)
    form = DatasetForm(
        data={
            "name": "quan-trac-khong-khi-theo-gio",
            "title": "Quan trắc không khí theo giờ (bench)",
            "organization": Organization.objects.order_by("name").first().name,  # type: ignore[union-attr]
            "license": "cc-by",
            "extras": "{}",
        }
    )
    assert form.is_valid(), form.errors
    big = actions.create_dataset(form.cleaned_data, actor=None, state="active")
    with path.open("rb") as handle:
        resource = actions.create_resource(
            big,
            {"name": "Số liệu theo giờ", "format": "CSV"},
            actor=None,
            upload=File(handle, name="readings.csv"),  # type: ignore[arg-type]
        )
    started = time.monotonic()
    loader.load_resource(str(resource.pk))
    load_seconds = time.monotonic() - started
    table = DatastoreTable.objects.get(resource=resource)
    return {
        "names": names,
        "seed_rate": datasets / seeded,
        "resource": str(resource.pk),
        "csv_mb": size / 1e6,
        "load_seconds": load_seconds,
        "row_count": table.row_count,
        "rejected": table.rejected_count,
        "status": table.status,
    }


def action(name: str, **params: Any) -> str:
    """The GET path of a CKAN action; structured values JSON-encoded as CKAN expects."""
    encoded = {
        key: json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        for key, value in params.items()
    }
    return f"/api/3/action/{name}?" + urllib.parse.urlencode(encoded)


def check(base: str, path: str) -> dict[str, Any]:
    """GET ``path`` once; fail the bench unless CKAN's envelope says success."""
    with urllib.request.urlopen(base + path, timeout=60) as response:
        body = response.read()
        if response.status != 200:
            sys.exit(f"{path}: HTTP {response.status}")
    if path.startswith("/api/"):
        envelope = json.loads(body)
        if envelope.get("success") is not True:
            sys.exit(f"{path}: {envelope.get('error')}")
        return dict(envelope["result"])
    return {}


def drain(base: str, limit: float = 120.0) -> None:
    """Wait until the workers have answered what a run left queued (sync workers keep
    serving requests whose clients gave up), so the next run starts on an idle server."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(base + "/static/tinhso/site.css", timeout=limit).read()
        except OSError:
            continue
        if time.monotonic() - started < 0.05:
            return


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench/opendata.py needs wrk: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="tinhso-bench-opendata-"))
    name, drop = prepare_database("opendata")
    server = None
    try:
        setup_django(workdir)
        print(
            f"Loading {args.datasets:,} datasets and a {args.rows:,}-row table into {name}…",
            flush=True,
        )
        world = load_world(args.datasets, args.rows, workdir)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            pg_version = cursor.fetchone()[0].split(" on ")[0]
        connection.close()
        server = start_server(workdir, args.port, args.workers)
        base = f"http://127.0.0.1:{args.port}"
        rng = random.Random(2026)
        sample = rng.sample(world["names"], min(len(world["names"]), 500))
        resource = world["resource"]
        runs = {
            "static file (baseline)": ["/static/tinhso/site.css"],
            "package_search rows=10": [action("package_search", rows=10)],
            "package_search rows=10 q": [
                action("package_search", q="chat luong khong khi", rows=10)
            ],
            # Anonymous searches are answered from the cache until the catalogue changes; an
            # ignored ext_ parameter that differs on every request measures the search itself.
            "package_search rows=10, cache missed": [
                action("package_search", rows=10, ext_bench=n) for n in range(20_000)
            ],
            "package_search rows=10 q, cache missed": [
                action("package_search", q="chat luong khong khi", rows=10, ext_bench=n)
                for n in range(20_000)
            ],
            "package_search rows=1000": [action("package_search", rows=1000)],
            "package_show": [action("package_show", id=n) for n in sample],
            "datastore_search filter": [
                action(
                    "datastore_search",
                    resource_id=resource,
                    filters={"xa_phuong": ward},
                    limit=100,
                )
                for ward in WARDS
            ],
            # Anonymous answers are kept until the table is reloaded; paging through
            # 2,000 different offsets measures the query itself.
            "datastore_search filter, cache missed": [
                action(
                    "datastore_search",
                    resource_id=resource,
                    filters={"xa_phuong": WARDS[n % len(WARDS)]},
                    limit=100,
                    offset=100 * (n // len(WARDS)),
                )
                for n in range(2_000)
            ],
            "datastore_search q": [
                action("datastore_search", resource_id=resource, q=q, limit=100)
                for q in ("vuot nguong", "cao diem", "da mai", "nenh")
            ],
        }
        found = check(base, runs["package_search rows=10 q"][0])
        print(f"  package_search q='chat luong khong khi': {found['count']} datasets", flush=True)
        for paths in runs.values():
            for path in paths[:20]:
                check(base, path)
        hits = check(base, runs["datastore_search q"][0])
        print(f"  datastore_search q='vuot nguong': {len(hits['records'])} records", flush=True)
        # Warm the workers (imports, connections, PostgreSQL's caches) before timing.
        for paths in runs.values():
            wrk(lua_paths(paths), base, 10, 2, args.threads, workdir)
        results: dict[tuple[str, int], dict] = {}
        for clients in [int(c) for c in args.clients.split(",")]:
            for label, paths in runs.items():
                drain(base)
                results[label, clients] = wrk(
                    lua_paths(paths), base, clients, args.seconds, args.threads, workdir
                )
                r = results[label, clients]
                print(
                    f"  {label} at {clients}: {r['rps']:,.0f}/s, p95 {r['p95']:.1f} ms",
                    flush=True,
                )
        print()
        print(
            f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {pg_version}; "
            f"gunicorn {args.workers} sync workers; wrk on loopback, {args.seconds} s per run"
        )
        print(
            f"Catalogue: {args.datasets:,} datasets (+1 link resource each) created through the "
            f"actions at {world['seed_rate']:,.0f}/s"
        )
        print(
            f"Datastore: {world['csv_mb']:.0f} MB CSV, {world['row_count']:,} rows loaded "
            f"({world['rejected']} rejected, {world['status']}) in {world['load_seconds']:.1f} s "
            f"({world['row_count'] / world['load_seconds']:,.0f} rows/s); CKAN 2.12: 50k rows in "
            "10.5 s"
        )
        print()
        print(
            "| call | clients | requests/s | p50 ms | p95 ms | p99 ms | errors | goal p95 "
            "| CKAN 2.12 median / p95 ms |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for (label, clients), r in results.items():
            goal = GOALS.get((label, clients))
            verdict = "" if goal is None else f"< {goal:.0f} " + ("✓" if r["p95"] < goal else "✗")
            if not r["requests"]:
                verdict = "no answer in the run"
            print(
                f"| {label} | {clients} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p95']:.1f} "
                f"| {r['p99']:.1f} | {r['errors']} | {verdict} | {CKAN.get(label, '')} |"
            )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
