"""The CKAN Action API on a live server, read by the real ``ckanapi`` client and ``requests``:
transport, envelope, errors, authentication and the read actions (R1–R10, R13, R14)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import ckanapi
import pytest
import requests

from tinhso.accounts import actions as account_actions
from tinhso.accounts.scopes import Scope
from tinhso.opendata import actions
from tinhso.opendata.models import Dataset, UsageDay
from tinhso.opendata.tests.factories import OpenDataWorld, add_link, make_dataset

ISO_MICROSECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")


@dataclass
class Catalogue:
    """Datasets of both organisations in every state, and the site's address."""

    od: OpenDataWorld
    url: str
    budget: Dataset
    population: Dataset
    air: Dataset
    private: Dataset
    draft: Dataset
    withdrawn: Dataset

    def token(self, username: str, scope: Scope | None = None) -> str:
        """A fresh API token of ``username`` (narrowed to ``scope``)."""
        user = self.od[username]
        _token, secret = account_actions.create_token(
            user, actor=user, name=f"ckan-{username}", scope=scope
        )
        return secret

    def remote(self, apikey: str | None = None, **options: Any) -> ckanapi.RemoteCKAN:
        return ckanapi.RemoteCKAN(self.url, apikey=apikey, **options)


def build_catalogue(od: OpenDataWorld, url: str) -> Catalogue:
    """Create the catalogue described by :class:`Catalogue` through the actions."""
    budget = make_dataset(
        od.so,
        "Ngân sách địa phương năm 2024",
        name="ngan-sach-2024",
        notes="Số liệu **dự toán** thu chi ngân sách.",
        tags=["ngân sách", "tài chính"],
        themes=["kinh-te-tai-chinh"],
        frequency="ANNUAL",
        extras=json.dumps({"nguon": "Sở Tài chính"}),
    )
    add_link(budget, "Dự toán 2024 (CSV)", "CSV")
    population = make_dataset(od.so, "Dân số quận Đống Đa theo năm", tags=["dân số"])
    air = make_dataset(
        od.phuong, "Chất lượng không khí phường Bắc Giang", tags=["môi trường"], license="odc-by"
    )
    add_link(air, "Quan trắc (JSON)", "JSON")
    private = make_dataset(od.so, "Hồ sơ nội bộ của Sở", private=True)
    draft = make_dataset(od.so, "Bản nháp chỉ tiêu khoa học", state="draft")
    withdrawn = make_dataset(od.phuong, "Dữ liệu đã gỡ")
    actions.delete_dataset(withdrawn, actor=None)
    return Catalogue(od, url, budget, population, air, private, draft, withdrawn)


@pytest.fixture
def catalogue(od: OpenDataWorld, live_server: Any) -> Catalogue:
    return build_catalogue(od, live_server.url)


def action_url(catalogue: Catalogue, name: str, *, versioned: bool = True) -> str:
    return f"{catalogue.url}/api/{'3/' if versioned else ''}action/{name}"


# --- transport and envelope (R1–R4) ----------------------------------------------------------


def test_ckanapi_reads_status_show_from_the_unversioned_path(catalogue: Catalogue) -> None:
    status = catalogue.remote().action.status_show()

    assert status["ckan_version"] == "2.11.0"
    assert status["site_url"] == catalogue.url
    assert status["locale_default"] == "vi"
    assert set(status) == {
        "site_title",
        "site_description",
        "site_url",
        "error_emails_to",
        "locale_default",
        "extensions",
        "ckan_version",
    }


def test_both_paths_answer_get_and_post_without_redirect(catalogue: Catalogue) -> None:
    for versioned in (True, False):
        url = action_url(catalogue, "package_search", versioned=versioned)
        got = requests.get(url, params={"rows": "1"}, allow_redirects=False, timeout=10)
        posted = requests.post(url, json={"rows": 1}, allow_redirects=False, timeout=10)
        assert got.status_code == posted.status_code == 200
        assert got.json()["result"]["count"] == posted.json()["result"]["count"] == 3


def test_envelope_has_the_v3_help_link_and_ckans_content_type(catalogue: Catalogue) -> None:
    response = requests.get(
        action_url(catalogue, "package_show", versioned=False),
        params={"id": "ngan-sach-2024"},
        timeout=10,
    )

    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    body = response.json()
    assert list(body) == ["help", "success", "result"]
    assert body["help"] == f"{catalogue.url}/api/3/action/help_show?name=package_show"
    assert body["success"] is True
    # Like CKAN, non-ASCII text travels as \\u escapes.
    assert "\\u00e2n s\\u00e1ch" in response.text


