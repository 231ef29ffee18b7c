"""Citizens' problem reports and dataset requests: anonymous and signed-in, tracked by a secret
link or in "my requests", answered by the organisation's staff only, listed publicly without
personal data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.accounts.models import User
from tinhso.opendata.choices import TicketKind, TicketStatus
from tinhso.opendata.models import Dataset, Ticket
from tinhso.opendata.tests.factories import OpenDataWorld, make_dataset

REQUEST = reverse("opendata:request-dataset")


def login(client: Client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


@pytest.fixture
def air(od: OpenDataWorld) -> Dataset:
    return make_dataset(od.phuong, "Chất lượng không khí phường Bắc Giang")


def report(client: Client, dataset: Dataset, **extra: str) -> Any:
    data = {"title": "Thiếu số liệu tháng 3", "body": "Không có dòng nào của tháng 3/2025."}
    data.update(extra)
    return client.post(reverse("opendata:report-problem", args=[dataset.name]), data)


def test_anonymous_visitor_reports_a_problem_and_follows_it_by_its_link(
    client: Client, air: Dataset
) -> None:
    response = report(client, air, requester_name="Lê Thị Hoa", requester_email="hoa@example.vn")
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.dataset, ticket.organization) == (
        TicketKind.PROBLEM,
        air,
        air.organization,
    )
    assert (ticket.requester, ticket.requester_email) == (None, "hoa@example.vn")
    tracking = client.get(response["Location"])
    html = tracking.content.decode()
    assert "Thiếu số liệu tháng 3" in html and "Mới gửi" in html
    assert "hoa@example.vn" not in html
    assert tracking["Cache-Control"] == "private, no-store"


def test_anonymous_visitor_must_leave_a_name_and_email(client: Client, air: Dataset) -> None:
    response = report(client, air)
    assert response.status_code == 400
    assert response.content.decode().count('class="field-error"') == 2
    assert not Ticket.objects.exists()


def test_a_forged_tracking_link_is_404(client: Client, air: Dataset) -> None:
    report(client, air, requester_name="A", requester_email="a@example.vn")
    ticket = Ticket.objects.get()
    assert client.get(reverse("opendata:ticket", args=[f"{ticket.pk}:forged"])).status_code == 404


def test_signed_in_citizen_is_prefilled_and_finds_the_request_in_my_requests(
    client: Client, od: OpenDataWorld
) -> None:
    login(client, "citizen_a")
    form = client.get(REQUEST).content.decode()
    assert 'value="Nguyễn Văn An"' in form
    response = client.post(
        REQUEST,
        {
            "organization": "so-khcn",
            "title": "Danh sách doanh nghiệp khoa học công nghệ",
            "body": "Để tìm đối tác.",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.requester == od["citizen_a"]
    assert ticket.requester_name == "Nguyễn Văn An"
    mine = client.get(reverse("opendata:my-tickets")).content.decode()
    assert "Danh sách doanh nghiệp khoa học công nghệ" in mine
    assert response["Location"] in mine


def test_only_staff_of_that_organisation_answer(client: Client, air: Dataset) -> None:
    report(client, air, requester_name="Lê Thị Hoa", requester_email="hoa@example.vn")
    ticket = Ticket.objects.get()
    detail = reverse("opendata:staff-ticket", args=[ticket.pk])
    answer = {"answer": "Đã bổ sung số liệu tháng 3.", "close": "on"}

    login(client, "data_officer_so")
    assert client.post(detail, answer).status_code == 403
    assert ticket.title not in client.get(reverse("opendata:staff-tickets")).content.decode()

    login(client, "officer_a")
    inbox = client.get(reverse("opendata:staff-tickets")).content.decode()
    assert ticket.title in inbox and "Lê Thị Hoa" in inbox
    assert "hoa@example.vn" in client.get(detail).content.decode()
    assert client.post(detail, answer).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.answered_by == User.objects.get(username="officer_a")


def test_an_empty_answer_is_refused_inline(client: Client, air: Dataset) -> None:
    report(client, air, requester_name="A", requester_email="a@example.vn")
    login(client, "officer_a")
    ticket = Ticket.objects.get()
    response = client.post(reverse("opendata:staff-ticket", args=[ticket.pk]), {"answer": ""})
    assert response.status_code == 400
    assert "field-error" in response.content.decode()


def test_citizens_cannot_open_the_staff_inbox(client: Client, od: OpenDataWorld) -> None:
    login(client, "citizen_a")
    response = client.get(reverse("opendata:staff-tickets"))
    assert response.status_code == 403
    assert "cán bộ phụ trách dữ liệu mở" in response.content.decode()


def test_public_requests_show_answers_but_no_personal_data(
    client: Client, od: OpenDataWorld, django_assert_max_num_queries: Any
) -> None:
    for number in range(5):
        client.post(
            REQUEST,
            {
                "organization": "so-khcn",
                "title": f"Đề nghị số {number}",
                "body": "Cần cho nghiên cứu.",
                "requester_name": "Phạm Minh Đức",
                "requester_email": "duc@example.vn",
            },
        )
    ticket = Ticket.objects.get(title="Đề nghị số 3")
    login(client, "leader_so")
    client.post(reverse("opendata:staff-ticket", args=[ticket.pk]), {"answer": "Sẽ công bố quý 3."})
    client.logout()
    with django_assert_max_num_queries(4):
        response = client.get(reverse("opendata:requests"))
    html = response.content.decode()
    assert html.count('class="od-item"') == 5
    assert "Sẽ công bố quý 3." in html
    assert "Phạm Minh Đức" not in html and "duc@example.vn" not in html
