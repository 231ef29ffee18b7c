"""Dossier codes: the Circular 01/2018 shape, daily sequences, uniqueness under concurrency."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection

from tinhso.services import codes
from tinhso.services.models import Dossier
from tinhso.services.tests.factories import ServicesWorld, submitted_birth


def test_codes_follow_the_circular_and_count_per_agency_and_day(sw: ServicesWorld):
    day = dt.date(2026, 11, 30)
    first = codes.issue_code(sw.ubnd_bac_giang, day)
    second = codes.issue_code(sw.ubnd_bac_giang, day)
    other_agency = codes.issue_code(sw.ubnd_tuan_dao, day)
    next_day = codes.issue_code(sw.ubnd_bac_giang, day + dt.timedelta(days=1))
    assert first == "000.00.04.Z99-261130-0001"
    assert second == "000.00.04.Z99-261130-0002"
    assert other_agency == "000.00.05.Z99-261130-0001"
    assert next_day == "000.00.04.Z99-261201-0001"
    assert all(codes.CODE_PATTERN.match(c) for c in (first, second, other_agency, next_day))


def test_submission_gets_a_code_of_the_receiving_agency(sw: ServicesWorld):
    dossier = submitted_birth(sw)
    assert dossier.code is not None
    assert dossier.code.startswith("000.00.04.Z99-")
    assert codes.CODE_PATTERN.match(dossier.code)


def test_agency_without_identifier_code_cannot_issue(sw: ServicesWorld):
    sw.ubnd_bac_giang.codes.all().delete()
    with pytest.raises(codes.CodeError, match="chưa có mã định danh"):
        codes.issue_code(sw.ubnd_bac_giang, dt.date(2026, 11, 30))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_submissions_get_fifty_distinct_codes():
    from tinhso.services.tests.factories import build_services

    sw = build_services()
    drafts = []
    for _ in range(50):
        from tinhso.services import actions
        from tinhso.services.tests.factories import applicant_of, pdf_upload

        user = sw["citizen_a"]
        draft = actions.save_draft(
            sw.birth,
            actor=user,
            applicant=applicant_of(user),
            form_data={"child_name": "Bé", "birth_date": "2026-11-20", "sex": "Nữ"},
            unit=sw.bac_giang,
        )
        actions.add_attachment(draft, actor=user, upload=pdf_upload(), document_code="TK")
        drafts.append(draft)
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def submit(draft: Dossier) -> None:
        try:
            barrier.wait()
            actions.submit_dossier(draft, actor=sw["citizen_a"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    issued = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(issued) == 50
    assert len(set(issued)) == 50
    assert sorted(int(str(code)[-4:]) for code in issued) == list(range(1, 51))
