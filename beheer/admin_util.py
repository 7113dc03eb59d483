"""Shared pieces for admin pages that run a lifecycle transition through a service."""

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
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


@dataclass(frozen=True)
class Transition:
    """One button on an admin change page that runs a service on that object.

    `route` is the URL part after the object's pk, `name` the URL name's suffix
    (`admin:<app>_<model>_<name>`); `perform(request, obj, cleaned_data)` calls the service;
    `form_kwargs(obj)` gives the form its arguments (e.g. the allowed statuses).
    """

    route: str
    name: str
    title: str
    submit_label: str
    success_message: str
    perform: Callable
    form_class: type[forms.Form] = ConfirmForm
    form_kwargs: Callable = field(default=lambda obj: {})


class TransitionAdminMixin:
    """A ModelAdmin mixin that serves its `transitions` as small form pages.

    Every transition runs the same steps: look the object up (a missing one redirects as the
    admin does), check the change permission, show the form, call the service on POST, turn a
    ServiceError into an error message (the service changed nothing), and go back to the
    object's change page.
    """

    transitions: tuple[Transition, ...] = ()

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                f"<int:pk>/{transition.route}/",
                self.admin_site.admin_view(partial(self.transition_view, transition=transition)),
                name=f"{opts.app_label}_{opts.model_name}_{transition.name}",
            )
            for transition in self.transitions
        ] + super().get_urls()

    def transition_view(self, request, pk, *, transition: Transition):
        opts = self.model._meta
        obj = self.get_object(request, str(pk))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, opts, str(pk))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        form = transition.form_class(
            request.POST if request.method == "POST" else None, **transition.form_kwargs(obj)
        )
        if request.method == "POST" and form.is_valid():
            try:
                transition.perform(request, obj, form.cleaned_data)
            except ServiceError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
            else:
                self.message_user(request, transition.success_message, level=messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": transition.title,
            "opts": opts,
            "object": obj,
            "form": form,
            "cancel_url": change_url,
            "submit_label": transition.submit_label,
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
    page, date hierarchy). Here each name search runs once against its small table
    (`names`: fk -> queryset of the related model with a `naam` column) and the big table is
    reached through its foreign-key index with the ids found; `by_uuid(value) -> Q` (a
    client_id, matched exactly through its unique index) only when the term is a UUID; a URL
    column is scanned only when the term looks like part of a URL.
    """
    term = (search_term or "").strip()
    if not term:
        return queryset, False
    condition = Q()
    for fk, related in names.items():
        # The matching ids as a list, not a subquery: PostgreSQL answers an OR of IN-lists
        # from the foreign-key indexes, but scans the whole table for an OR of subqueries.
        ids = list(related.filter(naam__icontains=term).values_list("pk", flat=True))
        condition |= Q(**{f"{fk}__in": ids})
    if by_uuid:
        with contextlib.suppress(ValueError):
            condition |= by_uuid(uuid.UUID(term))
    if url_field and any(c in term for c in "./:"):
        condition |= Q(**{f"{url_field}__icontains": term})
    return queryset.filter(condition), False
