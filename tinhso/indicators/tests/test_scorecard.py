"""The resolution scorecard: public and leaders' pages, drill-down, exports, query bounds."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tinhso.accounts.choices import Role
from tinhso.accounts.scopes import Scope
from tinhso.accounts.tests.factories import UserFactory, grant
from tinhso.directory.models import AdministrativeUnit, UnitSuccession
from tinhso.indicators import actions, queries, reports
from tinhso.indicators.aggregation import Aggregator
from tinhso.indicators.choices import ValueSource
from tinhso.indicators.models import Indicator, Target
from tinhso.indicators.periods import Period

pytestmark = pytest.mark.django_db

REFORM = datetime.date(2025, 7, 1)
BEFORE = REFORM - datetime.timedelta(days=1)
PUBLIC = "/reports/scorecard/"
LEADERS = "/reports/scorecard/leaders/"


def unit(code: str, name: str, level: int, parent: Any = None, **dates: Any) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(
        code=code,
        name=name,
        type={1: "tinh", 2: "huyen", 3: "xa"}[level],
        level=level,
        parent=parent,
        valid_from=dates.get("valid_from", datetime.date(2019, 1, 1)),
        valid_to=dates.get("valid_to"),
    )


def link(old: AdministrativeUnit, new: AdministrativeUnit) -> None:
    UnitSuccession.objects.create(
        predecessor=old, successor=new, effective_date=REFORM, kind="merge", weight=Decimal(1)
    )


@pytest.fixture
def world(db: Any) -> dict[str, AdministrativeUnit]:
    """Bắc Giang (three tiers) until 30/06/2025; Bắc Ninh (two tiers) from 01/07/2025.

    Thọ Xương and Ngô Quyền merge into phường Bắc Giang; Tự Lạn passes to Việt Yên.
    """
    old = unit("24", "Tỉnh Bắc Giang", 1, valid_to=BEFORE)
    city = unit("213", "Thành phố Bắc Giang", 2, old, valid_to=BEFORE)
    viet_yen = unit("222", "Thị xã Việt Yên", 2, old, valid_to=BEFORE)
    tho_xuong = unit("07201", "Phường Thọ Xương", 3, city, valid_to=BEFORE)
    ngo_quyen = unit("07207", "Phường Ngô Quyền", 3, city, valid_to=BEFORE)
    tu_lan = unit("07798", "Phường Tự Lạn", 3, viet_yen, valid_to=BEFORE)
    new = unit("24", "Tỉnh Bắc Ninh", 1, valid_from=REFORM)
    bac_giang = unit("07210", "Phường Bắc Giang", 3, new, valid_from=REFORM)
    vy = unit("07840", "Phường Việt Yên", 3, new, valid_from=REFORM)
    for a, b in ((old, new), (tho_xuong, bac_giang), (ngo_quyen, bac_giang), (tu_lan, vy)):
        link(a, b)
    actions.load_catalogue(actor=None)
    actions.load_targets(
        actor=None, scope_unit_for=lambda deadline: old if deadline.year <= 2025 else new
    )
    return {
        "old": old,
        "city": city,
        "viet_yen": viet_yen,
        "tho_xuong": tho_xuong,
        "ngo_quyen": ngo_quyen,
        "tu_lan": tu_lan,
        "new": new,
        "bac_giang": bac_giang,
        "vy": vy,
    }


def work(
    where: AdministrativeUnit,
    period: str,
    online: int,
    total: int,
    source: str = ValueSource.REPORTED,
) -> list[actions.ValueRow]:
    dims = {"level": "commune"}
    return [
        actions.ValueRow("WORK_ONLINE", where, period, Decimal(online), dims, source),
        actions.ValueRow("WORK_TOTAL", where, period, Decimal(total), dims, source),
    ]


@pytest.fixture
def reported(world: dict[str, AdministrativeUnit]) -> dict[str, AdministrativeUnit]:
    """Commune work records 2023-2024 on the old communes, 2026 on the new ones."""
    rows = []
    for period, share in (("2023", 0), ("2024", 10)):
        rows += work(world["tho_xuong"], period, 50 + share, 100)
        rows += work(world["ngo_quyen"], period, 30 + share, 50)
        rows += work(world["tu_lan"], period, 20 + share, 80)
    rows += work(world["bac_giang"], "202601", 140, 160, ValueSource.ILLUSTRATIVE)
    rows += work(world["vy"], "202601", 60, 80, ValueSource.ILLUSTRATIVE)
    actions.store_values(rows, actor=None)
    actions.store_values(list(actions.published_rows(world["old"])), actor=None)
    return world


@pytest.fixture
def leader(world: dict[str, AdministrativeUnit]) -> Any:
    person = UserFactory.create(username="lanh.dao")
    grant(person, Role.LEADER, Scope.province())
    return person


@pytest.fixture
def leader_client(client: Client, leader: Any) -> Client:
    client.force_login(leader)
    return client


def commune_indicator() -> Indicator:
    return Indicator.objects.get(code="WORK_ONLINE_COMMUNE")


# -- pages --------------------------------------------------------------------------------------


def test_public_scorecard_lists_every_target_with_status_for_anonymous_visitors(
    client: Client, reported: Any
) -> None:
    response = client.get(PUBLIC)
    assert response.status_code == 200
    body = response.content.decode()
    for code in Target.objects.values_list("code", flat=True):
        assert f'data-target="{code}"' in body
    assert "Mục tiêu đến năm 2025" in body and "Mục tiêu đến năm 2030" in body
    assert 'data-target="DTI-2025" data-status="achieved"' in body
    assert "badge-ok" in body
    assert "Dữ liệu tính đến" in body
    assert "scorecard-exports" not in body
    assert "Cơ quan chủ trì" not in body


def test_public_target_page_has_chart_table_and_no_unit_drill_down(
    client: Client, reported: Any
) -> None:
    response = client.get(f"{PUBLIC}G-WORK-C25/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-labelledby="chart-title chart-desc"' in body
    assert '<title id="chart-title">' in body and '<desc id="chart-desc">' in body
    assert 'id="series-table"' in body
    assert 'data-period="2024"' in body
    assert 'id="drill"' not in body and "Phường Thọ Xương" not in body
    assert 'id="public-note"' in body
    assert "Nghị quyết 111-NQ/TU mục I.3" in body


def test_unknown_target_is_a_404(client: Client, world: Any) -> None:
    assert client.get(f"{PUBLIC}NOPE/").status_code == 404


def test_leaders_pages_need_login_and_data_view(client: Client, world: Any) -> None:
    response = client.get(LEADERS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory.create(username="nguoi.dan"))
    assert client.get(LEADERS).status_code == 403
    assert client.get(f"{LEADERS}export.xlsx").status_code == 403
    assert client.get(f"{LEADERS}report.pdf").status_code == 403
    assert client.get(f"{LEADERS}G-WORK-C25/").status_code == 403


def test_leaders_scorecard_adds_agencies_and_exports(leader_client: Client, reported: Any) -> None:
    body = leader_client.get(LEADERS).content.decode()
    assert "Cơ quan chủ trì" in body
    assert 'id="export-xlsx"' in body and 'id="export-pdf"' in body
    assert f'href="{LEADERS}G-WORK-C25/"' in body


def test_illustrative_values_are_marked_and_published_ones_cite_their_source(
    client: Client, reported: Any
) -> None:
    listing = client.get(PUBLIC).content.decode()
    row = listing[listing.index('data-target="G-WORK-C30"') :]
    row = row[: row.index("</tr>")]
    assert "Số liệu minh hoạ" in row
    dti = client.get(f"{PUBLIC}DTI-2025/").content.decode()
    assert "Số liệu đã công bố" in dti and "Số liệu minh hoạ" not in dti
    assert "https://dti.gov.vn/xep-hang-2022" in dti
    assert "[V]" in dti


# -- numbers ------------------------------------------------------------------------------------


def test_target_rows_aggregate_commune_reports_up_to_the_province(reported: Any) -> None:
    rows = {r.target.code: r for r in queries.target_rows(datetime.date(2026, 2, 1))}
    commune = rows["G-WORK-C25"]
    assert [p.period.code for p in commune.series] == ["2023", "2024"]
    # (60 + 40 + 30) / (100 + 50 + 80): a ratio of sums, not an average of ratios.
    assert commune.current_value == pytest.approx(130 / 230 * 100)
    assert commune.current_period == "2024"
    assert commune.milestones_derived and commune.milestones[-1][1] == pytest.approx(65.0)
    assert rows["G-WORK-C30"].current_value == pytest.approx(200 / 240 * 100)
    assert rows["G-WORK-C30"].provenance.illustrative
    assert rows["DTI-2025"].provenance.published
    # Rank 10 already meets "top 15": no path is drawn from it.
    assert rows["DTI-2025"].milestones == ()
    assert rows["DTI-2025"].data_as_of is not None


def test_restated_series_moves_old_communes_onto_todays_province(reported: Any) -> None:
    row = queries.target_row("G-WORK-C25", datetime.date(2026, 2, 1))
    assert row.restated_unit == reported["new"]
    assert row.restated_value == pytest.approx(130 / 230 * 100)


def test_drill_down_numbers_equal_the_aggregators(reported: Any) -> None:
    indicator = commune_indicator()
    period = Period.parse("2024")
    drill = queries.drill_down(indicator, reported["old"], period)
    expected = Aggregator([reported["old"]], [period], indicators=[indicator])
    assert [c.unit.code for c in drill.children] == ["213", "222"]
    assert drill.value == pytest.approx(
        expected.indicator_value(indicator, reported["old"], period)
    )
    for child in drill.children:
        assert child.has_children
        assert child.value == pytest.approx(expected.indicator_value(indicator, child.unit, period))
    city = queries.drill_down(indicator, reported["city"], period)
    assert {c.unit.code: c.value for c in city.children} == {
        "07201": pytest.approx(60.0),
        "07207": pytest.approx(80.0),
    }
    assert city.value == pytest.approx(100 / 150 * 100)
    assert [u.code for u in city.ancestors] == ["24"]


def test_drill_down_restated_across_the_merge(reported: Any) -> None:
    indicator = commune_indicator()
    period = Period.parse("2024")
    as_of = datetime.date(2026, 2, 1)
    drill = queries.drill_down(indicator, reported["new"], period, view="restated", as_of=as_of)
    expected = Aggregator(
        [reported["new"]], [period], indicators=[indicator], view="restated", as_of=as_of
    )
    by_code = {c.unit.code: c.value for c in drill.children}
    # Thọ Xương and Ngô Quyền merged into phường Bắc Giang: (60 + 40) / (100 + 50).
    assert by_code == {"07210": pytest.approx(100 / 150 * 100), "07840": pytest.approx(37.5)}
    assert by_code["07210"] == pytest.approx(
        expected.indicator_value(indicator, reported["bac_giang"], period)
    )
    assert drill.value == pytest.approx(130 / 230 * 100)
    assert drill.day == as_of


def test_leader_drills_from_province_to_district_to_commune(
    leader_client: Client, reported: Any
) -> None:
    url = f"{LEADERS}G-WORK-C25/"
    page = leader_client.get(url, {"period": "2024"}).content.decode()
    assert 'data-unit="24"' in page and 'id="drill-213"' in page
    district = leader_client.get(
        url, {"period": "2024", "unit": reported["city"].pk}, HTTP_HX_REQUEST="true"
    )
    body = district.content.decode()
    assert district.status_code == 200 and "<html" not in body
    assert "HX-Request" in district["Vary"]
    assert 'id="drill-07201"' in body and 'data-level="2"' in body
    assert "60" in body[body.index('data-code="07201"') :]


def test_leader_toggles_restated_and_picks_a_period_by_day(
    leader_client: Client, reported: Any
) -> None:
    url = f"{LEADERS}G-WORK-C25/"
    body = leader_client.get(
        url, {"view": "restated", "period": "31/12/2024"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-view="restated"' in body and 'data-period="2024"' in body
    assert 'id="drill-07210"' in body and "Phường Thọ Xương" not in body


@pytest.mark.parametrize(
    "params",
    [{"period": "2024Q9"}, {"period": "abc"}, {"view": "sideways"}, {"unit": "x"}],
)
def test_refused_drill_parameters_are_a_400(
    leader_client: Client, reported: Any, params: dict[str, str]
) -> None:
    response = leader_client.get(f"{LEADERS}G-WORK-C25/", params, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_unit_that_did_not_exist_in_the_view_is_a_400(
    leader_client: Client, reported: Any
) -> None:
    url = f"{LEADERS}G-WORK-C25/"
    gone = leader_client.get(url, {"view": "restated", "unit": reported["city"].pk})
    assert gone.status_code == 400
    future = leader_client.get(url, {"period": "2024", "unit": reported["bac_giang"].pk})
    assert future.status_code == 400


# -- exports ------------------------------------------------------------------------------------


def test_excel_export_has_every_target_and_the_series(leader_client: Client, reported: Any) -> None:
    response = leader_client.get(f"{LEADERS}export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    targets, series = book.worksheets[0], book.worksheets[1]
    codes = {row[0] for row in targets.iter_rows(min_row=2, values_only=True)}
    assert codes == set(Target.objects.values_list("code", flat=True))
    lines = [r for r in series.iter_rows(min_row=2, values_only=True) if r[0] == "G-WORK-C25"]
    assert [r[1] for r in lines] == ["2023", "2024"]
    assert lines[1][3] == pytest.approx(130 / 230 * 100)
    dti = next(r for r in targets.iter_rows(min_row=2, values_only=True) if r[0] == "DTI-2025")
    assert "dti.gov.vn" in dti[12]


def _pdf_title(content: bytes) -> str:
    start = content.index(b"/Title <") + len(b"/Title <")
    return bytes.fromhex(content[start : content.index(b">", start)].decode()).decode("utf-16")


def test_pdf_annual_report_has_the_title_of_the_year(leader_client: Client, reported: Any) -> None:
    response = leader_client.get(f"{LEADERS}report.pdf", {"year": "2024"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert _pdf_title(response.content) == reports.annual_report_title(2024)
    assert reports.annual_report_title(2024) == (
        "Báo cáo kết quả thực hiện Nghị quyết 111-NQ/TU năm 2024"
    )


def test_pdf_year_outside_the_resolution_is_a_400(leader_client: Client, world: Any) -> None:
    assert leader_client.get(f"{LEADERS}report.pdf", {"year": "2019"}).status_code == 400


# -- query bounds -------------------------------------------------------------------------------


PAGES: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    (PUBLIC, {}, {}),
    (f"{PUBLIC}G-WORK-C25/", {}, {}),
    (LEADERS, {}, {}),
    (f"{LEADERS}G-WORK-C25/", {"period": "2024"}, {}),
    (f"{LEADERS}G-WORK-C25/", {"period": "2024", "unit": "city"}, {"HTTP_HX_REQUEST": "true"}),
    (f"{LEADERS}G-WORK-C25/", {"view": "restated"}, {"HTTP_HX_REQUEST": "true"}),
]


def _count_queries(client: Client, world: dict[str, Any]) -> list[int]:
    counts = []
    for url, params, headers in PAGES:
        asked = {k: world[v].pk if k == "unit" else v for k, v in params.items()}
        with CaptureQueriesContext(connection) as queries_run:
            assert client.get(url, asked, **headers).status_code == 200
        counts.append(len(queries_run))
    return counts


def test_scorecard_pages_run_a_bounded_number_of_queries(
    leader_client: Client, reported: Any
) -> None:
    before = _count_queries(leader_client, reported)
    # More communes, values and periods add no query: the count depends on tree levels and
    # succession generations only.
    more = [
        unit(f"0790{i}", f"Xã Thêm {i}", 3, reported["city"], valid_to=BEFORE) for i in range(5)
    ]
    for i, commune in enumerate(more):
        link(commune, reported["bac_giang"] if i % 2 else reported["vy"])
    rows = [r for u in more for p in ("2021", "2022", "2023") for r in work(u, p, 5, 10)]
    actions.store_values(rows, actor=None)
    after = _count_queries(leader_client, reported)
    assert after == before
    assert max(after) <= 40, after


def test_target_rows_and_drill_down_read_with_few_queries(
    reported: dict[str, AdministrativeUnit], django_assert_max_num_queries: Any
) -> None:
    indicator = commune_indicator()
    period = Period.parse("2024")
    # Targets, inventory, elements, two tree levels, summed values, filtered values.
    with django_assert_max_num_queries(7):
        queries.target_rows(datetime.date(2026, 2, 1))
    # Children, elements, tree levels, summed and filtered values, inventory and the
    # district's one ancestor.
    with django_assert_max_num_queries(8):
        queries.drill_down(indicator, reported["city"], period)


def test_an_officer_drills_only_into_units_within_their_scope(
    client: Client, reported: Any
) -> None:
    officer = UserFactory.create(username="can.bo.xa")
    grant(officer, Role.OFFICER, Scope.of_unit(reported["bac_giang"].pk))
    client.force_login(officer)
    url = f"{LEADERS}G-WORK-C25/"
    body = client.get(url, {"view": "restated", "period": "2026"}, HTTP_HX_REQUEST="true")
    text = body.content.decode()
    assert body.status_code == 200 and 'id="drill-07210"' in text
    assert f'id="drill-{reported["vy"].code}"' not in text
    other = client.get(url, {"view": "restated", "period": "2026", "unit": reported["vy"].pk})
    assert other.status_code == 403