def test_form_encoded_and_legacy_json_key_bodies_are_read(catalogue: Catalogue) -> None:
    url = action_url(catalogue, "package_search")
    form = requests.post(url, data={"fq": 'tags:"dân số"', "rows": "5"}, timeout=10)
    legacy = requests.post(url, data={json.dumps({"q": "name:ngan-sach-2024"}): "1"}, timeout=10)

    assert [d["name"] for d in form.json()["result"]["results"]] == [catalogue.population.name]
    assert [d["name"] for d in legacy.json()["result"]["results"]] == ["ngan-sach-2024"]


def test_api_root_answers_version_3(catalogue: Catalogue) -> None:
    for path in ("/api", "/api/3"):
        response = requests.get(catalogue.url + path, allow_redirects=False, timeout=10)
        assert response.status_code == 200
        assert response.json() == {"version": 3}


def test_get_only_client_sends_lists_and_plain_facet_field(catalogue: Catalogue) -> None:
    remote = catalogue.remote(get_only=True)

    one = remote.action.package_search(**{"facet.field": ["tags"], "rows": 0})
    two = remote.action.package_search(**{"facet.field": ["organization", "tags"], "rows": 0})
    as_json = remote.action.package_search(**{"facet.field": '["license_id"]', "rows": "0"})

    assert one["facets"]["tags"]["ngân sách"] == 1
    assert set(two["facets"]) == {"organization", "tags"}
    assert as_json["facets"]["license_id"] == {"cc-by": 2, "odc-by": 1}


# --- errors and edge cases (R5, R6) -----------------------------------------------------------


def test_ckanapi_maps_not_found_and_search_query_errors(catalogue: Catalogue) -> None:
    remote = catalogue.remote()
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="khong-co")
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id=catalogue.withdrawn.name)
    with pytest.raises(ckanapi.SearchQueryError) as error:
        remote.action.package_search(foo="bar")
    assert "['foo']" in str(error.value)

    raw = requests.post(action_url(catalogue, "package_search"), json={"foo": 1}, timeout=10)
    assert raw.status_code == 400
    assert raw.json()["error"]["__type"] == "Search Query Error"


def test_not_found_envelope_carries_ckans_type_and_message(catalogue: Catalogue) -> None:
    response = requests.get(
        action_url(catalogue, "package_show"), params={"id": "khong-co"}, timeout=10
    )

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    error = response.json()["error"]
    assert error["__type"] == "Not Found Error"
    assert error["message"].startswith("Not found: ")


def test_unknown_action_and_write_by_get_answer_400_with_a_bare_string(
    catalogue: Catalogue,
) -> None:
    unknown = requests.post(action_url(catalogue, "nonexistent_action"), json={}, timeout=10)
    write_by_get = requests.get(action_url(catalogue, "package_create"), timeout=10)

    assert unknown.status_code == 400
    assert unknown.json() == "Bad request: Action name not known: nonexistent_action"
    assert write_by_get.status_code == 400
    assert "Please use POST method" in write_by_get.json()
    with pytest.raises(ckanapi.CKANAPIError):
        catalogue.remote().call_action("nonexistent_action", {})


