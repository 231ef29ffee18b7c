"""Circular 10/2021 station files: names, lines, encodings; nothing lost, nothing stored twice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tinhso.environment.choices import QuarantineReason, ReadingStatus, Source
from tinhso.environment.models import QuarantinedReading, Reading
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment
from tinhso.environment.tt10 import FileName, ingest_file, parse, parse_name

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NAME = "BN_QCIZ_NT01_20261129080000.txt"
GOOD = (
    "pH\t7.2\t-\t20261129080000\t00\n"
    "COD\t42.5\tmg/L\t20261129080000\t00\n"
    "TSS\t18\tmg/L\t20261129080000\t01\n"
    "N-NH4\t2,4\tmg/L\t20261129080000\t02\n"
)


@pytest.fixture
def env(db: None) -> EnvironmentWorld:
    return build_environment()


def test_the_three_part_and_the_short_file_names_are_read() -> None:
    at = datetime(2026, 11, 29, 8, 0, tzinfo=VN)
    assert parse_name("/srv/ftp/BN_QCIZ_NT01_20261129080000.txt") == FileName(
        "BN", "QCIZ", "NT01", at
    )
    assert parse_name("BN_KCN_QC_NT01_20261129080000.TXT") == FileName("BN", "KCN_QC", "NT01", at)
    assert parse_name("NT01_20261129080000.txt") == FileName("", "", "NT01", at)


@pytest.mark.parametrize(
    "name",
    [
        "BN_QCIZ_NT01_20261129080000.csv",
        "BN_QCIZ_NT01_2026112908.txt",
        "BN_QCIZ_NT01_20261399080000.txt",
        "QCIZ_NT01_20261129080000.txt",
        "BN__NT01_20261129080000.txt",
        "20261129080000.txt",
    ],
)
def test_a_name_off_the_pattern_is_refused_with_the_pattern(name: str) -> None:
    with pytest.raises(ValueError, match="<tỉnh>_<cơ sở>_<trạm>_<YYYYMMDDhhmmss>"):
        parse_name(name)


@pytest.mark.django_db
def test_every_line_of_a_good_file_is_stored_with_its_status(env: EnvironmentWorld) -> None:
    report = ingest_file(NAME, GOOD.encode())
    assert (report.accepted, report.duplicates, report.rejected) == (4, 0, [])
    assert report.station_code == "qc-nt-01" and not report.unreadable
    stored = {
        r.parameter.code: (r.value, r.status, r.source)
        for r in Reading.objects.select_related("parameter")
    }
    assert stored == {
        "pH": (7.2, ReadingStatus.MEASURING, Source.FILE),
        "COD": (42.5, ReadingStatus.MEASURING, Source.FILE),
        "TSS": (18, ReadingStatus.CALIBRATING, Source.FILE),
        "NH4": (2.4, ReadingStatus.ERROR, Source.FILE),
    }
    assert {r.observed_at for r in Reading.objects.all()} == {
        datetime(2026, 11, 29, 8, 0, tzinfo=VN)
    }


@pytest.mark.django_db
def test_the_same_file_twice_stores_each_reading_once(env: EnvironmentWorld) -> None:
    ingest_file(NAME, GOOD.encode())
    again = ingest_file(NAME, GOOD.encode())
    assert (again.accepted, again.duplicates, again.rejected) == (0, 4, [])
    assert Reading.objects.count() == 4
    assert not QuarantinedReading.objects.exists()


@pytest.mark.django_db
def test_bad_lines_are_quarantined_by_line_number_and_the_good_lines_kept(
    env: EnvironmentWorld,
) -> None:
    content = (
        "pH\t7.2\t-\t20261129080000\t00\n"
        "\n"
        "COD 42.5 mg/L 20261129080000 00\n"
        "TSS\t18\tmg/L\t20261129080000\n"
        "\t5\tmg/L\t20261129080000\t00\n"
        "Temp\tnóng\t°C\t20261129080000\t00\n"
        "Flow\t120\tm³/h\t20261129080000\t00\n"
    )
    report = ingest_file(NAME, content.encode())
    assert report.accepted == 2
    assert [(r.index, r.reason) for r in report.rejected] == [
        (3, QuarantineReason.MALFORMED),
        (4, QuarantineReason.MALFORMED),
        (5, QuarantineReason.MALFORMED),
        (6, QuarantineReason.BAD_VALUE),
    ]
    assert set(Reading.objects.values_list("parameter__code", flat=True)) == {"pH", "Flow"}
    kept = {q.raw: q for q in QuarantinedReading.objects.all()}
    assert set(kept) == {
        "COD 42.5 mg/L 20261129080000 00",
        "TSS\t18\tmg/L\t20261129080000",
        "\t5\tmg/L\t20261129080000\t00",
        "Temp\tnóng\t°C\t20261129080000\t00",
    }
    cod = kept["COD 42.5 mg/L 20261129080000 00"]
    assert (cod.origin, cod.station, cod.source) == (NAME, env.waste, Source.FILE)
    assert "Dòng 3 có 1 trường" in cod.detail
    assert "dòng 3" in report.summary() and "dòng 6" in report.summary()


@pytest.mark.django_db
def test_a_file_of_an_unknown_station_is_quarantined_whole(env: EnvironmentWorld) -> None:
    name = "BN_QCIZ_NT99_20261129080000.txt"
    report = ingest_file(name, GOOD.encode())
    assert report.unreadable and report.accepted == 0
    assert not Reading.objects.exists()
    kept = QuarantinedReading.objects.get()
    assert (kept.reason, kept.raw, kept.origin, kept.station) == (
        QuarantineReason.UNKNOWN_STATION,
        GOOD,
        name,
        None,
    )
    assert "BN_QCIZ_NT99" in kept.detail


@pytest.mark.django_db
def test_a_file_with_an_unreadable_name_is_quarantined_whole(env: EnvironmentWorld) -> None:
    report = ingest_file("so-lieu-tram.txt", GOOD.encode())
    assert report.unreadable
    kept = QuarantinedReading.objects.get()
    assert (kept.reason, kept.raw, kept.origin) == (
        QuarantineReason.MALFORMED,
        GOOD,
        "so-lieu-tram.txt",
    )
    assert "Thông tư 10/2021" in kept.detail


@pytest.mark.django_db
def test_the_short_name_finds_the_station_by_its_circular_10_name_or_code(
    env: EnvironmentWorld,
) -> None:
    assert parse("NT01_20261129080000.txt", GOOD.encode()).station_code == "qc-nt-01"
    assert parse("qc-nt-01_20261129080000.txt", GOOD.encode()).station_code == "qc-nt-01"
    assert parse("bg-kk-01_20261129080000.txt", b"").station_code == "bg-kk-01"


@pytest.mark.django_db
def test_utf8_with_bom_and_windows_line_ends_is_read_without_complaint(
    env: EnvironmentWorld,
) -> None:
    content = "\ufeff" + GOOD.replace("\n", "\r\n")
    parsed = parse(NAME, content.encode("utf-8"))
    assert (len(parsed.readings), parsed.problems, parsed.encoding) == (4, [], "utf-8")
    assert parsed.readings[0].parameter == "pH"


@pytest.mark.django_db
def test_a_windows_1258_file_is_read_and_the_encoding_noted(env: EnvironmentWorld) -> None:
    content = "Flow\t120\tm³/h\t20261129080000\t00\nTemp\t31\t°C\t20261129080000\t00\n"
    report = ingest_file(NAME, content.encode("cp1258"))
    assert report.accepted == 2
    assert [(r.index, r.reason) for r in report.rejected] == [(0, QuarantineReason.MALFORMED)]
    assert "cp1258" in QuarantinedReading.objects.get().detail


@pytest.mark.django_db
def test_an_empty_file_is_unreadable(env: EnvironmentWorld) -> None:
    report = ingest_file(NAME, b"\n\n")
    assert report.unreadable
    assert QuarantinedReading.objects.get().detail == "Tệp không có dòng số liệu nào."
