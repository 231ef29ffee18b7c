"""The officer's workspace: inbox, dossier page and its actions, counter intake, slips and the
province's calendar, through the views."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tinhso.services import actions, slips
from tinhso.services.choices import AttachmentKind, Channel, DayKind
from tinhso.services.choices import Status as S
from tinhso.services.models import CalendarDay, Dossier
from tinhso.services.tests.factories import (
    ServicesWorld,
    pdf_upload,
    received_birth,
    submitted_birth,
)
from tinhso.services.workdays import calendar

INBOX = "/services/xu-ly/"


def login(client: Client, sw: ServicesWorld, name: str) -> Client:
    client.force_login(sw[name])
    return client


def act(client: Client, dossier: Dossier, action: str, **data: Any) -> Any:
    """POST one action of the dossier page with the dossier's current version."""
    dossier.refresh_from_db()
    payload = {"version": dossier.version, **data}
    return client.post(reverse("services:dossier-action", args=[dossier.pk, action]), payload)


def submitted_as(sw: ServicesWorld, name: str) -> Dossier:
    """A birth registration in phường Bắc Giang submitted by citizen A for ``name``."""
    user = sw["citizen_a"]
    draft = actions.save_draft(
        sw.birth,
        actor=user,
        applicant=actions.Applicant(name=name, account=user),
        form_data={"child_name": "Bé", "birth_date": "2026-01-02", "sex": "Nữ"},
        unit=sw.bac_giang,
    )
    actions.add_attachment(draft, actor=user, upload=pdf_upload(), document_code="TK")
    return actions.submit_dossier(draft, actor=user)


def codes_in(response: Any) -> set[str]:
    return {row["dossier"].code for row in response.context["rows"]}


# --- inbox -------------------------------------------------------------------------------


def test_inbox_lists_only_dossiers_of_the_officers_agency(client: Client, sw: ServicesWorld):
    ours = submitted_birth(sw)
    theirs = submitted_birth(sw, "citizen_b")
    response = login(client, sw, "officer_a").get(INBOX)
    assert response.status_code == 200
    assert codes_in(response) == {ours.code}
    client.force_login(sw["officer_b"])
    assert codes_in(client.get(INBOX)) == {theirs.code}


def test_a_citizen_cannot_open_the_inbox(client: Client, sw: ServicesWorld):
    assert login(client, sw, "citizen_a").get(INBOX).status_code == 403


def test_the_inbox_needs_a_login(client: Client, sw: ServicesWorld):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "login" in response["Location"]


def _spread(sw: ServicesWorld) -> dict[str, Dossier]:
    """Dossiers of phường Bắc Giang in each situation the tabs tell apart."""
    today = timezone.localdate()
    officer = sw["officer_a"]
    submitted = submitted_birth(sw)
    due_today = received_birth(sw)
    Dossier.objects.filter(pk=due_today.pk).update(due_date=today)
    overdue = actions.advance_dossier(received_birth(sw), actor=officer)
    Dossier.objects.filter(pk=overdue.pk).update(due_date=today - datetime.timedelta(days=3))
    waiting = actions.request_supplement(received_birth(sw), actor=officer, reason="Thiếu GCS")
    resolved = received_birth(sw)
    for actor in ("officer_a", "officer_a", "leader_a"):
        resolved = actions.advance_dossier(resolved, actor=sw[actor])
    calm = received_birth(sw)
    Dossier.objects.filter(pk=calm.pk).update(
        due_date=calendar().add(today, 5), step_due=calendar().add(today, 2)
    )
    returned = actions.return_result(
        actions.advance_dossier(
            actions.advance_dossier(
                actions.advance_dossier(received_birth(sw), actor=officer), actor=officer
            ),
            actor=sw["leader_a"],
        ),
        actor=officer,
    )
    return {
        "submitted": submitted,
        "due_today": due_today,
        "overdue": overdue,
        "waiting": waiting,
        "resolved": resolved,
        "calm": calm,
        "returned": returned,
    }


