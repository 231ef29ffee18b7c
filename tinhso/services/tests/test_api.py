"""The services API: catalogue, tracking, due dates, dossiers, actions and the events feed."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tinhso.accounts import actions as account_actions
from tinhso.core.testing import assert_matches_openapi
from tinhso.services import actions, codes
from tinhso.services.choices import DayKind, ServiceClass, Status
from tinhso.services.models import Dossier, DossierEvent
from tinhso.services.tests.factories import (
    ProcedureFactory,
    ServicesWorld,
    received_birth,
    submitted_birth,
)

BASE = "/api/v1/services"
TRACK = f"{BASE}/dossiers/{{code}}/status"


def anon() -> Any:
    return Client()


def as_user(user: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def act(client: Any, code: str | None, action: str, body: dict[str, Any]) -> tuple[Any, str]:
    url = f"{BASE}/dossiers/{code}/actions/{action}"
    return post(client, url, body), url


# --- procedures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "dang ky khai sinh",
        "ĐĂNG KÝ",
        unicodedata.normalize("NFD", "Đăng ký khai sinh"),
        "khai sinh dang",
        "1.0011",
    ],
)
def test_procedures_are_found_with_or_without_diacritics(sw: ServicesWorld, query: str) -> None:
    url = f"{BASE}/procedures"
    body = assert_matches_openapi(anon().get(url, {"q": query}), "GET", url)
    assert [item["code"] for item in body["items"]] == ["1.001193"]
    [birth] = body["items"]
    assert (birth["name"], birth["level"], birth["service_class"]) == (
        "Đăng ký khai sinh",
        "commune",
        "full_online",
    )
    assert birth["processing_days"] == 3 and birth["agency"] is None


def test_procedures_filter_by_level_and_service_class(sw: ServicesWorld) -> None:
    url = f"{BASE}/procedures"
    provincial = assert_matches_openapi(anon().get(url, {"level": "province"}), "GET", url)
    assert [item["code"] for item in provincial["items"]] == ["1.009972"]
    assert provincial["items"][0]["agency"] == "Sở Khoa học và Công nghệ tỉnh Bắc Ninh"
    assert provincial["items"][0]["fee_amount"] == 100_000
    in_person = anon().get(url, {"service_class": "in_person"}).json()
    assert [item["code"] for item in in_person["items"]] == [sw.in_person.code]
    assert anon().get(url, {"q": "không có thủ tục nào"}).json() == {"items": [], "count": 0}


def test_district_procedures_are_listed_as_of_a_day_before_the_merger(sw: ServicesWorld) -> None:
    ProcedureFactory.create(
        code="2.000001",
        name="Cấp giấy chứng nhận đăng ký hộ kinh doanh",
        level=2,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    url = f"{BASE}/procedures"
    assert anon().get(url, {"q": "ho kinh doanh"}).json()["count"] == 0
    body = anon().get(url, {"q": "ho kinh doanh", "as_of": "2025-06-01", "level": "district"})
    [item] = assert_matches_openapi(body, "GET", url)["items"]
    assert (item["level"], item["valid_to"]) == ("district", "2025-06-30")


def test_procedure_list_costs_two_queries_however_many(
    sw: ServicesWorld, django_assert_num_queries: Any
) -> None:
    ProcedureFactory.create_batch(5, agency=sw.so_khcn, level=1)
    with django_assert_num_queries(2):
        response = anon().get(f"{BASE}/procedures")
    assert response.json()["count"] == 8


def test_procedure_detail_has_documents_steps_and_fields(sw: ServicesWorld) -> None:
    url = f"{BASE}/procedures/1.001193"
    body = assert_matches_openapi(anon().get(url), "GET", url)
    assert [(d["code"], d["required"], d["reusable"]) for d in body["documents"]] == [
        ("TK", True, False),
        ("GCS", True, True),
    ]
    assert [step["code"] for step in body["steps"]] == ["receive", "process", "approve", "return"]
    assert [field["name"] for field in body["fields"]] == ["child_name", "birth_date", "sex"]


def test_unknown_procedure_is_a_404_problem(sw: ServicesWorld) -> None:
    url = f"{BASE}/procedures/9.999999"
    response = anon().get(url)
    assert response.status_code == 404
    assert "9.999999" in assert_matches_openapi(response, "GET", url)["detail"]


# --- the working-day calendar ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        ("2026-02-13", 1, "2026-02-23"),  # Tết Bính Ngọ: 14–22/02/2026 off
        ("2026-08-21", 1, "2026-08-22"),  # a make-up working Saturday
        ("2026-11-27", 0, "2026-11-27"),  # same-day procedure on a Friday
        ("2026-11-28", 0, "2026-11-30"),  # … received on a Saturday
    ],
)
def test_due_date_counts_working_days(db: None, start: str, days: int, due: str) -> None:
    url = f"{BASE}/calendar/due-date"
    body = assert_matches_openapi(anon().get(url, {"start": start, "days": days}), "GET", url)
    assert body == {"start": start, "days": days, "due": due}


def test_due_date_skips_a_day_the_province_declares_off(db: None) -> None:
    actions.declare_day(dt.date(2026, 11, 30), actor=None, kind=DayKind.OFF, reason="Bão")
    url = f"{BASE}/calendar/due-date"
    assert anon().get(url, {"start": "2026-11-27", "days": 1}).json()["due"] == "2026-12-01"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-02-13", "days": -1},
        {"start": "2026-02-13", "days": 366},
        {"start": "2026-02-30", "days": 1},
        {"start": "13/02/2026", "days": 1},
        {"start": "2026-02-13", "days": "ba"},
        {"start": "2026-02-13"},
    ],
)
def test_bad_due_date_input_is_a_422_problem(db: None, params: dict[str, Any]) -> None:
    url = f"{BASE}/calendar/due-date"
    response = anon().get(url, params)
    assert response.status_code == 422
    assert assert_matches_openapi(response, "GET", url)["errors"]


# --- public tracking ---------------------------------------------------------------------------


def test_tracking_shows_status_and_history_without_personal_data(
    sw: ServicesWorld, django_assert_num_queries: Any
) -> None:
    dossier = received_birth(sw)
    url = TRACK.format(code=dossier.code)
    with django_assert_num_queries(2):
        response = anon().get(url)
    body = assert_matches_openapi(response, "GET", url)
    assert set(body) == {
        "code",
        "procedure",
        "status",
        "status_label",
        "portal_status",
        "received_at",
        "due_date",
        "returned_at",
        "history",
    }
    assert (body["code"], body["procedure"], body["status"]) == (
        dossier.code,
        "Đăng ký khai sinh",
        "received",
    )
    assert (body["status_label"], body["portal_status"]) == ("Đã tiếp nhận", 2)
    assert body["due_date"] == str(dossier.due_date)
    assert [(h["status"], h["portal_status"]) for h in body["history"]] == [
        ("submitted", 1),
        ("received", 2),
    ]
    assert all(set(entry) == {"at", "status", "portal_status"} for entry in body["history"])
    text = response.content.decode()
    citizen = sw["citizen_a"]
    for secret in (citizen.full_name, citizen.citizen_id, citizen.phone, "Nguyễn Văn Bé"):
        assert secret not in text


def test_tracking_an_unknown_code_is_a_404_problem(db: None) -> None:
    url = TRACK.format(code="000.00.04.Z99-261130-9999")
    response = anon().get(url)
    assert response.status_code == 404
    assert_matches_openapi(response, "GET", url)


# --- dossiers: reading within scope -------------------------------------------------------------


def test_officers_list_only_dossiers_of_their_agencies(sw: ServicesWorld) -> None:
    mine = received_birth(sw)
    theirs = submitted_birth(sw, "citizen_b")
    url = f"{BASE}/dossiers"
    body = assert_matches_openapi(as_user(sw["officer_a"]).get(url), "GET", url)
    assert [item["code"] for item in body["items"]] == [mine.code]
    [item] = body["items"]
    assert item["receiving_agency"] == {
        "id": sw.ubnd_bac_giang.pk,
        "name": "Ủy ban nhân dân phường Bắc Giang",
        "code": "000.00.04.Z99",
    }
    assert (item["level"], item["channel"], item["portal_status"]) == ("commune", 2, 2)
    assert "applicant" not in item and "Nguyễn Văn An" not in json.dumps(body)
    other = as_user(sw["officer_b"]).get(url).json()
    assert [entry["code"] for entry in other["items"]] == [theirs.code]


def test_the_applicant_lists_their_own_dossiers(sw: ServicesWorld) -> None:
    mine = submitted_birth(sw)
    submitted_birth(sw, "citizen_b")
    body = as_user(sw["citizen_a"]).get(f"{BASE}/dossiers").json()
    assert [item["code"] for item in body["items"]] == [mine.code]


def test_dossier_list_filters_by_status_agency_and_change_time(sw: ServicesWorld) -> None:
    received = received_birth(sw)
    submitted = submitted_birth(sw)
    client = as_user(sw["operator"])
    url = f"{BASE}/dossiers"

    def codes_of(**params: Any) -> list[str]:
        return [item["code"] for item in client.get(url, params).json()["items"]]

    assert codes_of(status="received") == [received.code]
    assert codes_of(status="submitted") == [submitted.code]
    assert set(codes_of(agency=sw.ubnd_bac_giang.pk)) == {received.code, submitted.code}
    assert codes_of(agency=sw.ubnd_tuan_dao.pk) == []
    later = (submitted.updated_at + dt.timedelta(seconds=1)).isoformat()
    assert codes_of(changed_since=later) == []
    assert codes_of(changed_since=received.updated_at.isoformat()) == [
        submitted.code,
        received.code,
    ]
    assert client.get(url, {"status": "nonsense"}).status_code == 422


def test_dossier_list_query_count_does_not_grow_with_the_page(
    sw: ServicesWorld, django_assert_num_queries: Any
) -> None:
    client = as_user(sw["officer_a"])
    url = f"{BASE}/dossiers"
    submitted_birth(sw)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).json()["count"] == 1
    assert len(one) <= 9  # session, user, scope (4), count, page, agency codes
    for _ in range(4):
        submitted_birth(sw)
    with django_assert_num_queries(len(one)):
        assert client.get(url).json()["count"] == 5


def test_anonymous_callers_get_401_on_dossiers_and_events(db: None) -> None:
    for url in (f"{BASE}/dossiers", f"{BASE}/events", f"{BASE}/dossiers/X-1"):
        response = anon().get(url)
        assert response.status_code == 401
        assert_matches_openapi(response, "GET", url)


def test_officer_sees_the_dossier_with_masked_applicant(sw: ServicesWorld) -> None:
    dossier = received_birth(sw)
    url = f"{BASE}/dossiers/{dossier.code}"
    body = assert_matches_openapi(as_user(sw["officer_a"]).get(url), "GET", url)
    assert body["applicant"]["applicant_name"] == "N***** V** A*"
    assert body["applicant"]["applicant_id_number"] == "*********234"
    assert body["form_data"] is None
    assert body["form_fields"] == ["birth_date", "child_name", "sex"]
    assert body["step"]["code"] == "receive" and body["unit"] == "07210"
    assert body["deciding_agency"]["code"] == "000.00.04.Z99"
    assert body["timeliness"] == "in_time"
    assert "advance" in body["allowed_actions"]
    assert [event["action"] for event in body["history"]] == ["submit", "receive"]


def test_the_applicant_sees_their_own_dossier_in_full(sw: ServicesWorld) -> None:
    dossier = submitted_birth(sw)
    url = f"{BASE}/dossiers/{dossier.code}"
    body = assert_matches_openapi(as_user(sw["citizen_a"]).get(url), "GET", url)
    assert body["applicant"]["applicant_name"] == "Nguyễn Văn An"
    assert body["form_data"]["child_name"] == "Nguyễn Văn Bé"


def test_officer_of_another_commune_cannot_read_the_dossier(sw: ServicesWorld) -> None:
    dossier = received_birth(sw)
    url = f"{BASE}/dossiers/{dossier.code}"
    for name in ("officer_b", "citizen_b"):
        response = as_user(sw[name]).get(url)
        assert response.status_code == 403
        assert_matches_openapi(response, "GET", url)
    missing = as_user(sw["officer_a"]).get(f"{BASE}/dossiers/000.00.04.Z99-261130-9999")
    assert missing.status_code == 404


# --- online submission -------------------------------------------------------------------------


def test_an_applicant_submits_online_in_one_call_with_a_token(sw: ServicesWorld) -> None:
    citizen = sw["citizen_a"]
    _token, secret = account_actions.create_token(citizen, actor=citizen, name="app")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"{BASE}/dossiers"
    response = post(client, url, {"procedure": sw.permit.code})
    assert response.status_code == 201
    body = assert_matches_openapi(response, "POST", url)
    assert codes.CODE_PATTERN.match(body["code"])
    assert body["code"].startswith("000.00.06.Z99-")  # received by the provincial centre
    assert (body["status"], body["portal_status"]) == ("submitted", 1)
    dossier = Dossier.objects.get(code=body["code"])
    assert (dossier.applicant, dossier.applicant_name, dossier.channel) == (
        citizen,
        "Nguyễn Văn An",
        2,
    )
    assert dossier.deciding_agency == sw.so_khcn
    tracked = anon().get(TRACK.format(code=body["code"])).json()
    assert tracked["status"] == "submitted"


def test_submission_with_mandatory_documents_missing_is_a_422_listing_them(
    sw: ServicesWorld,
) -> None:
    url = f"{BASE}/dossiers"
    form = {"child_name": "Bé", "birth_date": "2026-11-20", "sex": "Nữ"}
    response = post(as_user(sw["citizen_a"]), url, {"procedure": "1.001193", "form_data": form})
    assert response.status_code == 422
    problem = assert_matches_openapi(response, "POST", url)
    assert "Tờ khai" in problem["detail"] and "Giấy chứng sinh" not in problem["detail"]
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"procedure": "9.999999"}, "procedure"),
        ({"procedure": "1.009972", "form_data": {"hack": "x"}}, "hack"),
        ({"procedure": "1.009972", "applicant": {"email": "not-an-address"}}, "email"),
        ({"procedure": "1.001193", "unit": "99999"}, "unit"),
    ],
)
def test_bad_submissions_are_422_naming_the_field(
    sw: ServicesWorld, body: dict[str, Any], field: str
) -> None:
    url = f"{BASE}/dossiers"
    response = post(as_user(sw["citizen_a"]), url, body)
    assert response.status_code == 422
    assert field in assert_matches_openapi(response, "POST", url)["errors"]
    assert not Dossier.objects.exists()


def test_in_person_procedures_cannot_be_submitted_online(sw: ServicesWorld) -> None:
    url = f"{BASE}/dossiers"
    response = post(as_user(sw["citizen_a"]), url, {"procedure": sw.in_person.code})
    assert response.status_code == 422
    assert sw.in_person.service_class == ServiceClass.IN_PERSON


# --- actions -------------------------------------------------------------------------------------


def test_officer_receives_and_a_stale_version_is_a_409(sw: ServicesWorld) -> None:
    dossier = submitted_birth(sw)
    client = as_user(sw["officer_a"])
    response, url = act(client, dossier.code, "receive", {"version": dossier.version})
    body = assert_matches_openapi(response, "POST", url)
    assert body["status"] == "received" and body["version"] == dossier.version + 1
    assert body["due_date"] is not None
    stale, url = act(client, dossier.code, "advance", {"version": dossier.version})
    assert stale.status_code == 409
    assert "vừa được người khác cập nhật" in assert_matches_openapi(stale, "POST", url)["title"]
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_a_transition_not_allowed_from_the_status_is_a_422(sw: ServicesWorld) -> None:
    dossier = received_birth(sw)
    body = {"version": dossier.version, "comment": "Thiếu giấy tờ"}
    response, url = act(as_user(sw["officer_a"]), dossier.code, "reject", body)
    assert response.status_code == 422
    assert "Từ chối tiếp nhận" in assert_matches_openapi(response, "POST", url)["detail"]


def test_a_reason_is_required_to_reject(sw: ServicesWorld) -> None:
    dossier = submitted_birth(sw)
    response, url = act(as_user(sw["officer_a"]), dossier.code, "reject", {"version": 2})
    assert response.status_code == 422
    assert_matches_openapi(response, "POST", url)


def test_officer_of_another_commune_cannot_act(sw: ServicesWorld) -> None:
    dossier = submitted_birth(sw)
    response, url = act(as_user(sw["officer_b"]), dossier.code, "receive", {"version": 2})
    assert response.status_code == 403
    assert_matches_openapi(response, "POST", url)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED


def test_the_applicant_cannot_take_an_officers_action(sw: ServicesWorld) -> None:
    dossier = submitted_birth(sw)
    response, url = act(as_user(sw["citizen_a"]), dossier.code, "receive", {"version": 2})
    assert response.status_code == 403
    assert_matches_openapi(response, "POST", url)


def test_an_unknown_action_is_a_422(sw: ServicesWorld) -> None:
    dossier = submitted_birth(sw)
    response, url = act(as_user(sw["officer_a"]), dossier.code, "approve_all", {"version": 2})
    assert response.status_code == 422
    assert_matches_openapi(response, "POST", url)


def test_a_dossier_goes_from_reception_to_rating_through_the_api(sw: ServicesWorld) -> None:
    dossier = submitted_birth(sw)
    officer, leader, citizen = (as_user(sw[n]) for n in ("officer_a", "leader_a", "citizen_a"))
    steps: list[tuple[Any, str, dict[str, Any]]] = [
        (officer, "receive", {}),
        (officer, "request_supplement", {"comment": "Bổ sung bản sao giấy chứng sinh"}),
        (citizen, "supplement", {}),
        (officer, "advance", {}),  # receive → process
        (officer, "advance", {}),  # process → approve
        (leader, "advance", {}),  # the leader approves: resolved, waiting for return
        (officer, "return", {}),
        (citizen, "rate", {"rating": 3}),
    ]
    version = dossier.version
    for client, action, extra in steps:
        response, url = act(client, dossier.code, action, {"version": version, **extra})
        assert response.status_code == 200, (action, response.content)
        body = assert_matches_openapi(response, "POST", url)
        version = body["version"]
    assert (body["status"], body["rating"], body["timeliness"]) == ("returned", 3, "early")


def test_transfer_needs_a_target_agency(sw: ServicesWorld) -> None:
    dossier = received_birth(sw)
    client = as_user(sw["officer_a"])
    response, url = act(client, dossier.code, "transfer", {"version": dossier.version})
    assert response.status_code == 422
    assert "to_agency" in assert_matches_openapi(response, "POST", url)["errors"]
    body = {"version": dossier.version, "to_agency": sw.ubnd_tinh.pk, "comment": "Liên thông"}
    moved, url = act(client, dossier.code, "transfer", body)
    assert assert_matches_openapi(moved, "POST", url)["deciding_agency"]["code"] == "000.00.01.Z99"


# --- the events feed -----------------------------------------------------------------------------


def test_events_feed_carries_portal_codes_agencies_and_channel(sw: ServicesWorld) -> None:
    dossier = received_birth(sw)
    url = f"{BASE}/events"
    body = assert_matches_openapi(as_user(sw["officer_a"]).get(url), "GET", url)
    assert [
        (e["action"], e["from_status"], e["to_status"], e["portal_status"]) for e in body["items"]
    ] == [
        ("submit", "draft", "submitted", 1),
        ("receive", "submitted", "received", 2),
    ]
    first = body["items"][0]
    assert first["dossier"] == dossier.code and first["procedure"] == "1.001193"
    assert (first["receiving_agency_code"], first["deciding_agency_code"]) == (
        "000.00.04.Z99",
        "000.00.04.Z99",
    )
    assert first["channel"] == 2
    assert body["next_since_id"] == body["items"][-1]["id"]


def test_events_feed_resumes_after_since_id_and_pages_by_limit(sw: ServicesWorld) -> None:
    received_birth(sw)
    client = as_user(sw["officer_a"])
    url = f"{BASE}/events"
    first = client.get(url, {"limit": 1}).json()
    assert len(first["items"]) == 1
    rest = client.get(url, {"since_id": first["next_since_id"]}).json()
    assert [e["action"] for e in rest["items"]] == ["receive"]
    empty = client.get(url, {"since_id": rest["next_since_id"]}).json()
    assert empty == {"items": [], "next_since_id": rest["next_since_id"]}
    assert client.get(url, {"limit": 0}).status_code == 422


def test_events_of_another_communes_dossiers_are_not_in_the_feed(sw: ServicesWorld) -> None:
    received_birth(sw)
    theirs = submitted_birth(sw, "citizen_b")
    body = as_user(sw["officer_b"]).get(f"{BASE}/events").json()
    assert {event["dossier"] for event in body["items"]} == {theirs.code}
    assert DossierEvent.objects.count() == 3


def test_events_feed_query_count_does_not_grow_with_the_page(
    sw: ServicesWorld, django_assert_num_queries: Any
) -> None:
    client = as_user(sw["officer_a"])
    url = f"{BASE}/events"
    submitted_birth(sw)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()["items"]) == 1
    assert len(one) <= 9  # session, user, scope (4), events, codes of two agencies
    for _ in range(3):
        received_birth(sw)
    with django_assert_num_queries(len(one)):
        assert len(client.get(url).json()["items"]) == 7
