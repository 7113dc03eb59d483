"""Jinja2 for the portal pages (jinja2/), Django templates for the rest (templates/).

Why: the portal's list pages render 25-50 rows on every request, and the Django template
language resolves every variable, filter and `{% url %}` through several layers of Python
per row; with a login (session, user, 2FA) on top, a list page cost 15-22 ms against a
minimal view's 0.3 ms. Jinja2 compiles a template to Python once and renders the same page
several times faster (numbers: docs/performance.md). The admin, the e-mails and the API
docs stay in the Django template language: they are not hot, and the admin needs it.

What the pages get, besides `request`, `csrf_input` and the context processors of
TEMPLATES: `_()`/`gettext`/`ngettext` and `{% trans %}` (Django's translations), `url()`,
`static()`, `querystring()` (Django 5.1's `{% querystring %}`), `label(obj, "status")` (a
cheap `get_status_display()`), and the filters `datum`
(Django's `date` filter: localtime, Dutch month names) and `linebreaksbr`.

Tests: Django's test client collects `response.context` and `assertTemplateUsed` only for
Django templates; `Template.render` below sends the same `template_rendered` signal when
something listens (only the test client does), so tests can read a page's context.
"""

from __future__ import annotations

import jinja2
from django.template.backends.jinja2 import Jinja2 as DjangoJinja2
from django.template.backends.jinja2 import Template as DjangoJinja2Template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import template_localtime


def url(viewname: str, *args, **kwargs) -> str:
    """`{% url 'ns:name' a b %}` as `url('ns:name', a, b)`."""
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def querystring(request, **changes) -> str:
    """Django's `{% querystring page=2 %}`: the current query with some keys replaced
    (None removes a key), starting with '?'."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


def datum(value, fmt: str = "j F Y H:i") -> str:
    """Django's `date` filter (local time, translated month names); '' for no value.
    Like `{{ value|date }}` in a Django template, an aware datetime is first converted to the
    current time zone (the Django template engine does that before the filter runs)."""
    if value is None or value == "":
        return ""
    return date_filter(template_localtime(value), fmt)


_LABELS: dict[tuple, dict] = {}


def label(obj, field_name: str) -> str:
    """`obj.get_<field>_display()`, without its cost: Django rebuilds a dict of the field's
    choices and translates every label on each call (10 calls per row on a list page). Here
    each field's labels are translated once per language and process."""
    key = (type(obj), field_name, translation.get_language())
    labels = _LABELS.get(key)
    if labels is None:
        field = obj._meta.get_field(field_name)
        labels = _LABELS[key] = {value: str(text) for value, text in field.flatchoices}
    value = getattr(obj, field_name)
    return labels.get(value, value)


def environment(**options) -> jinja2.Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    # Template changes are picked up in DEBUG (make run); production compiles each once.
    # autoescape=True comes in `options`: Django's Jinja2 backend sets it.
    env = jinja2.Environment(**options)  # noqa: S701
    env.install_gettext_callables(
        translation.gettext, translation.ngettext, newstyle=True, pgettext=translation.pgettext
    )
    env.globals.update(url=url, static=static, querystring=querystring, label=label)
    env.filters.update(datum=datum, linebreaksbr=linebreaksbr)
    return env


class Template(DjangoJinja2Template):
    def render(self, context=None, request=None):
        if context is None:
            context = {}
        html = super().render(context, request)
        if template_rendered.receivers:  # the test client listening; nobody in production
            template_rendered.send(sender=self, template=self, context=context)
        return html

    @property
    def name(self) -> str:  # what assertTemplateUsed compares
        return self.template.name


class Jinja2(DjangoJinja2):
    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)