def test_each_tab_lists_its_dossiers_and_counts_them(client: Client, sw: ServicesWorld):
    made = _spread(sw)
    code = {name: dossier.code for name, dossier in made.items()}
    login(client, sw, "officer_a")
    expected = {
        "all": {code[n] for n in made if n != "returned"},
        "receive": {code["submitted"]},
        "today": {code["due_today"]},
        "overdue": {code["overdue"]},
        "supplement": {code["waiting"]},
        "apology": {code["due_today"], code["overdue"]},
        "return": {code["resolved"]},
    }
    for tab, codes in expected.items():
        response = client.get(INBOX, {"tab": tab})
        assert codes_in(response) == codes, tab
        counts = {item["slug"]: item["count"] for item in response.context["tabs"]}
        assert counts == {slug: len(found) for slug, found in expected.items()}


def test_the_apology_tab_agrees_with_the_apology_rule(client: Client, sw: ServicesWorld):
    made = _spread(sw)
    today = timezone.localdate()
    cal = calendar()
    due = {
        d.code
        for d in Dossier.objects.filter(pk__in=[d.pk for d in made.values()])
        if actions.apology_due(d, today, cal)
    }
    response = login(client, sw, "officer_a").get(INBOX, {"tab": "apology"})
    assert codes_in(response) == due


def test_overdue_and_due_today_rows_carry_badges(client: Client, sw: ServicesWorld):
    _spread(sw)
    page = login(client, sw, "officer_a").get(INBOX).content.decode()
    assert 'class="badge badge-bad">Quá hạn<' in page
    assert 'class="badge badge-warn">Đến hạn hôm nay<' in page


def test_search_finds_a_name_without_diacritics_and_a_code(client: Client, sw: ServicesWorld):
    an = submitted_as(sw, "Nguyễn Văn Ân")
    binh = submitted_as(sw, "Đặng Thị Bình")
    login(client, sw, "officer_a")
    assert codes_in(client.get(INBOX, {"q": "nguyen van an"})) == {an.code}
    assert codes_in(client.get(INBOX, {"q": "dang thi"})) == {binh.code}
    assert binh.code is not None
    assert codes_in(client.get(INBOX, {"q": binh.code[-6:]})) == {binh.code}
    assert codes_in(client.get(INBOX, {"q": "không có ai"})) == set()


def test_the_procedure_filter_keeps_that_procedures_dossiers(client: Client, sw: ServicesWorld):
    birth = submitted_birth(sw)
    login(client, sw, "officer_a")
    assert codes_in(client.get(INBOX, {"procedure": sw.birth.pk})) == {birth.code}
    response = client.get(INBOX, {"procedure": sw.permit.pk})
    assert response.status_code == 400  # not a procedure of this inbox


