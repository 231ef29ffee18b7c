"""``tinhso ingest-tt10``: files and folders once, or a watched folder whose files move on."""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhso.environment.models import QuarantinedReading, Reading
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db
LINES = "pH\t7.2\t-\t{t}\t00\nCOD\t42.5\tmg/L\t{t}\t00\n"


@pytest.fixture
def env() -> EnvironmentWorld:
    return build_environment()


def drop(folder: Path, name: str, content: str, age: float = 60) -> Path:
    """A file as a datalogger leaves it, last written ``age`` seconds ago."""
    path = folder / name
    path.write_text(content, encoding="utf-8")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("ingest_tt10", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_files_and_folders_given_are_read_in_name_order_and_left_in_place(
    env: EnvironmentWorld, tmp_path: Path
) -> None:
    second = drop(tmp_path, "BN_QCIZ_NT01_20261129081000.txt", LINES.format(t="20261129081000"))
    first = drop(tmp_path, "BN_QCIZ_NT01_20261129080000.txt", LINES.format(t="20261129080000"))
    out = run(str(tmp_path))
    assert out.splitlines() == [
        "BN_QCIZ_NT01_20261129080000.txt → qc-nt-01: lưu 2, đã có 0, cách ly 0",
        "BN_QCIZ_NT01_20261129081000.txt → qc-nt-01: lưu 2, đã có 0, cách ly 0",
    ]
    assert Reading.objects.count() == 4 and first.exists() and second.exists()
    assert "đã có 2" in run(str(first))


def test_an_unreadable_file_given_makes_the_command_fail_after_the_others(
    env: EnvironmentWorld, tmp_path: Path
) -> None:
    good = drop(tmp_path, "BN_QCIZ_NT01_20261129080000.txt", LINES.format(t="20261129080000"))
    bad = drop(tmp_path, "BN_QCIZ_XX_20261129080000.txt", LINES.format(t="20261129080000"))
    with pytest.raises(CommandError, match="1 tệp không đọc được"):
        run(str(bad), str(good))
    assert Reading.objects.count() == 2
    assert QuarantinedReading.objects.get().origin == bad.name


def test_the_watcher_moves_read_files_to_done_by_date_and_unreadable_ones_to_rejected(
    env: EnvironmentWorld, tmp_path: Path
) -> None:
    drop(tmp_path, "BN_QCIZ_NT01_20261129230000.txt", LINES.format(t="20261129230000"))
    drop(tmp_path, "BN_QCIZ_NT99_20261129080000.txt", LINES.format(t="20261129080000"))
    drop(tmp_path, "ghi-chu.md", "not a station file")
    arriving = drop(
        tmp_path, "BN_QCIZ_NT01_20261129231000.txt", LINES.format(t="20261129231000"), age=0
    )
    out = run("--watch", str(tmp_path), "--once")
    assert "Đã dừng theo dõi" in out and "sau 2 tệp" in out
    done = tmp_path / "done" / "2026" / "11" / "29" / "BN_QCIZ_NT01_20261129230000.txt"
    assert done.exists()
    assert (tmp_path / "rejected" / "BN_QCIZ_NT99_20261129080000.txt").exists()
    assert arriving.exists() and (tmp_path / "ghi-chu.md").exists()
    assert Reading.objects.count() == 2

    # Nothing is read twice; a re-sent file of the same name does not overwrite the first.
    drop(tmp_path, "BN_QCIZ_NT01_20261129230000.txt", LINES.format(t="20261129230000"))
    out = run("--watch", str(tmp_path), "--once", "--settle", "0")
    assert "sau 2 tệp" in out and "đã có 2" in out
    assert done.exists() and done.with_name("BN_QCIZ_NT01_20261129230000-1.txt").exists()
    assert Reading.objects.count() == 4
    assert QuarantinedReading.objects.count() == 1


def test_the_watcher_stops_cleanly_on_sigterm(env: EnvironmentWorld, tmp_path: Path) -> None:
    drop(tmp_path, "BN_QCIZ_NT01_20261129080000.txt", LINES.format(t="20261129080000"))
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    before = signal.getsignal(signal.SIGTERM)
    timer.start()
    started = time.monotonic()
    try:
        out = run("--watch", str(tmp_path), "--every", "0.1")
    finally:
        timer.cancel()
    assert time.monotonic() - started < 5
    assert "sau 1 tệp" in out
    assert signal.getsignal(signal.SIGTERM) == before


def test_the_command_wants_paths_or_a_folder_to_watch(env: EnvironmentWorld) -> None:
    with pytest.raises(CommandError, match="--watch"):
        run()


def test_the_mqtt_command_refuses_to_start_without_a_broker() -> None:
    with pytest.raises(CommandError, match="TINHSO_MQTT_URL"):
        call_command("ingest_mqtt", "--url", "", stdout=io.StringIO())
