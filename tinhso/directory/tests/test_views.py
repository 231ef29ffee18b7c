"""Pages: the unit explorer (full page and htmx partials), unit history, the agency directory."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.directory import queries
from tinhso.directory.demo import load_demo_agencies
from tinhso.directory.tests.factories import AgencyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bac_giang")]

HTMX = {"HX-Request": "true"}


def _html(response: Any) -> str:
    return str(response.content.decode())


def test_explorer_shows_the_tree_of_the_chosen_day(client: Client) -> None:
    response = client.get(reverse("directory:explorer"), {"as_of": "2025-06-30"})
    html = _html(response)

    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert 'id="unit-tree"' in html
    assert 'id="as-of"' in html and 'value="30/06/2025"' in html
    assert 'id="unit-q"' in html and 'hx-trigger="keyup changed delay:300ms, search"' in html
    assert re.findall(r'<li id="unit-(\d+)"', html) == ["24", "27"]
    assert "Đơn vị hành chính ngày 30/06/2025" in html


def test_explorer_accepts_the_vietnamese_date_order(client: Client) -> None:
    html = _html(client.get(reverse("directory:explorer"), {"as_of": "30/06/2025"}))
    assert re.findall(r'<li id="unit-(\d+)"', html) == ["24", "27"]


def test_explorer_defaults_to_today(client: Client) -> None:
    html = _html(client.get(reverse("directory:explorer")))

    assert f'value="{queries.today():%d/%m/%Y}"' in html
    assert re.findall(r'<li id="unit-(\d+)"', html) == ["24"]


def test_explorer_answers_htmx_with_the_results_partial_only(client: Client) -> None:
    html = _html(client.get(reverse("directory:explorer"), {"as_of": "2025-07-01"}, headers=HTMX))

    assert "<html" not in html
    assert 'id="unit-tree"' in html
    assert 'id="toggle-24"' in html and 'aria-expanded="false"' in html


def test_expanding_a_node_loads_its_children_in_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    url = reverse("directory:tree_node", args=["24"])

    with django_assert_max_num_queries(3):
        html = _html(client.get(url, {"as_of": "2025-07-01", "expand": "1"}, headers=HTMX))

    assert html.startswith('<li id="unit-24"')
    assert 'aria-expanded="true"' in html and 'id="children-24"' in html
    assert len(re.findall(r'<li id="unit-\d{5}"', html)) == 99
    assert 'data-depth="2"' in html


def test_collapsing_a_node_drops_its_children(client: Client) -> None:
    url = reverse("directory:tree_node", args=["213"])

    html = _html(client.get(url, {"as_of": "2025-06-30"}, headers=HTMX))

    assert 'aria-expanded="false"' in html
    assert 'id="children-213"' not in html
    assert "expand=1" in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("depth", "\u00b2"),  # superscript two: str.isdigit() is true, int() fails
        ("depth", "\u0663"),  # Arabic-Indic three: int() reads it as 3
        ("depth", "99999999999999999999"),
        ("depth", "-1"),
        ("depth", "0"),
        ("depth", "4"),
        ("depth", "1.0"),
        ("expand", "\u00b9"),
        ("expand", "yes"),
        ("as_of", "2025-02-30"),
        ("as_of", "\u0662\u0660\u0662\u0665-07-01"),
    ],
)
def test_tree_node_refuses_a_malformed_parameter_with_400_before_any_query(
    client: Client, field: str, value: str, django_assert_max_num_queries: Any
) -> None:
    url = reverse("directory:tree_node", args=["24"])

    with django_assert_max_num_queries(0):
        response = client.get(url, {"as_of": "2025-07-01", field: value}, headers=HTMX)

    assert response.status_code == 400


def test_tree_node_keeps_a_valid_depth(client: Client) -> None:
    url = reverse("directory:tree_node", args=["213"])

    html = _html(client.get(url, {"as_of": "2025-06-30", "depth": "2"}, headers=HTMX))

    assert 'data-depth="2"' in html and "depth=2" in html


def test_collapsed_node_uses_one_query(client: Client, django_assert_max_num_queries: Any) -> None:
    url = reverse("directory:tree_node", args=["213"])

    with django_assert_max_num_queries(1):
        response = client.get(url, {"as_of": "2025-06-30", "depth": "2"}, headers=HTMX)

    assert response.status_code == 200


def test_explorer_search_finds_units_of_any_date_without_diacritics(client: Client) -> None:
    html = _html(client.get(reverse("directory:explorer"), {"q": "tho xuong"}, headers=HTMX))

    assert 'id="unit-search-results"' in html
    assert 'data-code="07201"' in html
    assert "badge-old" in html  # not valid today
    assert "04/01/2025 – 30/06/2025" in html


def test_explorer_search_without_match_shows_an_empty_state(client: Client) -> None:
    html = _html(client.get(reverse("directory:explorer"), {"q": "khong co dau ca"}))

    assert 'class="empty"' in html


def test_explorer_before_our_data_shows_an_empty_state(client: Client) -> None:
    html = _html(client.get(reverse("directory:explorer"), {"as_of": "1990-01-01"}))

    assert 'class="empty"' in html and "tinhso load-units" in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("as_of", "2025-13-45"),
        ("as_of", "2025-02-30"),
        ("as_of", "\u0662\u0660\u0662\u0665-07-01"),  # 2025 in Arabic-Indic digits
        ("q", "x" * 101),
    ],
)
def test_explorer_refuses_a_bad_parameter_with_400_and_shows_today(
    client: Client, field: str, value: str
) -> None:
    response = client.get(reverse("directory:explorer"), {field: value})

    assert response.status_code == 400
    assert 'class="errorlist"' in _html(response)
    assert 'id="unit-24"' in _html(response)


def test_explorer_answers_htmx_with_the_error_in_the_partial(client: Client) -> None:
    response = client.get(reverse("directory:explorer"), {"as_of": "2025-02-30"}, headers=HTMX)

    assert response.status_code == 400
    assert "<html" not in _html(response)
    assert 'class="errorlist"' in _html(response)


def test_explorer_page_uses_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(2):
        client.get(reverse("directory:explorer"), {"as_of": "2025-06-30"})
    with django_assert_max_num_queries(2):
        client.get(reverse("directory:explorer"), {"q": "xa"})
    with django_assert_max_num_queries(1):
        client.get(reverse("directory:explorer"), {"as_of": "2025-06-30"}, headers=HTMX)
    with django_assert_max_num_queries(1):
        client.get(reverse("directory:explorer"), {"q": "xa"}, headers=HTMX)


def test_unit_page_of_an_old_commune_shows_its_successor_and_a_badge(client: Client) -> None:
    response = client.get(reverse("directory:unit", args=["07201"]), {"as_of": "2025-06-30"})
    html = _html(response)

    assert response.status_code == 200
    assert "<h1>Phường Thọ Xương" in html and "badge-old" in html
    assert "từ 04/01/2025 đến hết 30/06/2025" in html
    assert 'id="current-successors"' in html and "Phường Bắc Giang" in html
    assert 'id="successors"' in html and "NQ 1658/NQ-UBTVQH15" in html


def test_unit_page_of_a_new_commune_lists_its_predecessors(client: Client) -> None:
    html = _html(client.get(reverse("directory:unit", args=["07228"]), {"as_of": "2025-07-01"}))

    assert 'id="predecessors"' in html
    assert "Xã Quế Nham" in html and "Phường Mỹ Độ" in html
    assert "badge-old" not in html.split('id="predecessors"')[0]


def test_unit_page_shows_inferred_links(client: Client) -> None:
    html = _html(client.get(reverse("directory:unit", args=["07693"]), {"as_of": "2019-12-31"}))

    assert "INFERRED-STALE" in html
    assert "suy luận" in html


def test_code_without_a_unit_on_the_day_is_404_with_its_history(client: Client) -> None:
    response = client.get(reverse("directory:unit", args=["213"]), {"as_of": "2025-07-01"})
    html = _html(response)

    assert response.status_code == 404
    assert 'id="code-history"' in html and "Thành phố Bắc Giang" in html


@pytest.mark.parametrize("as_of", ["2025-02-30", "\u0662\u0660\u0662\u0665-07-01", "yesterday"])
def test_unit_page_refuses_a_malformed_date_with_400(client: Client, as_of: str) -> None:
    response = client.get(reverse("directory:unit", args=["24"]), {"as_of": as_of})

    assert response.status_code == 400


def test_unknown_code_is_404(client: Client) -> None:
    assert client.get(reverse("directory:unit", args=["99999"])).status_code == 404
    assert client.get("/units/abc/").status_code == 404
    assert client.get("/units/\u0662\u0664/").status_code == 404  # 24 in Arabic-Indic digits
    assert client.get("/units/\u0662\u0664/node/").status_code == 404


def test_agency_directory_searches_without_diacritics(client: Client) -> None:
    load_demo_agencies()

    html = _html(client.get(reverse("directory:agencies"), {"q": "so tai chinh"}, headers=HTMX))

    assert "<html" not in html
    assert "Sở Tài chính tỉnh Bắc Ninh" in html
    assert "Sở Y tế" not in html


def test_agency_directory_filters_by_kind_and_hides_dissolved_unless_asked(client: Client) -> None:
    load_demo_agencies()
    url = reverse("directory:agencies")

    current = _html(client.get(url, {"kind": "ubnd_tinh"}))
    everything = _html(client.get(url, {"kind": "ubnd_tinh", "all": "on"}))

    assert "Ủy ban nhân dân tỉnh Bắc Ninh" in current
    assert "Ủy ban nhân dân tỉnh Bắc Giang" not in current
    assert "Ủy ban nhân dân tỉnh Bắc Giang" in everything and "badge-old" in everything


def test_agency_directory_pages_and_guards_its_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    commune = queries.get_unit("07663", queries.today())
    AgencyFactory.create_batch(30, unit=commune)
    url = reverse("directory:agencies")

    with django_assert_max_num_queries(2):
        first = _html(client.get(url))
    with django_assert_max_num_queries(2):
        second = _html(client.get(url, {"page": "2"}))
    with django_assert_max_num_queries(2):
        partial = _html(client.get(url, {"page": "2", "q": "thu nghiem"}, headers=HTMX))

    assert 'class="pagination"' in first and "Trang 1/2" in first
    assert len(re.findall(r"<tr data-agency=", first)) == 25
    assert len(re.findall(r"<tr data-agency=", second)) == 5
    assert len(re.findall(r"<tr data-agency=", partial)) == 5


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("page", "\u00b2"),
        ("page", "\u0662"),
        ("page", "-1"),
        ("page", "0"),
        ("page", "99999999999999999999"),
        ("page", "last"),
        ("kind", "unknown"),
        ("q", "x" * 101),
    ],
)
def test_agency_directory_refuses_a_bad_parameter_with_400_and_says_why(
    client: Client, field: str, value: str
) -> None:
    load_demo_agencies()

    response = client.get(reverse("directory:agencies"), {field: value})
    html = _html(response)

    assert response.status_code == 400
    assert 'class="errorlist"' in html
    assert "Trang 1/" in html or "<tr data-agency=" in html  # the list is still shown


def test_agency_directory_page_beyond_the_last_is_404(client: Client) -> None:
    load_demo_agencies()

    assert client.get(reverse("directory:agencies"), {"page": "1"}).status_code == 200
    assert client.get(reverse("directory:agencies"), {"page": "2"}).status_code == 404


def test_agency_directory_without_match_shows_an_empty_state(client: Client) -> None:
    html = _html(client.get(reverse("directory:agencies"), {"q": "khong ton tai"}))

    assert 'class="empty"' in html


def test_agency_page_shows_validity_codes_and_predecessor(client: Client) -> None:
    agencies = {agency.name: agency for agency in load_demo_agencies()}
    province = agencies["Ủy ban nhân dân tỉnh Bắc Ninh"]

    html = _html(client.get(reverse("directory:agency", args=[province.pk])))

    assert 'id="agency-codes"' in html and "000.00.00.Z99" in html
    assert "Chưa kiểm chứng" in html
    assert "Ủy ban nhân dân tỉnh Bắc Giang" in html  # predecessor
    assert "từ 01/07/2025" in html


@pytest.mark.parametrize(
    "pk", ["987654", "99999999999999999999", "9223372036854775808", "0", "\u0663", "-1"]
)
def test_unknown_agency_is_404(client: Client, pk: str) -> None:
    assert client.get(f"/units/agencies/{pk}/").status_code == 404