def test_htmx_gets_the_inbox_list_alone(client: Client, sw: ServicesWorld):
    submitted_birth(sw)
    response = login(client, sw, "officer_a").get(
        INBOX, {"tab": "receive"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert 'id="inbox-tabs"' in response.content.decode()


def test_the_inbox_takes_the_same_queries_for_more_dossiers(
    client: Client, sw: ServicesWorld, django_assert_num_queries: Any
):
    submitted_birth(sw)
    received_birth(sw)
    login(client, sw, "officer_a")
    client.get(INBOX)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX, {"q": "nguyen"}).status_code == 200
    for _ in range(3):
        submitted_birth(sw)
        actions.request_supplement(received_birth(sw), actor=sw["officer_a"], reason="Thiếu")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(INBOX, {"q": "nguyen"})
    assert len(response.context["rows"]) == 8


def test_bulk_receive_receives_the_ticked_dossiers_and_reports_the_rest(
    client: Client, sw: ServicesWorld
):
    first = submitted_birth(sw)
    second = submitted_birth(sw)
    elsewhere = submitted_birth(sw, "citizen_b")
    login(client, sw, "officer_a")
    response = client.post(
        reverse("services:inbox-receive"),
        {"ids": [first.pk, second.pk, elsewhere.pk]},
        follow=True,
    )
    assert response.status_code == 200
    statuses = dict(Dossier.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == S.RECEIVED
    assert statuses[elsewhere.pk] == S.SUBMITTED
    texts = [str(m) for m in response.context["messages"]]
    assert any("Đã tiếp nhận 2 hồ sơ" in text for text in texts)
    assert any("1 hồ sơ không còn chờ tiếp nhận" in text for text in texts)


def test_bulk_receive_with_nothing_ticked_only_warns(client: Client, sw: ServicesWorld):
    submitted = submitted_birth(sw)
    response = login(client, sw, "officer_a").post(reverse("services:inbox-receive"), {})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


# --- dossier page ------------------------------------------------------------------------


def test_officer_of_another_commune_gets_404_on_the_dossier_and_its_actions(
    client: Client, sw: ServicesWorld
):
    dossier = submitted_birth(sw)
    login(client, sw, "officer_b")
    assert client.get(reverse("services:dossier", args=[dossier.pk])).status_code == 404
    assert act(client, dossier, "receive").status_code == 404
    attachment = dossier.attachments.get()
    assert client.get(reverse("services:attachment", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("services:slip", args=[dossier.pk, "receipt"])).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_a_viewer_without_change_rights_sees_no_actions_and_gets_403(
    client: Client, sw: ServicesWorld
):
    dossier = submitted_birth(sw)
    login(client, sw, "auditor")
    page = client.get(reverse("services:dossier", args=[dossier.pk]))
    assert page.status_code == 200
    assert page.context["actions"] == []
    response = act(client, dossier, "receive")
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_the_dossier_page_shows_applicant_form_documents_and_history(
    client: Client, sw: ServicesWorld
):
    dossier = received_birth(sw)
    page = login(client, sw, "officer_a").get(reverse("services:dossier", args=[dossier.pk]))
    text = page.content.decode()
    assert "Nguyễn Văn An" in text
    assert "024090001234" in text
    assert "Họ và tên của trẻ" in text and "Nguyễn Văn Bé" in text
    assert "20/11/2026" in text  # the birth date, dd/mm/yyyy
    assert reverse("services:attachment", args=[dossier.attachments.get().pk]) in text
    assert [row["event"].action for row in page.context["events"]] == ["submit", "receive"]
    assert "Tiếp nhận" in text and "Chuyển bước tiếp theo" in text
    assert {a["name"] for a in page.context["actions"]} >= {"advance", "request_supplement"}


def test_the_attachment_downloads_for_an_officer_who_may_see_it(client: Client, sw: ServicesWorld):
    dossier = submitted_birth(sw)
    attachment = dossier.attachments.get()
    response = login(client, sw, "officer_a").get(
        reverse("services:attachment", args=[attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]


def test_the_whole_flow_runs_through_the_views(client: Client, sw: ServicesWorld):
    dossier = submitted_birth(sw)
    login(client, sw, "officer_a")
    assert act(client, dossier, "receive").status_code == 302
    assert act(client, dossier, "advance", comment="Đủ hồ sơ").status_code == 302
    assert act(client, dossier, "advance", comment="Đã thẩm định").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.PROCESSING and dossier.step_index == 2
    # The approval step is the leader's: the officer is offered no "Phê duyệt" and is refused.
    page = client.get(reverse("services:dossier", args=[dossier.pk]))
    assert "advance" not in {a["name"] for a in page.context["actions"]}
    assert act(client, dossier, "advance").status_code == 403
    client.force_login(sw["leader_a"])
    page = client.get(reverse("services:dossier", args=[dossier.pk]))
    assert "Phê duyệt" in page.content.decode()
    response = act(
        client,
        dossier,
        "advance",
        digital_result="on",
        result=pdf_upload("ket-qua.pdf"),
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.RESOLVED
    assert dossier.digital_result
    assert dossier.attachments.filter(kind=AttachmentKind.RESULT).count() == 1
    client.force_login(sw["officer_a"])
    assert act(client, dossier, "return").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.RETURNED
    actions_done = list(dossier.events.values_list("action", flat=True))
    assert actions_done == ["submit", "receive", "advance", "advance", "advance", "return"]


def test_a_stale_page_gets_409_and_changes_nothing(client: Client, sw: ServicesWorld):
    dossier = received_birth(sw)
    stale = dossier.version
    actions.request_payment(dossier, actor=sw["officer_a"], amount=8000, version=stale)
    dossier.refresh_from_db()
    before = (dossier.status, dossier.version, dossier.events.count())
    login(client, sw, "officer_a")
    url = reverse("services:dossier-action", args=[dossier.pk, "suspend"])
    response = client.post(url, {"version": stale, "reason": "Trùng hồ sơ"})
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác cập nhật" in response.content.decode()
    assert response.context["stale"]
    htmx = client.post(url, {"version": stale, "reason": "x"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 409
    assert htmx.content.decode().startswith('<div id="dossier-panel">')
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.events.count()) == before


def test_a_stale_result_upload_stores_no_file(client: Client, sw: ServicesWorld):
    dossier = received_birth(sw)
    for actor in ("officer_a", "officer_a"):
        dossier = actions.advance_dossier(dossier, actor=sw[actor])
    login(client, sw, "leader_a")
    url = reverse("services:dossier-action", args=[dossier.pk, "advance"])
    response = client.post(url, {"version": dossier.version - 1, "result": pdf_upload()})
    assert response.status_code == 409
    assert not dossier.attachments.filter(kind=AttachmentKind.RESULT).exists()


def test_htmx_actions_answer_with_the_panel(client: Client, sw: ServicesWorld):
    dossier = submitted_birth(sw)
    login(client, sw, "officer_a")
    dossier.refresh_from_db()
    response = client.post(
        reverse("services:dossier-action", args=[dossier.pk, "receive"]),
        {"version": dossier.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith('<div id="dossier-panel">')
    assert "Đã thực hiện “Tiếp nhận”" in text
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED


def test_an_invalid_form_or_refused_transition_answers_422(client: Client, sw: ServicesWorld):
    dossier = submitted_birth(sw)
    login(client, sw, "officer_a")
    response = act(client, dossier, "reject", reason="")
    assert response.status_code == 422
    assert response.context["open_action"] == "reject"
    refused = act(client, dossier, "return")
    assert refused.status_code == 422
    assert "Không thể “Trả kết quả”" in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_officer_side_branches_run_through_their_forms(client: Client, sw: ServicesWorld):
    dossier = received_birth(sw)
    login(client, sw, "officer_a")
    assert act(client, dossier, "request_supplement", reason="Thiếu giấy chứng sinh").status_code
    dossier.refresh_from_db()
    assert dossier.status == S.SUPPLEMENT
    assert act(client, dossier, "supplement", comment="Nộp tại quầy").status_code == 302
    assert act(client, dossier, "request_payment", amount=8000).status_code == 302
    assert act(client, dossier, "pay").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == S.RECEIVED and not dossier.paid_online and dossier.fee_amount == 8000
    assert dossier.due_date is not None
    new_date = calendar().add(dossier.due_date, 2)
    response = act(client, dossier, "apologise", reason="Chờ xác minh", new_due_date=new_date)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.due_date == new_date
    assert act(client, dossier, "transfer", agency=sw.ubnd_tinh.pk).status_code == 302
    dossier.refresh_from_db()
    assert dossier.handling_agency_id == sw.ubnd_tinh.pk
    # Transferred away, the commune officer may still see it but has nothing left to do.
    page = client.get(reverse("services:dossier", args=[dossier.pk]))
    assert page.status_code == 200 and page.context["actions"] == []


def test_withdraw_and_suspend_close_the_dossier(client: Client, sw: ServicesWorld):
    first = received_birth(sw)
    second = received_birth(sw)
    login(client, sw, "officer_a")
    assert act(client, first, "withdraw", reason="Người nộp xin rút").status_code == 302
    assert act(client, second, "suspend", reason="Giả mạo giấy tờ").status_code == 302
    statuses = dict(Dossier.objects.values_list("pk", "status"))
    assert statuses[first.pk] == S.WITHDRAWN and statuses[second.pk] == S.SUSPENDED


def test_a_late_dossier_shows_the_apology_warning(client: Client, sw: ServicesWorld):
    dossier = received_birth(sw)
    page = login(client, sw, "officer_a").get(reverse("services:dossier", args=[dossier.pk]))
    assert 'id="apology-warning"' not in page.content.decode()
    Dossier.objects.filter(pk=dossier.pk).update(due_date=timezone.localdate())
    page = client.get(reverse("services:dossier", args=[dossier.pk]))
    assert 'id="apology-warning"' in page.content.decode()


def test_unknown_actions_and_drafts_are_not_found(client: Client, sw: ServicesWorld):
    dossier = submitted_birth(sw)
    login(client, sw, "officer_a")
    assert act(client, dossier, "rate").status_code == 404
    draft = actions.save_draft(
        sw.birth,
        actor=sw["citizen_a"],
        applicant=actions.Applicant(name="Nháp"),
        form_data={},
        unit=sw.bac_giang,
    )
    assert client.get(reverse("services:dossier", args=[draft.pk])).status_code == 404


# --- slips -------------------------------------------------------------------------------


def test_the_receipt_slip_is_an_inline_pdf_with_the_tracking_qr(
    client: Client, sw: ServicesWorld, monkeypatch: pytest.MonkeyPatch
):
    encoded: list[str] = []
    real = slips.qr_png

    def spy(text: str) -> bytes:
        encoded.append(text)
        return real(text)

    monkeypatch.setattr(slips, "qr_png", spy)
    dossier = received_birth(sw)
    response = login(client, sw, "officer_a").get(
        reverse("services:slip", args=[dossier.pk, "receipt"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content.startswith(b"%PDF")
    assert encoded == [f"http://testserver/services/tra-cuu/?code={dossier.code}"]


def test_each_slip_exists_once_its_event_happened(client: Client, sw: ServicesWorld):
    login(client, sw, "officer_a")
    rejected = submitted_birth(sw)

    def slip(dossier: Dossier, kind: str) -> int:
        url = reverse("services:slip", args=[dossier.pk, kind])
        response = client.get(url)
        if response.status_code == 200:
            assert response.content.startswith(b"%PDF")
        return int(response.status_code)

    assert slip(rejected, "receipt") == 404
    assert slip(rejected, "rejection") == 404
    actions.reject_dossier(rejected, actor=sw["officer_a"], reason="Sai thủ tục")
    assert slip(rejected, "rejection") == 200
    late = received_birth(sw)
    assert slip(late, "supplement") == 404
    assert slip(late, "apology") == 404
    assert slip(late, "nonsense") == 404
    late = actions.request_supplement(late, actor=sw["officer_a"], reason="Thiếu bản sao")
    assert slip(late, "supplement") == 200
    late = actions.provide_supplement(late, actor=sw["officer_a"])
    assert late.due_date is not None
    actions.apologise(
        late,
        actor=sw["officer_a"],
        reason="Chờ xác minh",
        new_due_date=calendar().add(late.due_date, 3),
    )
    assert slip(late, "apology") == 200
    page = client.get(reverse("services:dossier", args=[late.pk]))
    assert {s["kind"] for s in page.context["slips"]} == {"receipt", "supplement", "apology"}


# --- counter -----------------------------------------------------------------------------


def test_the_counter_finds_procedures_without_diacritics(client: Client, sw: ServicesWorld):
    response = login(client, sw, "officer_a").get(reverse("services:counter"), {"q": "khai sinh"})
    assert response.status_code == 200
    assert sw.birth in response.context["found"]


def test_counter_intake_receives_a_paper_dossier(client: Client, sw: ServicesWorld):
    login(client, sw, "officer_a")
    url = reverse("services:counter")
    form = client.get(url, {"procedure": sw.birth.pk})
    assert form.status_code == 200
    assert list(form.context["form"].fields["agency"].queryset) == [sw.ubnd_bac_giang]
    response = client.post(
        url,
        {
            "procedure": sw.birth.pk,
            "agency": sw.ubnd_bac_giang.pk,
            "applicant_kind": "citizen",
            "applicant_name": "Lê Văn Cường",
            "applicant_phone": "0900000000",
            "field_child_name": "Lê Văn Dũng",
            "field_birth_date": "2026-10-01",
            "field_sex": "Nam",
        },
    )
    dossier = Dossier.objects.get(applicant_name="Lê Văn Cường")
    assert response.status_code == 302
    assert response["Location"] == reverse("services:dossier", args=[dossier.pk]) + "?moi=1"
    assert dossier.status == S.RECEIVED and dossier.channel == Channel.DIRECT
    assert dossier.form_data == {
        "child_name": "Lê Văn Dũng",
        "birth_date": "2026-10-01",
        "sex": "Nam",
    }
    assert dossier.due_date is not None
    page = client.get(response["Location"])
    assert reverse("services:slip", args=[dossier.pk, "receipt"]) in page.content.decode()


def test_counter_scans_are_attached_as_submitted_documents(client: Client, sw: ServicesWorld):
    login(client, sw, "officer_a")
    client.post(
        reverse("services:counter"),
        {
            "procedure": sw.birth.pk,
            "agency": sw.ubnd_bac_giang.pk,
            "applicant_kind": "citizen",
            "applicant_name": "Lê Văn Cường",
            "field_child_name": "Lê Văn Dũng",
            "field_birth_date": "2026-10-01",
            "field_sex": "Nam",
            "scan_TK": pdf_upload("to-khai-quet.pdf"),
        },
    )
    dossier = Dossier.objects.get(applicant_name="Lê Văn Cường")
    assert dossier.attachments.filter(kind=AttachmentKind.INPUT, document_code="TK").exists()


def test_counter_refuses_a_bad_scan_before_receiving(client: Client, sw: ServicesWorld):
    login(client, sw, "officer_a")
    response = client.post(
        reverse("services:counter"),
        {
            "procedure": sw.birth.pk,
            "agency": sw.ubnd_bac_giang.pk,
            "applicant_kind": "citizen",
            "applicant_name": "Lê Văn Cường",
            "field_child_name": "Lê Văn Dũng",
            "field_birth_date": "2026-10-01",
            "field_sex": "Nam",
            "scan_TK": pdf_upload("to-khai.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 422
    assert "chương trình chạy được" in response.content.decode()
    assert not Dossier.objects.filter(applicant_name="Lê Văn Cường").exists()


def test_counter_offers_only_the_officers_agencies(client: Client, sw: ServicesWorld):
    login(client, sw, "officer_b")
    response = client.post(
        reverse("services:counter"),
        {
            "procedure": sw.birth.pk,
            "agency": sw.ubnd_bac_giang.pk,
            "applicant_kind": "citizen",
            "applicant_name": "Người lạ",
            "field_child_name": "Bé",
            "field_birth_date": "2026-10-01",
            "field_sex": "Nam",
        },
    )
    assert response.status_code == 422
    assert not Dossier.objects.exists()
    assert login(client, sw, "citizen_a").get(reverse("services:counter")).status_code == 403


# --- calendar ----------------------------------------------------------------------------


def test_officers_see_the_calendar_and_the_calculator(client: Client, sw: ServicesWorld):
    login(client, sw, "officer_a")
    response = client.get(
        reverse("services:calendar"), {"year": "2026", "start": "2026-02-13", "days": "1"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "17/02/2026" in text  # Tết Nguyên Đán
    assert response.context["due"] == datetime.date(2026, 2, 23)
    assert response.context["may_edit"] is False
    assert 'id="declare-form"' not in text
    assert login(client, sw, "citizen_a").get(reverse("services:calendar")).status_code == 403


@pytest.mark.parametrize("name", ["officer_a", "leader_a", "leader_so"])
def test_only_province_wide_approvers_declare_days(client: Client, sw: ServicesWorld, name: str):
    login(client, sw, name)
    response = client.post(
        reverse("services:calendar-declare"),
        {"date": "2026-12-31", "kind": DayKind.OFF, "reason": "Nghỉ"},
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_an_operator_declares_and_removes_a_day(client: Client, sw: ServicesWorld):
    login(client, sw, "operator")
    response = client.post(
        reverse("services:calendar-declare"),
        {"date": "2026-12-31", "kind": DayKind.OFF, "reason": "Nghỉ cuối năm", "source": "QĐ 1"},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.date, day.kind, day.source) == (datetime.date(2026, 12, 31), DayKind.OFF, "QĐ 1")
    page = client.get(reverse("services:calendar"), {"year": "2026"})
    assert page.context["may_edit"] and "Nghỉ cuối năm" in page.content.decode()
    bad = client.post(reverse("services:calendar-declare"), {"date": "x", "kind": "off"})
    assert bad.status_code == 422
    client.post(reverse("services:calendar-undeclare"), {"date": "2026-12-31"})
    assert not CalendarDay.objects.exists()
