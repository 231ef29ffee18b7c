"""Staff pages of environmental monitoring: who sees which stations, the station's limits,
exceedances and tokens, and the quarantine list with its CSV export."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.environment.choices import Medium, QuarantineReason, Source, StationKind
from tinhso.environment.models import (
    Exceedance,
    Limit,
    QuarantinedReading,
    Station,
    StationToken,
)
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db
LIST = "/moi-truong/quan-ly/"
QUARANTINE = "/moi-truong/quan-ly/cach-ly/"


@pytest.fixture
def env() -> EnvironmentWorld:
    return build_environment()


def login(client: Client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def csv_text(response: Any) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode().lstrip("\ufeff")  # type: ignore[arg-type]


def codes_listed(page: str) -> list[str]:
    body = page[page.index('id="stations"') :] if 'id="stations"' in page else ""
    return [code for code in ("bg-kk-01", "cau-nm-01", "qc-nt-01", "td-kk-01") if code in body]


def other_station(env: EnvironmentWorld) -> Station:
    """An air station of Tuấn Đạo managed by that commune's people's committee."""
    return Station.objects.create(
        code="td-kk-01",
        name="Trạm không khí xã Tuấn Đạo",
        kind=StationKind.AUTOMATIC,
        medium=Medium.AIR,
        agency=env.world.ubnd_tuan_dao,
        unit=env.world.tuan_dao,
        latitude=21.2,
        longitude=106.5,
    )


def quarantined(station: Station | None, raw: str = "x", **extra: Any) -> QuarantinedReading:
    return QuarantinedReading.objects.create(
        station=station,
        source=Source.HTTP,
        reason=extra.pop("reason", QuarantineReason.BAD_VALUE),
        detail=extra.pop("detail", "Giá trị không phải là số"),
        raw=raw,
        origin=extra.pop("origin", "api"),
        **extra,
    )


# --- the station list ------------------------------------------------------------------------


def test_officers_see_the_stations_of_their_scope_only(
    client: Client, env: EnvironmentWorld
) -> None:
    other_station(env)
    login(client, "env_officer")
    assert codes_listed(client.get(LIST).content.decode()) == ["bg-kk-01", "cau-nm-01", "qc-nt-01"]
    login(client, "officer_b")
    assert codes_listed(client.get(LIST).content.decode()) == ["td-kk-01"]
    login(client, "operator")
    assert len(codes_listed(client.get(LIST).content.decode())) == 4


def test_an_officer_of_another_agency_sees_no_station(
    client: Client, env: EnvironmentWorld
) -> None:
    login(client, "officer_b")
    response = client.get(LIST)
    assert response.status_code == 200
    assert codes_listed(response.content.decode()) == []
    assert "Không có trạm nào." in response.content.decode()


def test_citizens_and_visitors_are_kept_out(client: Client, env: EnvironmentWorld) -> None:
    assert client.get(LIST).status_code == 302  # to the login page
    login(client, "citizen_a")
    assert client.get(LIST).status_code == 403


def test_the_list_filters_by_medium_and_finds_names_without_diacritics(
    client: Client, env: EnvironmentWorld
) -> None:
    login(client, "env_officer")
    assert codes_listed(client.get(LIST, {"q": "song cau"}).content.decode()) == ["cau-nm-01"]
    assert codes_listed(client.get(LIST, {"q": "Sông Cầu"}).content.decode()) == ["cau-nm-01"]
    assert codes_listed(client.get(LIST, {"q": "quang chau"}).content.decode()) == ["qc-nt-01"]
    wastewater = client.get(LIST, {"medium": Medium.WASTEWATER}).content.decode()
    assert codes_listed(wastewater) == ["qc-nt-01"]
    periodic = client.get(LIST, {"kind": StationKind.PERIODIC}).content.decode()
    assert codes_listed(periodic) == []


def test_the_list_reads_a_fixed_number_of_queries(
    client: Client, env: EnvironmentWorld, django_assert_num_queries: Any
) -> None:
    login(client, "env_officer")
    client.get(LIST)  # warm the session and permission caches
    with django_assert_num_queries(7) as few:
        client.get(LIST, {"q": "tram"})
    for number in range(10):
        Station.objects.create(
            code=f"kk-{number}",
            name=f"Trạm không khí số {number}",
            kind=StationKind.AUTOMATIC,
            medium=Medium.AIR,
            agency=env.so_nnmt,
            unit=env.air.unit,
            latitude=21.3,
            longitude=106.2,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(LIST, {"q": "tram"}).content.decode()
    assert "kk-9" in page


# --- the station page ---------------------------------------------------------------------------


def test_a_station_outside_my_scope_is_not_found(client: Client, env: EnvironmentWorld) -> None:
    login(client, "officer_b")
    url = reverse("environment:staff-station", args=[env.waste.code])
    assert client.get(url).status_code == 404


def test_the_wastewater_page_shows_limits_with_kq_kf_and_exceedances(
    client: Client, env: EnvironmentWorld
) -> None:
    cod = Limit.objects.get(limit_set=env.qcvn40_b, parameter__code="COD")
    Exceedance.objects.create(
        station=env.waste,
        parameter=env.parameters["COD"],
        limit=cod,
        period=timezone.now(),
        value=171.5,
        allowed_max=135,
    )
    login(client, "env_officer")
    page = client.get(reverse("environment:staff-station", args=[env.waste.code])).content.decode()
    limits = page[page.index('id="limits"') :]
    cod_row = limits[limits.index('data-parameter="COD"') :]
    cod_row = cod_row[: cod_row.index("</tr>")]
    assert '<td class="num cmax">135</td>' in cod_row  # 150 × Kq 0.9 × Kf 1.0
    ph_row = limits[limits.index('data-parameter="pH"') :]
    assert '<td class="num cmax">5,5–9</td>' in ph_row[: ph_row.index("</tr>")]  # no Kq·Kf
    exceedances = page[page.index('id="exceedances"') :]
    assert "171,5" in exceedances and "Nhu cầu ôxy hóa học" in exceedances


# --- tokens -----------------------------------------------------------------------------------


def test_the_stations_officer_creates_a_token_and_sees_its_secret_once(
    client: Client, env: EnvironmentWorld
) -> None:
    login(client, "env_officer")
    url = reverse("environment:token-create", args=[env.waste.code])
    response = client.post(url, {"name": "Datalogger nước thải"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = StationToken.objects.get(name="Datalogger nước thải")
    assert list(token.stations.all()) == [env.waste]
    secret = response.content.decode().split('class="env-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix) and len(secret) > 30
    again = client.get(reverse("environment:staff-station", args=[env.waste.code]))
    assert secret not in again.content.decode() and token.prefix in again.content.decode()


def test_a_token_needs_a_name(client: Client, env: EnvironmentWorld) -> None:
    login(client, "env_officer")
    url = reverse("environment:token-create", args=[env.waste.code])
    assert client.post(url, {"name": ""}).status_code == 400
    assert not StationToken.objects.filter(stations=env.waste).exists()


def test_who_may_view_but_not_change_cannot_create_or_revoke_tokens(
    client: Client, env: EnvironmentWorld
) -> None:
    token = StationToken.objects.get(stations=env.air)
    login(client, "auditor")  # data.view over the province, no data.change
    page = client.get(reverse("environment:staff-station", args=[env.air.code])).content.decode()
    assert "Tạo mã mới" not in page and "Thu hồi" not in page
    create = reverse("environment:token-create", args=[env.air.code])
    assert client.post(create, {"name": "x"}).status_code == 403
    revoke = reverse("environment:token-revoke", args=[token.pk])
    assert client.post(revoke).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None and StationToken.objects.count() == 1


def test_an_outsider_cannot_find_a_token_to_revoke(client: Client, env: EnvironmentWorld) -> None:
    token = StationToken.objects.get(stations=env.air)
    login(client, "officer_b")
    assert client.post(reverse("environment:token-revoke", args=[token.pk])).status_code == 404
    assert (
        client.post(
            reverse("environment:token-create", args=[env.air.code]), {"name": "x"}
        ).status_code
        == 404
    )


def test_the_stations_officer_revokes_a_token(client: Client, env: EnvironmentWorld) -> None:
    token = StationToken.objects.get(stations=env.air)
    login(client, "env_officer")
    response = client.post(reverse("environment:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("environment:staff-station", args=[env.air.code])
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(reverse("environment:token-revoke", args=[token.pk])).status_code == 405


# --- quarantine -------------------------------------------------------------------------------


def test_the_quarantine_list_shows_my_stations_readings_only(
    client: Client, env: EnvironmentWorld
) -> None:
    quarantined(env.waste, raw="mine", detail="COD: 'abc'")
    quarantined(other_station(env), raw="theirs")
    quarantined(None, raw="nobody's", reason=QuarantineReason.UNKNOWN_STATION)
    login(client, "env_officer")
    page = client.get(QUARANTINE).content.decode()
    assert "mine" in page and "COD: &#x27;abc&#x27;" in page
    assert "theirs" not in page and "nobody&#x27;s" not in page
    assert "Giá trị không phải là số" in page  # the reason's label
    login(client, "officer_b")
    page = client.get(QUARANTINE).content.decode()
    assert "theirs" in page and "mine" not in page
    login(client, "operator")  # province-wide: also what came for no known station
    page = client.get(QUARANTINE).content.decode()
    assert all(raw in page for raw in ("mine", "theirs", "nobody&#x27;s"))


def test_the_quarantine_list_filters_by_station_and_reason(
    client: Client, env: EnvironmentWorld
) -> None:
    quarantined(env.waste, raw="waste-bad-value")
    quarantined(env.air, raw="air-future", reason=QuarantineReason.FUTURE_TIME)
    quarantined(env.air, raw="air-bad-value")
    login(client, "env_officer")
    page = client.get(QUARANTINE, {"station": env.air.code}).content.decode()
    assert "air-future" in page and "air-bad-value" in page and "waste-bad-value" not in page
    page = client.get(
        QUARANTINE, {"station": env.air.code, "reason": QuarantineReason.FUTURE_TIME}
    ).content.decode()
    assert "air-future" in page and "air-bad-value" not in page


def test_the_quarantine_list_is_paginated_with_a_fixed_number_of_queries(
    client: Client, env: EnvironmentWorld, django_assert_num_queries: Any
) -> None:
    login(client, "env_officer")
    quarantined(env.air, raw="first")
    client.get(QUARANTINE)
    with django_assert_num_queries(7) as few:
        client.get(QUARANTINE)
    start = timezone.now() - datetime.timedelta(days=1)
    QuarantinedReading.objects.bulk_create(
        QuarantinedReading(
            station=env.waste if n % 2 else env.air,
            source=Source.FILE,
            reason=QuarantineReason.OUT_OF_RANGE,
            detail="",
            raw=f"row {n}",
            received_at=start + datetime.timedelta(minutes=n),
        )
        for n in range(120)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(QUARANTINE, {"page": 2}).content.decode()
    assert "Trang 2/3" in page


def test_the_csv_export_keeps_formula_cells_as_text(client: Client, env: EnvironmentWorld) -> None:
    quarantined(env.air, raw="=cmd|' /C calc'!A0", origin="+HYPERLINK()", detail="@SUM(1)")
    quarantined(other_station(env), raw="theirs")
    login(client, "env_officer")
    response = client.get(reverse("environment:quarantine-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = csv_text(response)
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[1] == "Trạm" and len(rows) == 1
    received, station, _source, reason, detail, origin, raw = rows[0]
    assert station == "bg-kk-01" and reason == "Giá trị không phải là số"
    assert raw == "'=cmd|' /C calc'!A0"
    assert origin == "'+HYPERLINK()" and detail == "'@SUM(1)"
    assert datetime.datetime.strptime(received, "%d/%m/%Y %H:%M:%S")


def test_the_csv_export_follows_the_filters(client: Client, env: EnvironmentWorld) -> None:
    quarantined(env.air, raw="air")
    quarantined(env.waste, raw="waste")
    login(client, "env_officer")
    response = client.get(reverse("environment:quarantine-csv"), {"station": env.waste.code})
    text = csv_text(response)
    assert "waste" in text and ",air" not in text