def test_json_body_that_is_not_an_object_is_refused(catalogue: Catalogue) -> None:
    response = requests.post(
        action_url(catalogue, "package_search"),
        data="[1, 2]",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 400
    assert "needs to be a dictionary" in response.json()


def test_rows_that_is_not_an_integer_is_a_validation_error(catalogue: Catalogue) -> None:
    with pytest.raises(ckanapi.ValidationError) as error:
        catalogue.remote().action.package_search(rows="abc")
    assert "rows" in error.value.error_dict


def test_jsonp_wraps_the_envelope_and_is_always_anonymous(catalogue: Catalogue) -> None:
    secret = catalogue.token("leader_so")
    response = requests.get(
        action_url(catalogue, "package_show"),
        params={"id": catalogue.private.name, "callback": "nhan"},
        headers={"Authorization": secret},
        timeout=10,
    )
    bad_name = requests.get(
        action_url(catalogue, "status_show"), params={"callback": "alert(1)//"}, timeout=10
    )

    assert response.headers["Content-Type"] == "application/javascript;charset=utf-8"
    assert response.text.startswith("nhan({") and response.text.endswith("});")
    body = json.loads(response.text[len("nhan(") : -2])
    assert body["success"] is False
    assert body["error"]["__type"] == "Authorization Error"
    assert bad_name.status_code == 400


def test_help_show_returns_the_actions_documentation(catalogue: Catalogue) -> None:
    text = catalogue.remote().action.help_show(name="package_search")

    assert text.startswith("Search datasets")


def test_trailing_slash_is_not_an_action_and_not_redirected(catalogue: Catalogue) -> None:
    response = requests.post(
        action_url(catalogue, "package_show") + "/",
        json={"id": "ngan-sach-2024"},
        allow_redirects=False,
        timeout=10,
    )

    assert response.status_code >= 400
    assert "Location" not in response.headers


# --- authentication (R7) ----------------------------------------------------------------------


def test_token_in_any_accepted_header_identifies_the_caller(catalogue: Catalogue) -> None:
    secret = catalogue.token("leader_so")
    url = action_url(catalogue, "package_show")
    for headers in (
        {"Authorization": secret},
        {"X-CKAN-API-Key": secret},
        {"Authorization": f"Bearer {secret}"},
    ):
        response = requests.post(
            url, json={"id": catalogue.private.name}, headers=headers, timeout=10
        )
        assert response.status_code == 200, headers
    with_ckanapi = catalogue.remote(apikey=secret).action.package_show(id=catalogue.private.name)
    assert with_ckanapi["private"] is True


def test_invalid_token_on_a_read_is_anonymous_not_an_error(catalogue: Catalogue) -> None:
    remote = catalogue.remote(apikey="tsk_khong-hop-le")

    assert remote.action.package_show(id="ngan-sach-2024")["name"] == "ngan-sach-2024"
    with pytest.raises(ckanapi.NotAuthorized):
        remote.action.package_show(id=catalogue.private.name)


def test_write_without_a_token_is_an_authorization_error(catalogue: Catalogue) -> None:
    with pytest.raises(ckanapi.NotAuthorized) as error:
        catalogue.remote().action.package_update(id="ngan-sach-2024", title="Đổi tên")

    assert error.value.args[0]["__type"] == "Authorization Error"
    assert error.value.args[0]["message"].startswith("Access denied: ")
    assert Dataset.objects.get(name="ngan-sach-2024").title == "Ngân sách địa phương năm 2024"


def test_token_header_name_is_configurable(catalogue: Catalogue, settings: Any) -> None:
    settings.TINHSO_CKAN_TOKEN_HEADER = "X-Ma-Truy-Cap"
    secret = catalogue.token("leader_so")
    url = action_url(catalogue, "package_show")

    custom = requests.post(
        url, json={"id": catalogue.private.name}, headers={"X-Ma-Truy-Cap": secret}, timeout=10
    )
    plain = requests.post(
        url, json={"id": catalogue.private.name}, headers={"Authorization": secret}, timeout=10
    )

    assert custom.status_code == 200
    assert plain.status_code == 403


# --- reads (R8–R10, R13, R14) -----------------------------------------------------------------


def test_package_show_has_ckans_dataset_shape(catalogue: Catalogue) -> None:
    shown = catalogue.remote().action.package_show(
        id="ngan-sach-2024", include_datasets=False, include_password_hash=True
    )

    assert {
        "author",
        "author_email",
        "creator_user_id",
        "id",
        "isopen",
        "license_id",
        "license_title",
        "license_url",
        "maintainer",
        "maintainer_email",
        "metadata_created",
        "metadata_modified",
        "name",
        "notes",
        "num_resources",
        "num_tags",
        "organization",
        "owner_org",
        "private",
        "state",
        "title",
        "type",
        "url",
        "version",
        "extras",
        "resources",
        "tags",
        "groups",
        "relationships_as_subject",
        "relationships_as_object",
    } <= set(shown)
    assert shown["id"] == str(catalogue.budget.pk)
    assert shown["license_id"] == "cc-by" and shown["isopen"] is True
    assert shown["organization"]["name"] == "so-khcn"
    assert shown["organization"]["is_organization"] is True
    assert shown["owner_org"] == str(catalogue.od.so.pk)
    assert ISO_MICROSECONDS.match(shown["metadata_modified"])
    assert shown["num_tags"] == 2
    assert [t["name"] for t in shown["tags"]] == ["ngân sách", "tài chính"]
    assert set(shown["tags"][0]) == {"display_name", "id", "name", "state", "vocabulary_id"}
    assert {"key": "frequency", "value": "ANNUAL"} in shown["extras"]
    assert {"key": "nguon", "value": "Sở Tài chính"} in shown["extras"]
    assert [g["name"] for g in shown["groups"]] == ["kinh-te-tai-chinh"]
    (resource,) = shown["resources"]
    assert {
        "id",
        "package_id",
        "url",
        "format",
        "name",
        "description",
        "position",
        "created",
        "metadata_modified",
        "state",
        "url_type",
        "size",
        "mimetype",
        "hash",
        "last_modified",
        "resource_type",
        "datastore_active",
    } <= set(resource)
    assert resource["format"] == "CSV" and resource["package_id"] == shown["id"]
    assert catalogue.remote().action.package_show(id=shown["id"])["name"] == "ngan-sach-2024"


def test_package_show_counts_an_api_call(catalogue: Catalogue) -> None:
    catalogue.remote().action.package_show(id="ngan-sach-2024")
    catalogue.remote().action.package_show(id="ngan-sach-2024")

    catalogue.budget.refresh_from_db()
    assert catalogue.budget.api_count == 2
    assert UsageDay.objects.get(dataset=catalogue.budget, kind="api").count == 2


def test_private_and_draft_datasets_are_shown_to_their_organisation_only(
    catalogue: Catalogue,
) -> None:
    anonymous = catalogue.remote()
    staff = catalogue.remote(apikey=catalogue.token("data_officer_so"))
    other = catalogue.remote(apikey=catalogue.token("leader_a"))

    with pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_show(id=catalogue.private.name)
    with pytest.raises(ckanapi.NotAuthorized):
        other.action.package_show(id=catalogue.private.name)
    with pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id=catalogue.draft.name)
    with pytest.raises(ckanapi.NotFound):
        other.action.package_show(id=catalogue.draft.name)
    assert staff.action.package_show(id=catalogue.private.name)["private"] is True
    assert staff.action.package_show(id=catalogue.draft.name)["state"] == "draft"


