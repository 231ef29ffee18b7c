"""The Circular 10/2021 upload page: files of my stations are read and reported line by line;
files of other stations are refused unread."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tinhso.accounts.models import User
from tinhso.core.models import AuditEntry
from tinhso.environment.models import QuarantinedReading, Reading
from tinhso.environment.tests.factories import EnvironmentWorld, build_environment

pytestmark = pytest.mark.django_db
URL = "/moi-truong/quan-ly/tai-tep/"
NAME = "BN_QCIZ_NT01_20261129080000.txt"
CONTENT = (
    b"pH\t7.2\t-\t20261129080000\t00\n"
    b"COD\t42.5\tmg/L\t20261129080000\t00\n"
    b"TSS\tabc\tmg/L\t20261129080000\t00\n"
    b"broken line\n"
)


@pytest.fixture
def env() -> EnvironmentWorld:
    return build_environment()


def login(client: Client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


def send(client: Client, *files: tuple[str, bytes]) -> str:
    uploads = [SimpleUploadedFile(name, content, "text/plain") for name, content in files]
    response = client.post(URL, {"uploads": uploads})
    assert response.status_code == 200
    return response.content.decode()


def row_of(page: str, name: str) -> str:
    row = page[page.index(f'data-file="{name}"') :]
    return row[: row.index("</tr>")]


def test_the_stations_officer_uploads_a_file_and_sees_its_report(
    client: Client, env: EnvironmentWorld
) -> None:
    login(client, "env_officer")
    assert 'enctype="multipart/form-data"' in client.get(URL).content.decode()
    row = row_of(send(client, (NAME, CONTENT)), NAME)
    assert '<td class="num accepted">2</td>' in row and '<td class="num quarantined">2</td>' in row
    assert "qc-nt-01" in row and "Dòng 3" in row and "Dòng 4" in row
    assert "Giá trị không phải là số" in row
    assert Reading.objects.filter(station=env.waste).count() == 2
    assert QuarantinedReading.objects.filter(station=env.waste, origin=NAME).count() == 2
    audit = AuditEntry.objects.filter(action="environment.readings.ingest").get()
    assert audit.actor_id == env.people["env_officer"].pk
    again = row_of(send(client, (NAME, CONTENT)), NAME)  # sent twice: stored once
    assert (
        '<td class="num accepted">0</td>' in again and '<td class="num duplicates">2</td>' in again
    )
    assert Reading.objects.filter(station=env.waste).count() == 2


def test_several_files_are_read_in_one_upload(client: Client, env: EnvironmentWorld) -> None:
    login(client, "env_officer")
    later = "BN_QCIZ_NT01_20261129090000.txt"
    page = send(client, (NAME, CONTENT), (later, CONTENT.replace(b"08", b"09")))
    assert 'data-file="' + NAME in page and 'data-file="' + later in page
    assert Reading.objects.filter(station=env.waste).count() == 4


def test_a_file_of_a_station_outside_my_scope_is_refused_unread(
    client: Client, env: EnvironmentWorld
) -> None:
    login(client, "officer_b")  # data.change in Tuấn Đạo only
    row = row_of(send(client, (NAME, CONTENT)), NAME)
    assert "không thuộc phạm vi bạn phụ trách" in row
    assert not Reading.objects.exists() and not QuarantinedReading.objects.exists()


def test_only_txt_files_are_taken(client: Client, env: EnvironmentWorld) -> None:
    login(client, "env_officer")
    response = client.post(URL, {"uploads": [SimpleUploadedFile("a.csv", b"x", "text/csv")]})
    assert "không phải tệp .txt" in response.content.decode()
    assert not QuarantinedReading.objects.exists()


def test_who_may_not_send_data_cannot_upload(client: Client, env: EnvironmentWorld) -> None:
    login(client, "auditor")
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"uploads": [SimpleUploadedFile(NAME, CONTENT)]}).status_code == 403
    assert not Reading.objects.exists()
