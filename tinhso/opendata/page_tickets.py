"""Citizens' feedback on the open data portal: report a problem with a dataset, request a
dataset, follow it by its secret link (or in "my requests" when signed in), the public list of
requests with their answers, and ratings.

Anyone may write, signed in or not (then with a name and an e-mail for the answer). Names and
e-mails are shown to the organisation's staff only, never on public pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tinhso.core.htmx import is_htmx
from tinhso.opendata import actions, queries
from tinhso.opendata.choices import TicketKind
from tinhso.opendata.models import Organization, Ticket
from tinhso.opendata.page_forms import ProblemForm, RatingForm, RequestForm
from tinhso.opendata.page_views import readable_dataset, render_dataset

TRACKING_SALT = "tinhso.opendata.ticket"
PAGE_SIZE = 20


def tracking_url(ticket: Ticket) -> str:
    """The secret address where whoever wrote ``ticket`` follows it without an account."""
    token = signing.Signer(salt=TRACKING_SALT).sign(str(ticket.pk))
    return reverse("opendata:ticket", args=[token])


def _requester(form: Any, user: Any) -> dict[str, Any]:
    name = form.cleaned_data.get("requester_name") or ""
    email = form.cleaned_data.get("requester_email") or ""
    if getattr(user, "is_authenticated", False):
        name = name or getattr(user, "full_name", "") or user.get_username()
        email = email or getattr(user, "email", "")
    return {"requester": user, "requester_name": name, "requester_email": email}


def _opened(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    messages.success(request, _("Đã gửi. Cơ quan sẽ trả lời tại địa chỉ theo dõi dưới đây."))
    return redirect(tracking_url(ticket))


@require_http_methods(["GET", "POST"])
def report_problem(request: HttpRequest, key: str) -> HttpResponse:
    """Report a problem with a dataset (wrong figures, broken link...) to its organisation."""
    dataset = readable_dataset(request, key)
    form = ProblemForm(request.POST or None, user=request.user)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            ticket = actions.open_ticket(
                TicketKind.PROBLEM,
                organization=dataset.organization,
                dataset=dataset,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                **_requester(form, request.user),
            )
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            return _opened(request, ticket)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "dataset": dataset, "errors": errors}
    return render(request, "opendata/ticket_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def request_dataset(request: HttpRequest) -> HttpResponse:
    """Ask an organisation to publish a dataset that is not on the portal yet."""
    initial = {"organization": request.GET.get("organization", "")}
    form = RequestForm(request.POST or None, user=request.user, initial=initial)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        organization: Organization = form.cleaned_data["organization"]
        try:
            ticket = actions.open_ticket(
                TicketKind.REQUEST,
                organization=organization,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                **_requester(form, request.user),
            )
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            return _opened(request, ticket)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "dataset": None, "errors": errors}
    return render(request, "opendata/ticket_form.html", context, status=status)


@require_GET
def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    """A ticket followed by its secret link: what was asked, its status and the answer."""
    try:
        pk = int(signing.Signer(salt=TRACKING_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise Http404(token) from None
    ticket = get_object_or_404(Ticket.objects.select_related("organization", "dataset"), pk=pk)
    response = render(
        request, "opendata/ticket.html", {"ticket": ticket, "link": request.build_absolute_uri()}
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the address is the secret
    return response


@login_required
@require_GET
def my_tickets(request: HttpRequest) -> HttpResponse:
    """The problems and requests I sent while signed in."""
    tickets = Ticket.objects.filter(requester_id=request.user.pk).select_related(
        "organization", "dataset"
    )
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"ticket": ticket, "url": tracking_url(ticket)} for ticket in page.object_list]
    return render(request, "opendata/my_tickets.html", {"page": page, "rows": rows})


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """Everyone's requests for data and the organisations' answers (without who asked)."""
    page = Paginator(queries.public_requests(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "opendata/requests.html", {"page": page})


@login_required
@require_POST
def rate(request: HttpRequest, key: str) -> HttpResponse:
    """Give a dataset one to five stars (once per person; a new rating replaces the old)."""
    dataset = readable_dataset(request, key)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            actions.rate_dataset(dataset, user=request.user, stars=form.cleaned_data["stars"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
    if form.errors:
        return render_dataset(request, dataset, status=400, rating_form=form)
    if is_htmx(request):
        context = {
            "dataset": dataset,
            "rating": queries.rating_summary(dataset),
            "own_rating": form.cleaned_data["stars"],
            "rating_form": RatingForm(initial={"stars": form.cleaned_data["stars"]}),
            "user": request.user,
        }
        return render(request, "opendata/partials/_rating.html", context)
    messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("opendata:dataset", dataset.name)
