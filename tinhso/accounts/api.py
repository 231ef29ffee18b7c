"""API endpoints of the accounts app (mounted by tinhso/api.py).

* ``router`` at ``/auth``: exchange a password for a Bearer token; who am I.
* ``people_router`` at ``/people``: people in the caller's scope (masked), their personal data
  unmasked for a stated purpose (a logged POST), contact data and roles.

Endpoints are thin: permissions come from ``permissions``, reads from ``queries``, writes from
``actions``; errors become problem+json in ``tinhso.api``.
"""

from typing import Any

from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from tinhso.accounts import actions, queries
from tinhso.accounts.auth import api_auth
from tinhso.accounts.backends import login_allowed
from tinhso.accounts.choices import Role, UserKind
from tinhso.accounts.models import RoleAssignment, User
from tinhso.accounts.permissions import Perm, require
from tinhso.accounts.schemas import (
    ContactPatch,
    MeOut,
    PersonOut,
    PurposeRequest,
    RoleGrant,
    RoleOut,
    TokenOut,
    TokenRequest,
)
from tinhso.core.pagination import Pagination

router = Router(tags=["auth"])
people_router = Router(tags=["people"], auth=api_auth)


def _actor(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _person(person_id: int) -> User:
    person = queries.person_with_roles(person_id)
    if person is None:
        raise Http404(_("Không có người dùng này."))
    return person


@router.post(
    "/token",
    auth=None,
    response=TokenOut,
    operation_id="auth_token_create",
    summary="Đổi tên đăng nhập và mật khẩu lấy mã Bearer (exchange credentials for a token)",
)
def create_token(request: HttpRequest, payload: TokenRequest) -> dict[str, Any]:
    """Check the credentials (django-axes counts failures and locks out) and issue a token.

    Wrong credentials give 401; too many failures give 429 until the cool-off ends.
    """
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer as problem+json here rather than let AxesMiddleware swap in its plain page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        raise HttpError(
            429,
            _("Đăng nhập sai quá nhiều lần; tài khoản tạm khóa, hãy thử lại sau.")
            + " (Too many failed attempts: locked out for a while, try again later.)",
        )
    if not isinstance(user, User) or not login_allowed(user):
        raise HttpError(
            401,
            _("Sai tên đăng nhập hoặc mật khẩu.") + " (Wrong username or password.)",
        )
    token, secret = actions.create_token(user, actor=user, name=payload.name or "api")
    return {"token": secret, "token_type": "Bearer", "expires_at": token.expires_at}


@router.get(
    "/me",
    auth=api_auth,
    response=MeOut,
    operation_id="auth_me",
    summary="Tài khoản đang gọi và vai trò (who am I, my roles)",
)
def me(request: HttpRequest) -> dict[str, Any]:
    """Return the caller, their current roles and permissions, and the token in use."""
    user = _actor(request)
    token = user.active_token
    return {
        "id": user.pk,
        "username": user.username,
        "kind": user.kind,
        "full_name": user.full_name,
        "is_demo": user.is_demo,
        "roles": [queries.role_dict(a) for a in queries.current_roles(user)],
        "permissions": queries.granted_permissions(user),
        "token": (
            {"name": token.name, "expires_at": token.expires_at, "scope": queries.scope_dict(token)}
            if token is not None
            else None
        ),
    }


@people_router.get(
    "",
    response=list[PersonOut],
    operation_id="people_list",
    summary="Người trong phạm vi của tôi, dữ liệu cá nhân đã che (people in my scope, masked)",
)
@paginate(Pagination)
def list_people(
    request: HttpRequest, kind: UserKind | None = None, username: str = ""
) -> queries.MaskedPeople:
    """List people whose home or roles fall in the caller's scope; personal data masked."""
    actor = _actor(request)
    require(actor, Perm.PEOPLE_VIEW)
    people = queries.people_visible_to(actor)
    if kind:
        people = people.filter(kind=kind)
    if username:
        people = people.filter(username__icontains=username)
    return queries.MaskedPeople(people)


@people_router.get(
    "/{int:person_id}",
    response=PersonOut,
    operation_id="people_get",
    summary="Một người, dữ liệu cá nhân đã che (one person, personal data masked)",
)
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """Return a person in the caller's scope, always masked (unmask with a POST to
    ``/people/{id}/personal-data``)."""
    actor = _actor(request)
    person = _person(person_id)
    require(actor, Perm.PEOPLE_VIEW, person)
    return queries.person_dict(person)


@people_router.post(
    "/{int:person_id}/personal-data",
    response=PersonOut,
    operation_id="people_personal_data_read",
    summary=(
        "Xem đầy đủ dữ liệu cá nhân khi nêu mục đích; được ghi nhật ký "
        "(unmask a person's data for a stated purpose; logged)"
    ),
)
def read_personal_data(
    request: HttpRequest, response: HttpResponse, person_id: int, payload: PurposeRequest
) -> dict[str, Any]:
    """Return a person unmasked, logging the read (``PersonalDataAccess`` and the ledger).

    A POST, not a GET: the read writes log rows in the caller's name, so with a session it must
    carry the CSRF token (a cross-site link cannot trigger it), and the purpose travels in the
    body rather than in URLs that access logs keep. One's own record needs no purpose and no log.
    """
    actor = _actor(request)
    person = _person(person_id)
    require(actor, Perm.PEOPLE_VIEW, person)
    plain = actions.read_personal_data(person, actor=actor, purpose=payload.purpose)
    response["Cache-Control"] = "no-store"
    return queries.person_dict(person, plain=plain)


@people_router.patch(
    "/{int:person_id}",
    response=PersonOut,
    operation_id="people_update_contact",
    summary="Sửa thông tin liên lạc (update contact fields)",
)
def update_person(request: HttpRequest, person_id: int, payload: ContactPatch) -> dict[str, Any]:
    """Change phone, email or address of a person in the caller's scope (audited)."""
    actor = _actor(request)
    person = _person(person_id)
    actions.update_contact(person, actor=actor, changes=payload.model_dump(exclude_unset=True))
    return queries.person_dict(person)


@people_router.post(
    "/{int:person_id}/roles",
    response={201: RoleOut},
    operation_id="people_roles_grant",
    summary="Cấp vai trò trong phạm vi của tôi (grant a role within my scope)",
)
def grant_role(request: HttpRequest, person_id: int, payload: RoleGrant) -> Status[dict[str, Any]]:
    """Grant a role; a leader or operator may grant only inside their own scope."""
    person = _person(person_id)
    assignment = actions.grant_role(
        person,
        actor=_actor(request),
        role=Role(payload.role),
        scope=payload.to_scope(),
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
    )
    assignment = RoleAssignment.objects.select_related("unit", "agency").get(pk=assignment.pk)
    return Status(201, queries.role_dict(assignment))


@people_router.delete(
    "/{int:person_id}/roles/{int:assignment_id}",
    response={204: None},
    operation_id="people_roles_revoke",
    summary="Thu hồi vai trò (revoke a role)",
)
def revoke_role(request: HttpRequest, person_id: int, assignment_id: int) -> Status[None]:
    """Revoke a role assignment of this person (kept as history)."""
    assignment = (
        RoleAssignment.objects.select_related("user")
        .filter(pk=assignment_id, user_id=person_id)
        .first()
    )
    if assignment is None:
        raise Http404(_("Không có phân công vai trò này."))
    actions.revoke_role(assignment, actor=_actor(request))
    return Status(204, None)
