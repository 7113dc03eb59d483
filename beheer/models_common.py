"""Model pieces that several apps share."""

import datetime
import itertools

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

# The phone numbers of onboarding requests (aanmeldingen): the person types what they know;
# support checks it before a domain or application is made from it (contact data of domains and
# applications use PhoneNumberField).
phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{6,20}$",
    _("Geef een telefoonnummer met alleen cijfers, spaties, haakjes, '-' en eventueel '+'."),
)


class ContactFields(models.Model):
    """Contact person of a domain or an application, as the manual's detail screens show it."""

    contact_naam = models.CharField(_("naam contactpersoon"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mailadres contactpersoon"), blank=True)
    # Dutch and international numbers (django-phonenumber-field: Google's libphonenumber),
    # stored in E.164 (+31301234567); a number without country code is read as Dutch
    # (PHONENUMBER_DEFAULT_REGION). Shown readably with the `telefoon` template filter.
    contact_telefoon = PhoneNumberField(
        _("telefoonnummer contactpersoon"),
        max_length=40,
        blank=True,
        help_text=_("Bijvoorbeeld 030 123 4567, 06 1234 5678 of +32 2 212 34 56."),
    )

    class Meta:
        abstract = True


class Statuswijziging(models.Model):
    """One row of a lifecycle's history: who, when, from, to (and, in the subclass, why).

    Each lifecycle has its own history table (instances, requests) with a foreign key to its
    object and `van_status`/`naar_status` fields that carry that lifecycle's choices; the
    rows are written only by the services that move the status.
    """

    door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    op = models.DateTimeField(_("op"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-op", "-id"]

    def __str__(self) -> str:
        return f"{self.van_status or '—'} → {self.naar_status}"


class ProbedPeriodsQuerySet(models.QuerySet):
    """`datetimes(field, "year" | "month" | "day")` answered by probing, for the admin's date
    hierarchy on large tables.

    Django answers it with `SELECT DISTINCT DATE_TRUNC(kind, field AT TIME ZONE ...)`, which
    converts and sorts every matching row (a million audit records: 0.4 to 0.7 s, on every visit of
    the changelist). Here the candidate periods between the first and the last value are listed
    (at most 31) and one statement asks `EXISTS` per period: each an index probe on `field`.
    The answer is the same list of aware datetimes at the start of each period, in the current
    time zone (tests/beheer/test_probed_periods.py compares both).
    """

    probed_fields: tuple[str, ...] = ()
    MAX_PERIODS = 31  # a month of days; a year of months; a few years of retention

    def aggregate(self, *args, **kwargs):
        result = super().aggregate(*args, **kwargs)
        # The date hierarchy asks this very queryset for MIN and MAX of its field right before
        # datetimes() (django.contrib.admin.templatetags.admin_list.date_hierarchy): keep them,
        # so that datetimes() need not ask again.
        bounds = (kwargs.get("first"), kwargs.get("last"))
        if not args and len(kwargs) == 2 and None not in bounds:
            fields = {_plain_field(bounds[0], models.Min), _plain_field(bounds[1], models.Max)}
            if len(fields) == 1 and None not in fields:
                self._probed_bounds = (fields.pop(), result["first"], result["last"])
        return result

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if field_name not in self.probed_fields or kind not in ("year", "month", "day"):
            return super().datetimes(field_name, kind, order, tzinfo)
        known = getattr(self, "_probed_bounds", None)
        if known and known[0] == field_name:
            bounds = {"first": known[1], "last": known[2]}
        else:
            bounds = self.aggregate(first=models.Min(field_name), last=models.Max(field_name))
        if bounds["first"] is None:
            return []
        tz = tzinfo or timezone.get_current_timezone()
        starts = _period_starts(
            timezone.localtime(bounds["first"], tz), timezone.localtime(bounds["last"], tz), kind
        )
        if len(starts) - 1 > self.MAX_PERIODS:
            return super().datetimes(field_name, kind, order, tzinfo)
        aware = [timezone.make_aware(start, tz) for start in starts]
        probes = {
            f"kt_period_{i}": models.Exists(
                self.filter(**{f"{field_name}__gte": begin, f"{field_name}__lt": end})
            )
            for i, (begin, end) in enumerate(itertools.pairwise(aware))
        }
        # One row of the table carries the probes (none if the table emptied in between).
        rows = self.model._base_manager.annotate(**probes).values(*probes)[:1]
        found = next(iter(rows), None)
        if found is None:
            return []
        periods = [begin for begin, key in zip(aware, probes, strict=False) if found[key]]
        return periods if order == "ASC" else periods[::-1]


def _plain_field(expression, aggregate) -> str | None:
    """The field name of `Min("field")` / `Max("field")` without a filter, else None."""
    if type(expression) is not aggregate or expression.filter is not None:
        return None
    source = expression.get_source_expressions()[0]
    return source.name if isinstance(source, models.F) else None


def _period_starts(first, last, kind: str) -> list:
    """Naive local starts of every period from the one holding `first` through the one holding
    `last`, plus the start of the period after it."""
    if kind == "year":
        years = range(first.year, last.year + 2)
        return [datetime.datetime(y, 1, 1) for y in years]
    if kind == "month":
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month + 1)
        return [datetime.datetime(m // 12, m % 12 + 1, 1) for m in months]
    days = (last.date() - first.date()).days + 2
    return [
        datetime.datetime.combine(first.date(), datetime.time()) + datetime.timedelta(d)
        for d in range(days)
    ]
