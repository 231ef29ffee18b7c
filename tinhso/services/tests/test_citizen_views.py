"""Citizens' pages: catalogue, online submission step by step, my dossiers, public tracking."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.services import actions
from tinhso.services.choices import AttachmentKind, Rating, Status
from tinhso.services.models import Attachment, Dossier
from tinhso.services.tests.factories import (
    PDF_BYTES,
    ProcedureFactory,
    ServicesWorld,
    applicant_of,
    fake_file,
    pdf_upload,
    received_birth,
    submitted_birth,
)

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("services:catalogue")
TRACK = reverse("services:track")
MINE = reverse("services:my-dossiers")
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def apply_url(code: str, dossier: Dossier | None = None, step: int | str = 1) -> str:
    url = reverse("services:apply", args=[code])
    return url if dossier is None else f"{url}?ho-so={dossier.pk}&buoc={step}"


def text(response: Any) -> str:
    return response.content.decode()


def code_of(dossier: Dossier) -> str:
    assert dossier.code is not None
    return dossier.code


def login(client: Client, sw: ServicesWorld, name: str = "citizen_a") -> Any:
    user = sw[name]
    client.force_login(user)
    return user


def draft_birth(sw: ServicesWorld, citizen: str = "citizen_a", **form_data: str) -> Dossier:
    """A birth-registration draft of ``citizen`` at phường Bắc Giang (step 1 done)."""
    user = sw[citizen]
    return actions.save_draft(
        sw.birth,
        actor=user,
        applicant=applicant_of(user),
        form_data=form_data,
        unit=sw.bac_giang,
    )


def complete_draft(sw: ServicesWorld) -> Dossier:
    """A birth-registration draft with its fields and mandatory document, ready to submit."""
    draft = draft_birth(sw, child_name="Nguyễn Văn Bé", birth_date="2026-11-20", sex="Nam")
    actions.add_attachment(draft, actor=sw["citizen_a"], upload=pdf_upload(), document_code="TK")
    return draft


def returned_birth(sw: ServicesWorld) -> Dossier:
    """Citizen A's birth registration taken through every step and returned."""
    dossier = received_birth(sw)
    dossier = actions.advance_dossier(dossier, actor=sw["officer_a"])
    dossier = actions.advance_dossier(dossier, actor=sw["officer_a"])
    dossier = actions.advance_dossier(dossier, actor=sw["leader_a"])
    return actions.return_result(dossier, actor=sw["officer_a"])


# --- catalogue -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["đăng ký khai sinh", "dang ky khai sinh", "DANG KY", "Khai Sinh", "1.001193"]
)
def test_catalogue_search_finds_birth_registration_with_or_without_diacritics(
    client: Client, sw: ServicesWorld, query: str
) -> None:
    response = client.get(CATALOGUE, {"q": query})
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in text(response)
    assert "Cấp giấy phép hoạt động đo lường" not in text(response)


