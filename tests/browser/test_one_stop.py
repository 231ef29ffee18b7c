"""A citizen applies from a phone; officers receive, process and return; the citizen rates."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.accounts.tests.factories import PASSWORD
from tinhso.services.choices import Rating
from tinhso.services.choices import Status as S
from tinhso.services.models import Dossier
from tinhso.services.tests.factories import PDF_BYTES, ServicesWorld, build_services

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}


def act(page: Any, form: str, dossier: Dossier, status: str, step: int) -> None:
    """Submit the action form ``form`` and check the dossier moved to ``status`` at ``step``.

    On SQLite the live server shares the test's in-memory database, whose tables are locked
    while either side uses them: the test reads only once the server has answered the POST.
    """
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click(f"#{form} button[type='submit']")
    assert answer.value.status == 200
    dossier.refresh_from_db()
    assert (dossier.status, dossier.step_index) == (status, step)


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/accounts/profile/")


@pytest.fixture
def sw(transactional_db: None, settings: Any, tmp_path: Any) -> ServicesWorld:
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_services()


def test_citizen_applies_on_a_phone_and_officers_see_it_through(
    live_server: Any, page: Any, sw: ServicesWorld
) -> None:
    base = live_server.url
    page.set_viewport_size(PHONE)

    # The citizen finds the procedure without diacritics and applies.
    sign_in(page, base, "citizen_a")
    page.goto(f"{base}/services/?q=dang+ky+khai+sinh")
    page.click("a:has-text('Đăng ký khai sinh')")
    page.click("a:has-text('Nộp trực tuyến')")
    page.select_option("#id_unit", str(sw.bac_giang.pk))
    page.click("button[value='next']")
    page.fill("#id_f_child_name", "Nguyễn Văn Bé")
    page.fill("#id_f_birth_date", "2026-11-20")
    page.select_option("#id_f_sex", "Nam")
    page.click("button[value='next']")
    page.set_input_files(
        "#id_doc_TK", {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.click("button[value='next']")
    page.click("button[value='submit']")
    code = page.locator("#dossier-code").inner_text().strip()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == S.SUBMITTED
    # Nothing on the phone-sized page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The commune's one-stop officer receives it and hands it on.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "officer_a")
    page.goto(f"{base}/services/xu-ly/?tab=receive")
    page.click(f"a:has-text('{code}')")
    act(page, "action-receive", dossier, S.RECEIVED, 0)
    act(page, "action-advance", dossier, S.PROCESSING, 1)
    page.locator("#details-advance").wait_for()
    act(page, "action-advance", dossier, S.PROCESSING, 2)
    # The approval is the leader's: the officer is no longer offered the next step.
    page.locator("#details-advance").wait_for(state="detached")

    # The leader approves with the electronic result.
    sign_in(page, base, "leader_a")
    page.goto(f"{base}/services/xu-ly/{dossier.pk}/")
    page.set_input_files(
        "#action-advance input[type='file']",
        {"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
    )
    page.check("#action-advance input[type='checkbox']")
    act(page, "action-advance", dossier, S.RESOLVED, 3)
    assert dossier.digital_result

    # The one-stop officer returns the result.
    sign_in(page, base, "officer_a")
    page.goto(f"{base}/services/xu-ly/{dossier.pk}/")
    act(page, "action-return", dossier, S.RETURNED, 3)

    # Back on the phone, the citizen sees the result and rates the service.
    page.set_viewport_size(PHONE)
    sign_in(page, base, "citizen_a")
    page.goto(f"{base}/services/ho-so-cua-toi/")
    page.click(f"a[href='/services/ho-so-cua-toi/{dossier.pk}/']")
    page.locator("#results-title").wait_for()
    assert page.locator("a:has-text('giay-khai-sinh.pdf')").count() == 1
    page.check(f"#rate input[value='{Rating.VERY_SATISFIED}']")
    page.fill("#rate textarea", "Nhanh, không phải đi lại")
    page.click("#rate button[type='submit']")
    page.locator("#rate").wait_for(state="detached")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.rating) == (S.RETURNED, Rating.VERY_SATISFIED)

    # Anyone can track it by code, without seeing who applied.
    page.context.clear_cookies()
    page.goto(f"{base}/services/tra-cuu/?code={code}")
    assert "Đã trả kết quả" in page.content()
    assert "Nguyễn Văn An" not in page.content()
