"""The one-stop slips as PDF: each builder returns a PDF, the receipt carries the tracking QR."""

from __future__ import annotations

import pytest

from tinhso.services import actions, slips
from tinhso.services.tests.factories import ServicesWorld, received_birth, submitted_birth
from tinhso.services.workdays import calendar

TRACK = "https://dichvucong.example.vn/services/tra-cuu/?code=X"


def test_qr_png_is_a_png_of_the_text():
    png = slips.qr_png(TRACK)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # The same text encodes to the same symbol; another text to another one.
    assert png == slips.qr_png(TRACK)
    assert png != slips.qr_png(TRACK + "Y")


def test_the_receipt_slip_encodes_the_tracking_url(
    sw: ServicesWorld, monkeypatch: pytest.MonkeyPatch
):
    seen: list[str] = []
    real = slips.qr_png

    def spy(text: str) -> bytes:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(slips, "qr_png", spy)
    dossier = received_birth(sw)
    pdf = slips.receipt_slip(dossier, tracking_url=TRACK)
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert seen == [TRACK]


def test_the_rejection_slip_needs_a_rejection(sw: ServicesWorld):
    dossier = submitted_birth(sw)
    with pytest.raises(ValueError, match="not rejected"):
        slips.rejection_slip(dossier)
    dossier = actions.reject_dossier(dossier, actor=sw["officer_a"], reason="Sai thẩm quyền")
    assert slips.rejection_slip(dossier).startswith(b"%PDF")


def test_the_supplement_slip_needs_a_request(sw: ServicesWorld):
    dossier = received_birth(sw)
    with pytest.raises(ValueError, match="no supplement"):
        slips.supplement_slip(dossier)
    dossier = actions.request_supplement(
        dossier, actor=sw["officer_a"], reason="Bổ sung bản sao giấy chứng sinh có chứng thực"
    )
    assert slips.supplement_slip(dossier).startswith(b"%PDF")


def test_the_apology_slip_prints_the_latest_apology(sw: ServicesWorld):
    dossier = received_birth(sw)
    with pytest.raises(ValueError, match="no apology"):
        slips.apology_slip(dossier)
    assert dossier.due_date is not None
    apology = actions.apologise(
        dossier,
        actor=sw["officer_a"],
        reason="Chờ kết quả xác minh của cơ quan công an",
        new_due_date=calendar().add(dossier.due_date, 2),
    )
    dossier.refresh_from_db()
    assert slips.apology_slip(dossier).startswith(b"%PDF")
    assert slips.apology_slip(dossier, apology).startswith(b"%PDF")


def test_every_slip_has_a_form_label_marked_with_the_circular():
    assert set(slips.FORM_LABELS) == set(slips.KINDS)
    assert all("01/2018/TT-VPCP" in label for label in slips.FORM_LABELS.values())