def test_catalogue_without_query_lists_current_procedures_only(
    client: Client, sw: ServicesWorld
) -> None:
    ProcedureFactory.create(
        name="Thủ tục cũ đã bãi bỏ",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    body = text(client.get(CATALOGUE))
    assert "Đăng ký khai sinh" in body
    assert "Cấp giấy phép hoạt động đo lường" in body
    assert "Chứng thực chữ ký" in body
    assert "Thủ tục cũ đã bãi bỏ" not in body


def test_catalogue_filters_by_level_field_and_service_class(
    client: Client, sw: ServicesWorld
) -> None:
    province = text(client.get(CATALOGUE, {"level": 1}))
    assert "Cấp giấy phép hoạt động đo lường" in province
    assert "Đăng ký khai sinh" not in province
    by_field = text(client.get(CATALOGUE, {"field": "Đo lường"}))
    assert "Cấp giấy phép hoạt động đo lường" in by_field
    assert "Đăng ký khai sinh" not in by_field
    in_person = text(client.get(CATALOGUE, {"service_class": "in_person"}))
    assert "Chứng thực chữ ký" in in_person
    assert "Đăng ký khai sinh" not in in_person


def test_catalogue_search_without_match_shows_empty_state(
    client: Client, sw: ServicesWorld
) -> None:
    response = client.get(CATALOGUE, {"q": "khong co thu tuc nay"})
    assert response.status_code == 200
    assert "Không tìm thấy thủ tục phù hợp" in text(response)


def test_catalogue_htmx_request_gets_the_result_list_only(
    client: Client, sw: ServicesWorld
) -> None:
    response = client.get(CATALOGUE, {"q": "khai sinh"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert "Đăng ký khai sinh" in text(response)


def test_catalogue_pages_and_query_count_stay_fixed(
    client: Client, sw: ServicesWorld, django_assert_num_queries: Any
) -> None:
    ProcedureFactory.create_batch(30, field="Hộ tịch")
    # distinct fields, count, one page of procedures with their agencies
    with django_assert_num_queries(3):
        response = client.get(CATALOGUE)
    assert "Trang 1/2" in text(response)
    assert text(client.get(CATALOGUE, {"page": 2})).count('class="svc-item"') == 13


def test_procedure_page_shows_documents_marks_and_online_button(
    client: Client, sw: ServicesWorld
) -> None:
    body = text(client.get(reverse("services:procedure", args=[sw.birth.code])))
    assert "Tờ khai" in body and "Giấy chứng sinh" in body
    assert "Bắt buộc" in body
    assert "Có thể lấy từ kho dữ liệu" in body
    assert "3 ngày làm việc" in body
    assert "Nộp trực tuyến" in body
    assert apply_url(sw.birth.code) in body


def test_procedure_page_of_in_person_procedure_has_no_online_button(
    client: Client, sw: ServicesWorld
) -> None:
    body = text(client.get(reverse("services:procedure", args=[sw.in_person.code])))
    assert "Nộp trực tuyến" not in body
    assert "chỉ thực hiện trực tiếp" in body


def test_unknown_procedure_is_404(client: Client, sw: ServicesWorld) -> None:
    assert client.get(reverse("services:procedure", args=["9.999999"])).status_code == 404


# --- submission: step 1 --------------------------------------------------------------------


def test_apply_needs_login(client: Client, sw: ServicesWorld) -> None:
    response = client.get(apply_url(sw.birth.code))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_apply_to_in_person_procedure_goes_back_to_its_page(
    client: Client, sw: ServicesWorld
) -> None:
    login(client, sw)
    response = client.get(apply_url(sw.in_person.code))
    assert response.status_code == 302
    assert response["Location"] == reverse("services:procedure", args=[sw.in_person.code])


def test_step_one_is_prefilled_from_the_account_and_offers_current_communes(
    client: Client, sw: ServicesWorld
) -> None:
    login(client, sw)
    response = client.get(apply_url(sw.birth.code))
    body = text(response)
    assert response.status_code == 200
    assert 'value="Nguyễn Văn An"' in body
    assert 'value="024090001234"' in body
    assert 'value="0912345678"' in body
    assert f'<option value="{sw.bac_giang.pk}" selected>' in body
    assert "Xã Tuấn Đạo" in body
    assert "Phường Ngô Quyền" not in body  # ended on 30/06/2025
    assert '<progress max="4" value="1"' in body


def test_step_one_for_a_business_asks_for_the_tax_code(client: Client, sw: ServicesWorld) -> None:
    login(client, sw, "business_b")
    body = text(client.get(apply_url(sw.birth.code)))
    assert "Mã số thuế" in body
    assert 'value="2400123458"' in body


def test_step_one_without_commune_is_refused_with_a_message(
    client: Client, sw: ServicesWorld
) -> None:
    login(client, sw)
    response = client.post(
        apply_url(sw.birth.code),
        {"name": "Nguyễn Văn An", "id_number": "024090001234", "go": "next"},
    )
    assert response.status_code == 422
    assert "field-error" in text(response)
    assert not Dossier.objects.exists()


def test_step_one_with_a_bad_id_number_is_refused(client: Client, sw: ServicesWorld) -> None:
    login(client, sw)
    response = client.post(
        apply_url(sw.birth.code),
        {"name": "Nguyễn Văn An", "id_number": "12345", "unit": sw.bac_giang.pk, "go": "next"},
    )
    assert response.status_code == 422
    assert not Dossier.objects.exists()


def test_step_one_saves_a_draft_at_the_chosen_commune_and_goes_on(
    client: Client, sw: ServicesWorld
) -> None:
    user = login(client, sw)
    response = client.post(
        apply_url(sw.birth.code),
        {
            "name": "Nguyễn Văn An",
            "id_number": "024090001234",
            "phone": "0912345678",
            "unit": sw.tuan_dao.pk,
            "go": "next",
        },
    )
    draft = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == apply_url(sw.birth.code, draft, 2)
    assert draft.status == Status.DRAFT
    assert draft.applicant == user
    assert draft.unit == sw.tuan_dao
    assert draft.receiving_agency == sw.ubnd_tuan_dao


def test_step_one_of_a_provincial_procedure_offers_no_commune(
    client: Client, sw: ServicesWorld
) -> None:
    login(client, sw)
    body = text(client.get(apply_url(sw.permit.code)))
    assert 'name="unit"' not in body
    assert "Sở Khoa học và Công nghệ tỉnh Bắc Ninh" in body
    response = client.post(
        apply_url(sw.permit.code),
        {"name": "Nguyễn Văn An", "id_number": "024090001234", "go": "next"},
    )
    assert response.status_code == 302
    draft = Dossier.objects.get()
    assert draft.receiving_agency == sw.centre
    assert draft.deciding_agency == sw.so_khcn


def test_save_draft_button_stays_on_the_step(client: Client, sw: ServicesWorld) -> None:
    login(client, sw)
    response = client.post(
        apply_url(sw.birth.code),
        {
            "name": "Nguyễn Văn An",
            "id_number": "024090001234",
            "unit": sw.bac_giang.pk,
            "go": "save",
        },
    )
    draft = Dossier.objects.get()
    assert response["Location"] == apply_url(sw.birth.code, draft, 1)
    page = client.get(response["Location"])
    assert "Đã lưu nháp" in text(page)


def test_another_citizen_cannot_open_my_draft(client: Client, sw: ServicesWorld) -> None:
    draft = draft_birth(sw)
    login(client, sw, "citizen_b")
    assert client.get(apply_url(sw.birth.code, draft, 2)).status_code == 404
    assert client.post(apply_url(sw.birth.code, draft, 2), {"version": 1}).status_code == 404


# --- submission: step 2 --------------------------------------------------------------------


def test_step_two_requires_the_procedure_fields_in_vietnamese(
    client: Client, sw: ServicesWorld
) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    response = client.post(
        apply_url(sw.birth.code, draft, 2), {"version": draft.version, "go": "next"}
    )
    assert response.status_code == 422
    assert "Hãy nhập “Họ và tên của trẻ”." in text(response)
    assert "Hãy nhập “Ngày sinh”." in text(response)


def test_step_two_renders_date_and_select_inputs(client: Client, sw: ServicesWorld) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    body = text(client.get(apply_url(sw.birth.code, draft, 2)))
    assert 'type="date"' in body
    assert '<option value="Nữ">Nữ</option>' in body


def test_step_two_saves_the_answers_and_goes_to_documents(
    client: Client, sw: ServicesWorld
) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    response = client.post(
        apply_url(sw.birth.code, draft, 2),
        {
            "version": draft.version,
            "f_child_name": "Nguyễn Văn Bé",
            "f_birth_date": "2026-11-20",
            "f_sex": "Nam",
            "go": "next",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == apply_url(sw.birth.code, draft, 3)
    draft.refresh_from_db()
    assert draft.form_data == {
        "child_name": "Nguyễn Văn Bé",
        "birth_date": "2026-11-20",
        "sex": "Nam",
    }


def test_step_two_save_draft_keeps_a_partial_declaration(client: Client, sw: ServicesWorld) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    response = client.post(
        apply_url(sw.birth.code, draft, 2),
        {"version": draft.version, "f_child_name": "Bé", "go": "save"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data["child_name"] == "Bé"


def test_step_two_with_an_old_version_asks_to_reload(client: Client, sw: ServicesWorld) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    old = draft.version
    client.post(apply_url(sw.birth.code, draft, 2), {"version": old, "go": "save"})
    response = client.post(
        apply_url(sw.birth.code, draft, 2), {"version": old, "f_child_name": "X", "go": "save"}
    )
    assert response.status_code == 422
    assert "tải lại trang" in text(response)


# --- submission: step 3 --------------------------------------------------------------------


def post_document(client: Client, sw: ServicesWorld, draft: Dossier, upload: Any) -> Any:
    return client.post(apply_url(sw.birth.code, draft, 3), {"doc_TK": upload, "go": "next"})


def error_beside_document(response: Any, code: str) -> str:
    match = re.search(rf'id="doc-{code}">(.*?)</div>', text(response), re.S)
    assert match, "the document's input is on the page"
    return match.group(1)


def test_step_three_refuses_a_renamed_executable_beside_its_input(
    client: Client, sw: ServicesWorld
) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    response = post_document(client, sw, draft, fake_file(b"MZ\x90\x00" + b"\x00" * 60, "x.pdf"))
    assert response.status_code == 422
    assert "là chương trình chạy được" in error_beside_document(response, "TK")
    assert not Attachment.objects.exists()


def test_step_three_refuses_a_png_renamed_pdf(client: Client, sw: ServicesWorld) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    response = post_document(client, sw, draft, fake_file(PNG_BYTES, "anh.pdf"))
    assert response.status_code == 422
    assert "phần mở rộng là “.pdf”" in error_beside_document(response, "TK")


def test_step_three_refuses_a_file_over_the_size_limit(
    client: Client, sw: ServicesWorld, settings: Any
) -> None:
    settings.TINHSO_UPLOAD_MAX_MB = 1
    draft = draft_birth(sw)
    login(client, sw)
    big = PDF_BYTES + b"0" * (1024 * 1024 + 10)
    response = post_document(client, sw, draft, fake_file(big, "lon.pdf"))
    assert response.status_code == 422
    assert "vượt giới hạn 1 MB" in error_beside_document(response, "TK")


def test_step_three_without_the_mandatory_document_cannot_go_on(
    client: Client, sw: ServicesWorld
) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    response = client.post(apply_url(sw.birth.code, draft, 3), {"go": "next"})
    assert response.status_code == 422
    assert "Thiếu giấy tờ bắt buộc: Tờ khai." in text(response)
    assert "Giấy chứng sinh" in text(response)  # reusable, may be skipped
    assert "lấy từ kho dữ liệu" in text(response)


def test_step_three_accepts_a_pdf_and_skips_the_reusable_document(
    client: Client, sw: ServicesWorld
) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    response = post_document(client, sw, draft, pdf_upload())
    assert response.status_code == 302
    assert response["Location"] == apply_url(sw.birth.code, draft, 4)
    attachment = Attachment.objects.get()
    assert (attachment.document_code, attachment.kind) == ("TK", AttachmentKind.INPUT)
    page = text(client.get(apply_url(sw.birth.code, draft, 3)))
    assert "to-khai.pdf" in page


# --- submission: step 4 --------------------------------------------------------------------


def test_review_lists_what_is_missing_and_submit_refuses_with_its_messages(
    client: Client, sw: ServicesWorld
) -> None:
    draft = draft_birth(sw)
    login(client, sw)
    review = text(client.get(apply_url(sw.birth.code, draft, 4)))
    assert "Hồ sơ chưa đủ để nộp" in review
    response = client.post(apply_url(sw.birth.code, draft, 4), {"version": draft.version})
    assert response.status_code == 422
    assert "Thiếu thông tin: Họ và tên của trẻ." in text(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_submit_gives_a_code_and_a_tracking_link(client: Client, sw: ServicesWorld) -> None:
    draft = complete_draft(sw)
    login(client, sw)
    review = text(client.get(apply_url(sw.birth.code, draft, 4)))
    assert "20/11/2026" in review
    assert "lấy từ kho dữ liệu" in review
    response = client.post(apply_url(sw.birth.code, draft, 4), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert re.fullmatch(r"000\.00\.04\.Z99-\d{6}-0001", draft.code or "")
    assert response["Location"] == apply_url(sw.birth.code, draft, "xong")
    done = text(client.get(response["Location"]))
    assert code_of(draft) in done
    assert f"{TRACK}?code={draft.code}" in done


def test_opening_a_submitted_dossier_in_the_form_shows_it_is_done(
    client: Client, sw: ServicesWorld
) -> None:
    dossier = submitted_birth(sw)
    login(client, sw)
    response = client.get(apply_url(sw.birth.code, dossier, 2))
    assert response["Location"] == apply_url(sw.birth.code, dossier, "xong")


def test_whole_submission_through_the_four_steps(client: Client, sw: ServicesWorld) -> None:
    login(client, sw)
    step = client.post(
        apply_url(sw.birth.code),
        {
            "name": "Nguyễn Văn An",
            "id_number": "024090001234",
            "unit": sw.bac_giang.pk,
            "go": "next",
        },
    )
    draft = Dossier.objects.get()
    step = client.post(
        step["Location"],
        {
            "version": draft.version,
            "f_child_name": "Bé",
            "f_birth_date": "2026-11-20",
            "f_sex": "Nữ",
            "go": "next",
        },
    )
    step = client.post(step["Location"], {"doc_TK": pdf_upload(), "go": "next"})
    draft.refresh_from_db()
    step = client.post(step["Location"], {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert code_of(draft) in text(client.get(step["Location"]))


# --- my dossiers -----------------------------------------------------------------------------


def test_my_dossiers_shows_only_mine_with_drafts_first(client: Client, sw: ServicesWorld) -> None:
    submitted = received_birth(sw)
    draft = draft_birth(sw)
    submitted_birth(sw, "citizen_b")
    login(client, sw)
    response = client.get(MINE)
    body = text(response)
    assert body.count('class="svc-item"') == 2
    assert body.index(f"ho-so={draft.pk}") < body.index(code_of(submitted))
    assert "Tiếp tục" in body
    assert f"{submitted.due_date:%d/%m/%Y}" in body
    assert "Đã tiếp nhận" in body


def test_my_dossiers_query_count_does_not_grow_with_the_list(
    client: Client, sw: ServicesWorld, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        draft_birth(sw)
    submitted_birth(sw)
    login(client, sw)
    # session, user, count, one page of dossiers with their procedures
    with django_assert_num_queries(4):
        response = client.get(MINE)
    assert text(response).count('class="svc-item"') == 4
    for _ in range(5):
        draft_birth(sw)
    with django_assert_num_queries(4):
        client.get(MINE)


def test_my_dossiers_needs_login(client: Client, sw: ServicesWorld) -> None:
    assert client.get(MINE).status_code == 302


def test_another_citizen_gets_404_on_my_dossier_and_my_attachment(
    client: Client, sw: ServicesWorld
) -> None:
    dossier = submitted_birth(sw)
    attachment = dossier.attachments.get()
    login(client, sw, "citizen_b")
    assert client.get(reverse("services:my-dossier", args=[dossier.pk])).status_code == 404
    url = reverse("services:my-attachment", args=[dossier.pk, attachment.pk])
    assert client.get(url).status_code == 404
    login(client, sw, "officer_a")
    assert client.get(url).status_code == 404


def test_applicant_downloads_own_attachment(client: Client, sw: ServicesWorld) -> None:
    dossier = submitted_birth(sw)
    attachment = dossier.attachments.get()
    login(client, sw)
    response: Any = client.get(reverse("services:my-attachment", args=[dossier.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "to-khai.pdf" in response["Content-Disposition"]


def test_my_dossier_shows_history_with_action_labels(client: Client, sw: ServicesWorld) -> None:
    dossier = received_birth(sw)
    login(client, sw)
    body = text(client.get(reverse("services:my-dossier", args=[dossier.pk])))
    assert "Nộp hồ sơ" in body and "Tiếp nhận" in body
    assert f"{dossier.due_date:%d/%m/%Y}" in body
    assert "Rút hồ sơ" in body
    assert "Gửi bổ sung" not in body and "Gửi đánh giá" not in body


def test_applicant_sends_supplement_files_and_the_dossier_goes_back(
    client: Client, sw: ServicesWorld
) -> None:
    dossier = actions.request_supplement(
        received_birth(sw), actor=sw["officer_a"], reason="Thiếu bản sao giấy chứng sinh"
    )
    login(client, sw)
    page = text(client.get(reverse("services:my-dossier", args=[dossier.pk])))
    assert "Thiếu bản sao giấy chứng sinh" in page
    response = client.post(
        reverse("services:my-dossier-supplement", args=[dossier.pk]),
        {"version": dossier.version, "files": [pdf_upload("gcs.pdf")], "comment": "Đã bổ sung"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.attachments.filter(kind=AttachmentKind.SUPPLEMENT, name="gcs.pdf").exists()


def test_refused_supplement_file_shows_its_message_and_nothing_moves(
    client: Client, sw: ServicesWorld
) -> None:
    dossier = actions.request_supplement(received_birth(sw), actor=sw["officer_a"], reason="Thiếu")
    login(client, sw)
    response = client.post(
        reverse("services:my-dossier-supplement", args=[dossier.pk]),
        {"version": dossier.version, "files": [fake_file(b"MZ" + b"\x00" * 80, "scan.pdf")]},
    )
    assert response.status_code == 422
    assert "là chương trình chạy được" in text(response)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT


def test_applicant_withdraws_and_a_stale_page_asks_to_reload(
    client: Client, sw: ServicesWorld
) -> None:
    dossier = submitted_birth(sw)
    login(client, sw)
    url = reverse("services:my-dossier-withdraw", args=[dossier.pk])
    stale = client.post(url, {"version": dossier.version - 1, "reason": "Nộp nhầm"})
    assert stale.status_code == 422
    assert "tải lại trang" in text(stale)
    response = client.post(url, {"version": dossier.version, "reason": "Nộp nhầm"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN


def test_rating_is_offered_after_return_and_accepted_once(
    client: Client, sw: ServicesWorld
) -> None:
    dossier = returned_birth(sw)
    login(client, sw)
    detail = reverse("services:my-dossier", args=[dossier.pk])
    assert "Gửi đánh giá" in text(client.get(detail))
    url = reverse("services:my-dossier-rate", args=[dossier.pk])
    response = client.post(url, {"rating": Rating.VERY_SATISFIED, "comment": "Nhanh"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.rating == Rating.VERY_SATISFIED
    assert "Gửi đánh giá" not in text(client.get(detail))
    again = client.post(url, {"rating": Rating.UNSATISFIED})
    assert again.status_code == 422
    assert "đã được đánh giá" in text(again)
    dossier.refresh_from_db()
    assert dossier.rating == Rating.VERY_SATISFIED


def test_rating_before_return_is_refused(client: Client, sw: ServicesWorld) -> None:
    dossier = received_birth(sw)
    login(client, sw)
    response = client.post(
        reverse("services:my-dossier-rate", args=[dossier.pk]), {"rating": Rating.SATISFIED}
    )
    assert response.status_code == 422
    dossier.refresh_from_db()
    assert dossier.rating is None


def test_result_document_is_downloadable_by_the_applicant(
    client: Client, sw: ServicesWorld
) -> None:
    dossier = returned_birth(sw)
    actions.add_attachment(
        dossier, actor=sw["officer_a"], upload=pdf_upload("ket-qua.pdf"), kind="result"
    )
    login(client, sw)
    body = text(client.get(reverse("services:my-dossier", args=[dossier.pk])))
    result = dossier.attachments.get(kind=AttachmentKind.RESULT)
    assert reverse("services:my-attachment", args=[dossier.pk, result.pk]) in body
    assert "Kết quả giải quyết" in body


# --- public tracking ---------------------------------------------------------------------------


def test_tracking_shows_status_and_dates_but_no_personal_data(
    client: Client, sw: ServicesWorld
) -> None:
    dossier = received_birth(sw)
    response = client.get(TRACK, {"code": code_of(dossier)})
    body = text(response)
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in body
    assert "Đã tiếp nhận" in body
    assert "mã 2" in body
    assert f"{dossier.due_date:%d/%m/%Y}" in body
    for secret in ("Nguyễn Văn An", "024090001234", "0912345678", "Hoàng Văn Thụ", "Nguyễn Văn Bé"):
        assert secret not in body
    assert response["Cache-Control"] == "private, max-age=0"


def test_tracking_lists_status_changes_only(client: Client, sw: ServicesWorld) -> None:
    dossier = actions.advance_dossier(received_birth(sw), actor=sw["officer_a"])
    dossier = actions.advance_dossier(dossier, actor=sw["officer_a"])
    body = text(client.get(TRACK, {"code": code_of(dossier)}))
    timeline = body[body.index("svc-timeline") :]
    assert timeline.count("<li>") == 3  # submitted, received, processing (twice advanced)


def test_tracking_unknown_code_is_a_friendly_empty_state(client: Client, sw: ServicesWorld) -> None:
    response = client.get(TRACK, {"code": "000.00.99.Z99-250101-9999"})
    assert response.status_code == 200
    assert "Không tìm thấy hồ sơ" in text(response)


def test_tracking_ignores_spaces_and_case(client: Client, sw: ServicesWorld) -> None:
    dossier = submitted_birth(sw)
    body = text(client.get(TRACK, {"code": f"  {(dossier.code or '').lower()} "}))
    assert "Mới đăng ký" in body


def test_tracking_takes_two_queries_and_writes_no_session(
    client: Client, sw: ServicesWorld, django_assert_num_queries: Any
) -> None:
    dossier = received_birth(sw)
    with django_assert_num_queries(2):
        response = client.get(TRACK, {"code": code_of(dossier)})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_tracking_shows_a_rejection_without_its_reason(client: Client, sw: ServicesWorld) -> None:
    dossier = actions.reject_dossier(
        submitted_birth(sw), actor=sw["officer_a"], reason="Tờ khai của ông An ghi sai"
    )
    body = text(client.get(TRACK, {"code": code_of(dossier)}))
    assert "Không được tiếp nhận" in body
    assert "ghi sai" not in body


def test_tracking_is_served_from_the_page_cache_until_the_dossier_changes(
    client: Client,
    sw: ServicesWorld,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dossier = received_birth(sw)
    first = text(client.get(TRACK, {"code": code_of(dossier)}))
    with django_assert_num_queries(0):
        again = client.get(TRACK, {"code": code_of(dossier)})
    assert text(again) == first and "Đã tiếp nhận" in first
    assert not again.cookies and "csrfmiddlewaretoken" not in first
    with django_capture_on_commit_callbacks(execute=True):
        actions.advance_dossier(dossier, actor=sw["officer_a"])
    with django_assert_num_queries(2):
        changed = text(client.get(TRACK, {"code": code_of(dossier)}))
    assert "Đang xử lý" in changed


def test_tracking_from_the_cache_follows_the_visitors_language(
    client: Client, sw: ServicesWorld
) -> None:
    dossier = received_birth(sw)
    assert "Đã tiếp nhận" in text(client.get(TRACK, {"code": code_of(dossier)}))
    client.cookies["django_language"] = "en"
    english = text(client.get(TRACK, {"code": code_of(dossier)}))
    assert "Received" in english and "Đã tiếp nhận" not in english


def test_signed_in_visitors_and_unknown_codes_bypass_the_page_cache(
    client: Client, sw: ServicesWorld, django_assert_num_queries: Any
) -> None:
    dossier = received_birth(sw)
    client.get(TRACK, {"code": code_of(dossier)})
    login(client, sw)
    assert "citizen_a" in text(client.get(TRACK, {"code": code_of(dossier)}))
    unknown = {"code": "000.00.99.Z99-250101-9999"}
    anonymous = Client()
    anonymous.get(TRACK, unknown)
    with django_assert_num_queries(1):
        assert "Không tìm thấy hồ sơ" in text(anonymous.get(TRACK, unknown))
