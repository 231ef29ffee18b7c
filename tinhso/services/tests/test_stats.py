"""Statistics of the one-stop dossiers against a small case computed by hand.

The case (``case`` fixture), in March 2026 (no public holiday; 01/03 is a Sunday):

====  ==========  ========  =======  ========  =========  ========  ================  ========
 no.  procedure   agency    channel  received  promised   ended     how               WD
====  ==========  ========  =======  ========  =========  ========  ================  ========
 d1   birth       Bắc Giang online   02/03     05/03      04/03     returned, early,  2
                                                                    digital, rated 3
 d2   birth       Bắc Giang online   02/03     05/03      05/03     returned, on      3
                                                                    time, rated 1
 d3   birth       Tuấn Đạo  direct   03/03     06/03      10/03     resolved, late,   5
                                                                    digital
 d4   birth       Tuấn Đạo  online   09/03     12/03      11/03     returned, late    2 − 1
                                                                    (2 supplements,
                                                                    1 day paused),
                                                                    rated 2
 d5   permit      Sở KH&CN  online   02/03     16/03      13/03     returned, early,  9
                                                                    digital, fee paid
                                                                    online
 d6   permit      Sở KH&CN  direct   04/03     18/03      18/03     returned, on      10
                                                                    time, fee paid at
                                                                    the counter
 d7   birth       Bắc Giang online   25/03     30/03      —         in hand, overdue
                                                                    on 31/03
 d8   birth       Bắc Giang direct   30/03     02/04      —         in hand, in time
 d9   birth       Bắc Giang direct   10/03     13/03      12/03     withdrawn, early  2
 d10  birth as    Bắc Giang online   10/03/25  13/03/25   12/03/25  returned, early
      district
====  ==========  ========  =======  ========  =========  ========  ================  ========

plus a submitted dossier never received (not counted). Quarter 2026Q1: received 9, online 5
(55.6 %), resolved 7 = early 3 + on time 2 + late 2 (on time 71.4 %), in hand 2 (1 overdue),
with result 6, digital 3 (50 %), fees paid 2, online 1 (50 %), rated 3, satisfied 2
(66.7 %), working days 32 over 7 dossiers (4.6).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tinhso.indicators.periods import Period
from tinhso.services import actions, stats, stats_views
from tinhso.services.choices import Channel, ServiceClass
from tinhso.services.choices import Status as S
from tinhso.services.models import Dossier
from tinhso.services.tests.factories import ServicesWorld, submitted_birth

TODAY = datetime.date(2026, 11, 30)
Q1 = Period.parse("2026Q1")


def at(day: str, hour: int = 9) -> datetime.datetime:
    """A moment of ``day`` (dd/mm/yyyy) in the province's time zone."""
    date = datetime.datetime.strptime(day, "%d/%m/%Y").date()
    return datetime.datetime.combine(
        date, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def day(text: str) -> datetime.date:
    """A date written dd/mm/yyyy."""
    return datetime.datetime.strptime(text, "%d/%m/%Y").date()


@dataclass
class Case:
    """The dossiers of the module docstring, by name."""

    sw: ServicesWorld
    dossiers: dict[str, Dossier]

    def __getitem__(self, name: str) -> Dossier:
        return self.dossiers[name]


def build_dossier(
    sw: ServicesWorld,
    *,
    permit: bool = False,
    commune: str = "bac_giang",
    channel: int = Channel.DIRECT,
    received: str,
    promised: str,
    ended: str | None = None,
    end_as: str = S.RETURNED,
    digital: bool = False,
    rating: int | None = None,
    rated: str | None = None,
    **changes: Any,
) -> Dossier:
    """Receive a dossier through the actions, take it to ``end_as``, then date it."""
    if permit:
        agency, unit, procedure = sw.centre, sw.province, sw.permit
    else:
        agency = sw.ubnd_bac_giang if commune == "bac_giang" else sw.ubnd_tuan_dao
        unit, procedure = getattr(sw, commune), sw.birth
    dossier = actions.receive_at_counter(
        procedure,
        actor=None,
        applicant=actions.Applicant(name="Người nộp thử"),
        form_data={},
        receiving_agency=agency,
        unit=unit,
        channel=channel,
    )
    if ended is not None:
        if end_as == S.WITHDRAWN:
            dossier = actions.withdraw_dossier(dossier, actor=None)
        else:
            for _step in range(len(procedure.steps) - 1):
                dossier = actions.advance_dossier(dossier, actor=None, digital_result=digital)
            if end_as == S.RETURNED:
                dossier = actions.return_result(dossier, actor=None)
            if rating is not None:
                dossier = actions.rate_dossier(dossier, actor=None, rating=rating)
    dates: dict[str, Any] = {
        "received_at": at(received, 8),
        "submitted_at": at(received, 8),
        "promised_date": day(promised),
        "due_date": day(promised),
        "finished_on": day(ended) if ended else None,
        "finished_at": at(ended, 15) if ended else None,
        "rated_at": at(rated, 10) if rated else None,
    }
    Dossier.objects.filter(pk=dossier.pk).update(**dates, **changes)
    dossier.refresh_from_db()
    return dossier


def build_case(sw: ServicesWorld) -> Case:
    """Build the hand-computed case of the module docstring."""
    online = Channel.ONLINE
    dossiers = {
        "d1": build_dossier(
            sw,
            channel=online,
            received="02/03/2026",
            promised="05/03/2026",
            ended="04/03/2026",
            digital=True,
            rating=3,
            rated="06/03/2026",
        ),
        "d2": build_dossier(
            sw,
            channel=online,
            received="02/03/2026",
            promised="05/03/2026",
            ended="05/03/2026",
            rating=1,
            rated="09/03/2026",
        ),
        "d3": build_dossier(
            sw,
            commune="tuan_dao",
            received="03/03/2026",
            promised="06/03/2026",
            ended="10/03/2026",
            end_as=S.RESOLVED,
            digital=True,
        ),
        "d4": build_dossier(
            sw,
            commune="tuan_dao",
            channel=online,
            received="09/03/2026",
            promised="12/03/2026",
            ended="11/03/2026",
            rating=2,
            rated="12/03/2026",
            supplement_count=2,
            paused_days=1,
        ),
        "d5": build_dossier(
            sw,
            permit=True,
            channel=online,
            received="02/03/2026",
            promised="16/03/2026",
            ended="13/03/2026",
            digital=True,
            paid_online=True,
        ),
        "d6": build_dossier(
            sw,
            permit=True,
            received="04/03/2026",
            promised="18/03/2026",
            ended="18/03/2026",
        ),
        "d7": build_dossier(sw, channel=online, received="25/03/2026", promised="30/03/2026"),
        "d8": build_dossier(sw, received="30/03/2026", promised="02/04/2026"),
        "d9": build_dossier(
            sw,
            received="10/03/2026",
            promised="13/03/2026",
            ended="12/03/2026",
            end_as=S.WITHDRAWN,
        ),
        "d10": build_dossier(
            sw,
            channel=online,
            received="10/03/2025",
            promised="13/03/2025",
            ended="12/03/2025",
            level=2,
        ),
    }
    submitted_birth(sw)
    return Case(sw, dossiers)


@pytest.fixture
def case(sw: ServicesWorld) -> Case:
    """The hand-computed case of the module docstring."""
    return build_case(sw)


def q1(grouping: str = "level", **kwargs: Any) -> stats.Statistics:
    return stats.dossier_statistics(Dossier.objects.all(), Q1, grouping, today=TODAY, **kwargs)


def test_the_case_is_built_as_described(case: Case) -> None:
    assert case["d3"].status == S.RESOLVED
    assert case["d9"].status == S.WITHDRAWN
    assert case["d1"].digital_result and not case["d2"].digital_result
    assert case["d5"].fee_amount == 100_000 and case["d1"].fee_amount == 0
    assert case["d10"].level == 2


def test_totals_of_the_quarter_match_the_hand_computed_case(case: Case) -> None:
    total = q1().total
    assert (total.received, total.online, total.online_share) == (9, 5, Decimal("55.6"))
    assert (total.resolved, total.early, total.on_time, total.late) == (7, 3, 2, 2)
    assert total.on_time_share == Decimal("71.4")
    assert (total.in_time, total.overdue) == (1, 1)
    assert (total.with_result, total.digital, total.digital_share) == (6, 3, Decimal("50.0"))
    assert (total.fee_paid, total.paid_online, total.online_payment_share) == (
        2,
        1,
        Decimal("50.0"),
    )
    assert (total.rated, total.satisfied, total.satisfaction_share) == (3, 2, Decimal("66.7"))
    assert total.working_days == 32
    assert total.average_days == Decimal("4.6")


def test_statistics_by_level_split_province_and_commune(case: Case) -> None:
    rows = {row.key: row for row in q1("level").rows}
    assert set(rows) == {1, 3}
    province, commune = rows[1], rows[3]
    assert (province.received, province.online, province.resolved) == (2, 1, 2)
    assert (province.early, province.on_time, province.late) == (1, 1, 0)
    assert province.average_days == Decimal("9.5")
    assert (commune.received, commune.online, commune.resolved) == (7, 4, 5)
    assert (commune.early, commune.on_time, commune.late) == (2, 1, 2)
    assert commune.on_time_share == Decimal("60.0")
    assert str(province.label) == "Cấp tỉnh"


def test_a_district_dossier_of_2025_counts_at_district_level(case: Case) -> None:
    figures = stats.dossier_statistics(
        Dossier.objects.all(), Period.parse("2025S1"), "level", today=TODAY
    )
    assert [(row.key, row.received, row.online, row.early) for row in figures.rows] == [
        (2, 1, 1, 1)
    ]
    assert figures.rows[0].label == "Cấp huyện"


def test_statistics_by_agency_use_the_deciding_agency(case: Case) -> None:
    rows = {row.label: row for row in q1("agency").rows}
    assert set(rows) == {
        case.sw.ubnd_bac_giang.name,
        case.sw.ubnd_tuan_dao.name,
        case.sw.so_khcn.name,
    }
    tuan_dao = rows[case.sw.ubnd_tuan_dao.name]
    assert (tuan_dao.received, tuan_dao.resolved, tuan_dao.late) == (2, 2, 2)
    assert rows[case.sw.so_khcn.name].paid_online == 1


def test_statistics_by_channel_and_procedure(case: Case) -> None:
    channels = {row.key: row.received for row in q1("channel").rows}
    assert channels == {Channel.DIRECT: 4, Channel.ONLINE: 5}
    procedures = {row.key: row.received for row in q1("procedure").rows}
    assert procedures == {case.sw.birth.pk: 7, case.sw.permit.pk: 2}


def test_statistics_by_unit_name_each_commune(case: Case) -> None:
    rows = {row.label: row.received for row in q1("unit").rows}
    assert rows == {"Phường Bắc Giang": 5, "Xã Tuấn Đạo": 2, "Tỉnh Bắc Ninh": 2}


def test_statistics_by_month_put_each_fact_in_its_own_month(case: Case) -> None:
    figures = stats.dossier_statistics(
        Dossier.objects.all(), Period.parse("2026"), "month", today=TODAY
    )
    months = {row.key: row for row in figures.rows}
    march = months[datetime.date(2026, 3, 1)]
    assert (march.received, march.resolved, march.rated) == (9, 7, 3)
    assert (march.in_time, march.overdue) == (1, 1)
    april = months[datetime.date(2026, 4, 1)]
    # d8 (promised 02/04) is still in hand at the end of April, and overdue by then.
    assert (april.received, april.in_time, april.overdue) == (0, 0, 2)
    assert figures.total.received == 9
    # The total of a stock is the stock at the end of the span (November's).
    assert (figures.total.in_time, figures.total.overdue) == (0, 2)


def test_a_dossier_in_hand_is_in_time_until_its_promised_date(case: Case) -> None:
    span = stats.Span(datetime.date(2026, 3, 1), datetime.date(2026, 3, 27))
    total = stats.dossier_statistics(Dossier.objects.all(), span, today=TODAY).total
    # d7 (received 25/03, promised 30/03) is in time on 27/03; d8 was not yet received.
    assert (total.in_time, total.overdue) == (1, 0)


def test_an_empty_period_has_no_rows(case: Case) -> None:
    figures = stats.dossier_statistics(
        Dossier.objects.all(), Period.parse("2024"), "agency", today=TODAY
    )
    assert figures.empty and figures.rows == []
    assert figures.total.on_time_share is None and figures.total.average_days is None


@pytest.mark.parametrize("grouping", [g.value for g in stats.Grouping])
def test_the_query_count_does_not_grow_with_the_dossiers(
    case: Case, grouping: str, django_assert_max_num_queries: Any
) -> None:
    cal = stats.calendar()
    with django_assert_max_num_queries(6):
        q1(grouping, cal=cal)
    for _copy in range(3):
        build_dossier(
            case.sw,
            channel=Channel.ONLINE,
            received="11/03/2026",
            promised="16/03/2026",
            ended="13/03/2026",
            commune="tuan_dao",
        )
    with django_assert_max_num_queries(6):
        figures = q1(grouping, cal=cal)
    assert figures.total.received == 12


def test_the_catalogue_facts_count_online_full_online_used_and_paying_procedures(
    case: Case,
) -> None:
    sw = case.sw
    Dossier.objects.filter(procedure=sw.permit).update(channel=Channel.DIRECT)
    type(sw.permit).objects.filter(pk=sw.permit.pk).update(online_payment=True)
    rows, total = stats.catalogue_facts(Q1, today=TODAY)
    # The procedures apply from 01/07/2025: the first quarter of 2026 sees all three.
    assert (total.current, total.online, total.full_online) == (3, 2, 1)
    # birth had online dossiers in the quarter; permit's were all moved to the counter.
    assert (total.online_used, total.used_share) == (1, Decimal("50.0"))
    assert (total.with_fees, total.online_payment, total.payment_share) == (1, 1, Decimal(100))
    assert (total.mobile, total.mobile_share) == (1, Decimal(100))
    levels = {row.level: row for row in rows}
    assert levels[3].current == 2 and levels[1].online == 1
    assert total.online_share == Decimal("66.7")


def test_the_catalogue_before_it_applied_is_empty(case: Case) -> None:
    rows, total = stats.catalogue_facts(Period.parse("2025S1"), today=TODAY)
    assert rows == [] and total.current == 0 and total.online_share is None


def test_the_catalogue_only_counts_online_dossiers_of_the_given_scope(case: Case) -> None:
    scoped = Dossier.objects.filter(deciding_agency=case.sw.ubnd_tuan_dao)
    _rows, total = stats.catalogue_facts(Q1, scoped, today=TODAY)
    assert total.online_used == 1  # birth, through d4


def test_a_full_online_procedure_without_mobile_support_lowers_the_mobile_share(
    sw: ServicesWorld,
) -> None:
    type(sw.permit).objects.filter(pk=sw.permit.pk).update(service_class=ServiceClass.FULL_ONLINE)
    _rows, total = stats.catalogue_facts(Q1, today=TODAY)
    assert (total.full_online, total.mobile, total.mobile_share) == (2, 1, Decimal("50.0"))


# -- the page -----------------------------------------------------------------------------


def page(client: Any, user: Any, **params: str) -> Any:
    client.force_login(user)
    return client.get(reverse("services:stats"), {"period": "2026Q1", **params})


def test_an_officer_sees_only_the_dossiers_of_their_commune(client: Any, case: Case) -> None:
    response = page(client, case.sw["officer_b"], group="agency")
    assert response.status_code == 200
    statistics = response.context["statistics"]
    assert [row.label for row in statistics.rows] == [case.sw.ubnd_tuan_dao.name]
    assert (statistics.total.received, statistics.total.late) == (2, 2)
    assert case.sw.ubnd_bac_giang.name not in response.content.decode()


def test_a_province_wide_user_sees_every_agency(client: Any, case: Case) -> None:
    response = page(client, case.sw["operator"], group="level")
    statistics = response.context["statistics"]
    assert statistics.total.received == 9
    assert 'id="stats-table"' in response.content.decode()
    assert 'id="received-chart"' in response.content.decode()


def test_the_centre_sees_the_provincial_dossiers_it_received(client: Any, case: Case) -> None:
    statistics = page(client, case.sw["officer_centre"]).context["statistics"]
    assert [row.label for row in statistics.rows] == [case.sw.so_khcn.name]
    assert statistics.total.received == 2


def test_a_citizen_may_not_see_the_statistics(client: Any, case: Case) -> None:
    assert page(client, case.sw["citizen_a"]).status_code == 403


def test_a_visitor_is_sent_to_log_in(client: Any, sw: ServicesWorld) -> None:
    response = client.get(reverse("services:stats"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_defaults_to_this_year_by_agency(client: Any, sw: ServicesWorld) -> None:
    client.force_login(sw["operator"])
    response = client.get(reverse("services:stats"))
    assert response.status_code == 200
    assert response.context["period"] == Period.parse(str(timezone.localdate().year))
    assert response.context["statistics"].grouping == stats.Grouping.AGENCY


def test_a_period_without_dossiers_shows_the_empty_state(client: Any, case: Case) -> None:
    response = page(client, case.sw["operator"], period="2024")
    assert "Không có hồ sơ nào trong kỳ này" in response.content.decode()


def test_a_bad_period_or_grouping_is_refused(client: Any, case: Case) -> None:
    assert page(client, case.sw["operator"], period="2026S1").status_code == 400
    assert page(client, case.sw["operator"], period="2099").status_code == 400
    assert page(client, case.sw["operator"], group="citizen").status_code == 400


def test_an_htmx_request_gets_the_results_only(client: Any, case: Case) -> None:
    client.force_login(case.sw["operator"])
    response = client.get(
        reverse("services:stats"), {"period": "2026Q1", "group": "month"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="stats-table"' in body
    assert "03/2026" in body


def test_the_excel_download_holds_the_table_and_the_catalogue(client: Any, case: Case) -> None:
    response = page(client, case.sw["operator"], group="level", format="xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('2026Q1-level.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row[0] == "Cấp giải quyết")
    assert rows[header][1:4] == ["Tiếp nhận", "Trực tuyến", "Tỷ lệ trực tuyến (%)"]
    body = {row[0]: row[1:] for row in rows[header + 1 :]}
    assert body["Cấp tỉnh"][:2] == [2, 1]
    assert body["Tổng cộng"][:3] == [9, 5, 55.6]
    procedures = [list(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert procedures[-1][:2] == ["Tổng cộng", 3]


def test_the_csv_download_holds_the_table(client: Any, case: Case) -> None:
    response = page(client, case.sw["officer_b"], group="channel", format="csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:2] == ["Kênh nộp", "Tiếp nhận"]
    assert lines[-1][:3] == ["Tổng cộng", "2", "1"]
    assert len(lines) == 4  # header, direct, online, total


def test_a_name_that_looks_like_a_formula_stays_text_in_downloads(client: Any, case: Case) -> None:
    type(case.sw.birth).objects.filter(pk=case.sw.birth.pk).update(name="=HYPERLINK(1)")
    response = page(client, case.sw["operator"], group="procedure", format="csv")
    assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_the_page_runs_a_fixed_number_of_queries(
    client: Any, case: Case, django_assert_max_num_queries: Any
) -> None:
    client.force_login(case.sw["officer_b"])
    url = reverse("services:stats")
    client.get(url, {"period": "2026Q1"})  # warm the session and permission caches
    with django_assert_max_num_queries(20) as first:
        client.get(url, {"period": "2026Q1", "group": "procedure"})
    for _copy in range(4):
        build_dossier(
            case.sw,
            commune="tuan_dao",
            channel=Channel.ONLINE,
            received="11/03/2026",
            promised="16/03/2026",
            ended="13/03/2026",
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(url, {"period": "2026Q1", "group": "procedure"})
    assert response.context["statistics"].total.received == 6


def test_the_charts_draw_one_bar_per_share_and_group(case: Case) -> None:
    rows = q1("level").rows
    timeliness = stats_views.timeliness_chart(rows)
    # Province: early and on time; commune: early, on time and late.
    assert len(timeliness.bars) == 5
    widths = [bar.width for bar in timeliness.bars[:2]]
    assert sum(widths) == pytest.approx(timeliness.right - timeliness.left, abs=0.2)
    received = stats_views.received_chart(rows)
    assert len(received.bars) == 4
    tallest = min(bar.y for bar in received.bars)
    assert tallest >= received.top
