"""The page and export that the domain and application tabs "Logboek" share. The domain apps
look their object up (scoped to the user) and pass its records here."""

from django.shortcuts import render
from django.utils import timezone

from beheer.audit.export import csv_response
from beheer.audit.forms import RecordFilterForm
from beheer.audit.selectors import filter_records
from beheer.paging import paginate


def log_page(request, *, records, template: str, context: dict, filename_prefix: str):
    """The filtered, paginated records, or (with ?formaat=csv) all of them as CSV."""
    form = RecordFilterForm(request.GET or None)
    records = filter_records(records, form.record_filter())
    if request.GET.get("formaat") == "csv":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        return csv_response(records, filename=f"logboek-{filename_prefix}-{stamp}.csv")
    page = paginate(request, records.select_related(None))
    return render(request, template, {**context, "filters": form, "page": page})
