"""Shared pieces for admin pages that run a lifecycle transition through a service."""

import contextlib
import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from beheer.errors import ServiceError


class ReasonForm(forms.Form):
    reden = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        error_messages={"required": _("Geef een reden op.")},
    )


class StatusReasonForm(ReasonForm):
    field_order = ["status", "reden"]

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"] = forms.ChoiceField(
            label=_("Nieuwe status"),
            choices=choices,
            error_messages={"required": _("Kies de nieuwe status.")},
        )
        self.order_fields(self.field_order)


class ConfirmForm(forms.Form):
    pass


def run_transition_view(
    model_admin,
    request,
    obj,
    *,
    title: str,
    form_class,
    form_kwargs: dict | None = None,
    perform,
    success_message: str,
    submit_label: str,
):
    """Render a small form for one transition and, on POST, run `perform(form.cleaned_data)`.

    `perform` calls the service; a ServiceError becomes an admin error message and changes
    nothing (the service runs in one transaction).
    """
    opts = model_admin.model._meta
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    form = form_class(request.POST if request.method == "POST" else None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except ServiceError as exc:
            model_admin.message_user(request, exc.message, level=messages.ERROR)
        else:
            model_admin.message_user(request, success_message, level=messages.SUCCESS)
        return redirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "object": obj,
        "form": form,
        "cancel_url": change_url,
        "submit_label": submit_label,
    }
    return TemplateResponse(request, "admin/kt_service_form.html", context)


def indexed_search(
    queryset,
    search_term: str,
    *,
    names: dict,
    by_uuid=None,
    url_field: str | None = None,
):
    """Admin search that stays fast on large tables; for ModelAdmin.get_search_results.

    Django's default ORs `icontains` over joined columns, which PostgreSQL can only answer by
    joining and scanning every row (and the changelist runs it three or four times: count,
    page, date hierarchy). Here each name search runs against its small table first
    (`names`: fk -> queryset of the related model with a `naam` column) and the big table is
    reached through its foreign-key index; `by_uuid(value) -> Q` (a client_id, matched exactly
    through its unique index) only when the term is a UUID; a URL column is scanned only when
    the term looks like part of a URL.
    """
    term = (search_term or "").strip()
    if not term:
        return queryset, False
    condition = Q()
    for fk, related in names.items():
        condition |= Q(**{f"{fk}__in": related.filter(naam__icontains=term).values("pk")})
    if by_uuid:
        with contextlib.suppress(ValueError):
            condition |= by_uuid(uuid.UUID(term))
    if url_field and any(c in term for c in "./:"):
        condition |= Q(**{f"{url_field}__icontains": term})
    return queryset.filter(condition), False