def test_package_list_names_public_datasets_in_order_and_accepts_dump_flags(
    catalogue: Catalogue,
) -> None:
    remote = catalogue.remote()
    names = remote.action.package_list(
        include_private=True, include_drafts=True, include_deleted=True
    )

    assert names == sorted([catalogue.budget.name, catalogue.population.name, catalogue.air.name])
    assert remote.action.package_list(limit=1, offset=1) == names[1:2]


def test_organization_and_group_lists_and_shows(catalogue: Catalogue) -> None:
    remote = catalogue.remote()

    assert remote.action.organization_list() == ["so-khcn", "ubnd-phuong-bac-giang"]
    detailed = remote.action.organization_list(all_fields=True)
    so = next(row for row in detailed if row["name"] == "so-khcn")
    assert so["package_count"] == 2 and so["type"] == "organization"
    assert {
        "id",
        "name",
        "title",
        "display_name",
        "description",
        "image_url",
        "image_display_url",
        "created",
        "type",
        "state",
        "is_organization",
        "approval_status",
        "package_count",
        "num_followers",
    } <= set(so)
    assert remote.action.organization_list(sort="package_count desc", limit=1) == ["so-khcn"]
    shown = remote.action.organization_show(id=str(catalogue.od.so.pk), include_users=False)
    assert shown["name"] == "so-khcn" and "packages" not in shown
    assert {"extras", "groups", "users"} <= set(shown)
    with_datasets = remote.action.organization_show(id="so-khcn", include_datasets=True)
    assert {d["name"] for d in with_datasets["packages"]} == {
        catalogue.budget.name,
        catalogue.population.name,
    }
    assert "kinh-te-tai-chinh" in remote.action.group_list()
    group = remote.action.group_show(id="kinh-te-tai-chinh")
    assert group["package_count"] == 1 and group["is_organization"] is False
    with pytest.raises(ckanapi.NotFound):
        remote.action.organization_show(id="khong-co")


def test_tag_list_resource_show_license_list_and_recent_packages(catalogue: Catalogue) -> None:
    remote = catalogue.remote()
    resource_id = str(catalogue.budget.resources.get().pk)

    assert remote.action.tag_list() == ["dân số", "môi trường", "ngân sách", "tài chính"]
    assert remote.action.tag_list(query="ngan") == ["ngân sách"]
    assert remote.action.tag_list(all_fields=True)[0]["vocabulary_id"] is None
    resource = remote.action.resource_show(id=resource_id)
    assert resource["datastore_active"] is False
    assert resource["url"] == f"https://example.org/{catalogue.budget.name}.csv"
    assert "cc-by" in [row["id"] for row in remote.action.license_list()]
    recent = remote.action.current_package_list_with_resources(limit=2)
    assert [d["name"] for d in recent] == [catalogue.air.name, catalogue.population.name]
    assert recent[0]["resources"][0]["format"] == "JSON"
    page_two = remote.action.current_package_list_with_resources(limit=2, page=2)
    assert [d["name"] for d in page_two] == [catalogue.budget.name]
