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
(Django's `date` filter: localtime, Dutch month names), `linebreaksbr` and `code_lines`.

Tests: Django's test client collects `response.context` and `assertTemplateUsed` only for
Django templates; `Template.render` below sends the same `template_rendered` signal when
something listens (only the test client does), so tests can read a page's context.
"""

from __future__ import annotations

import datetime
import re
import uuid
from contextvars import ContextVar
from typing import NamedTuple

import jinja2
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms.renderers import TemplatesSetting
from django.middleware.csrf import get_token
from django.template.backends.jinja2 import Jinja2 as DjangoJinja2
from django.template.backends.jinja2 import Template as DjangoJinja2Template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.dates import MONTHS
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.timezone import get_current_timezone
from markupsafe import Markup, escape


def url(viewname: str, *args) -> str:
    """`{% url 'ns:name' a b %}` as `url('ns:name', a, b)`.

    A list page asks for the same URL pattern once per row with only an id changing; a full
    `reverse()` each time was a tenth of such a page. So for arguments that are non-negative
    ints or UUIDs (ids, client-Ids) the pattern is reversed once with stand-in values and then
    filled in: their URL form is plain digits / hex and dashes, the same text `reverse()`
    makes. Strings (a domain's name) are part of the cache key; a URL of only strings or of
    no arguments at all (the menu on every page, a domain's tabs, the start screen's 50
    domains) is kept whole. Any other argument (a model, an enum member, a lazy string, a
    negative number) goes through `reverse()` every time.

    Kept per process, URLconf (tests change it, not always through override_settings) and
    script prefix. URLs here do not depend on the language (no i18n_patterns) nor on a
    per-request urlconf (none is set)."""
    key = [settings.ROOT_URLCONF, get_script_prefix(), viewname]
    slots = []
    for a in args:
        if type(a) is str:
            key.append(a)
        elif _is_slot(a):
            key.append(type(a))
            slots.append(str(a))
        else:
            return reverse(viewname, args=args)
    key = tuple(key)
    if not slots:  # only names (or nothing): the whole URL is the same every time
        done = _URLS.get(key)
        if done is None:
            done = _remember(_URLS, key, reverse(viewname, args=args or None), limit=8192)
        return done
    parts = _URL_PATTERNS.get(key)
    if parts is None:  # many distinct domain names: memory stays bounded
        parts = _remember(_URL_PATTERNS, key, _url_parts(viewname, args), limit=2048)
    if parts is _NO_SHORTCUT:
        return reverse(viewname, args=args)
    # parts: [text, "", text, "", ..., text] with a slot at each odd index
    out = [parts[0]]
    for i, value in enumerate(slots):
        out.append(value)
        out.append(parts[2 * i + 2])
    return "".join(out)


# A value per type that its converter accepts and that cannot occur in the rest of a URL.
_STAND_INS = {
    int: 918273645546372819,
    uuid.UUID: uuid.UUID("0dd5ce11-0dd5-4ce1-8dd5-0dd5ce110dd5"),
}
_URL_PATTERNS: dict[tuple, list[str]] = {}
_URLS: dict[tuple, str] = {}  # calls without ids: (URLconf, prefix, view, names...) -> URL
_NO_SHORTCUT: list[str] = []


def _is_slot(value) -> bool:
    """An argument filled into a cached pattern: exactly an int >= 0 (not a bool, not an
    IntegerChoices member) or a UUID."""
    kind = type(value)
    return kind is uuid.UUID or (kind is int and value >= 0)


def _url_parts(viewname: str, args: tuple) -> list[str]:
    """The reversed URL split around the stand-ins: [text, slot, text, slot, ..., text], or
    _NO_SHORTCUT when that cannot be done unambiguously (a string argument containing a
    stand-in's text, or a converter that changed a stand-in)."""
    stand_ins = {str(s) for s in _STAND_INS.values()}
    if any(stand_in in a for a in args if type(a) is str for stand_in in stand_ins):
        return _NO_SHORTCUT
    stand_in_args = [_STAND_INS[type(a)] if _is_slot(a) else a for a in args]
    text = reverse(viewname, args=stand_in_args)
    parts: list[str] = []
    for a in stand_in_args:
        if type(a) in _STAND_INS:
            before, found, text = text.partition(str(a))
            if not found:
                return _NO_SHORTCUT
            parts += [before, ""]
    return [*parts, text]


# A character that escaping changes (markupsafe: & < > ' ").
_HTML_SPECIAL = re.compile("[&<>'\"]")


def code_lines(values) -> Markup:
    """Each value escaped in `<code>`, the lines separated by `<br>`: the SMART scopes of an
    instance (15-30 per instance). The same HTML as `{% for v in values %}<code>{{ v }}</code>{%
    if not loop.last %}<br>{% endif %}{% endfor %}`, without a Jinja2 loop context (which
    looks one item ahead for `loop.last`): 0.12 ms less for an application's instance list
    (25 instances, 375 lines). Plain strings without a character that escaping changes (scopes
    never have one) are joined as they are: one search instead of an escape and a Markup per
    line, another 0.14 ms for that list."""
    values = list(values)
    if all(type(v) is str for v in values) and not _HTML_SPECIAL.search("".join(values)):
        html = "<code>" + "</code><br><code>".join(values) + "</code>" if values else ""
        return Markup(html)  # noqa: S704 (nothing to escape)
    return Markup("<br>".join([f"<code>{escape(value)}</code>" for value in values]))  # noqa: S704 (escaped)


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

    The default format, on every row of the lists, is put together directly (a twentieth of
    the `date` filter's cost); the result is the same text (tests/beheer/test_jinja.py)."""
    if value is None or value == "":
        return ""
    # What Django templates do before the filter (template_localtime), with the time zone
    # looked up once per page: Django's lookup costs an exception inside asgiref when no
    # zone is activated, 5 % of a list page at one lookup per row.
    if (
        isinstance(value, datetime.datetime)
        and settings.USE_TZ
        and value.utcoffset() is not None
        and getattr(value, "convert_to_local_time", True)
    ):
        page = _page.get()
        value = value.astimezone(page.timezone if page else get_current_timezone())
    if fmt != "j F Y H:i" or not isinstance(value, datetime.datetime):
        return date_filter(value, fmt)
    language = _language()
    months = _MONTHS.get(language)
    if months is None:
        with translation.override(language):
            months = _MONTHS[language] = [""] + [str(m) for m in MONTHS.values()]
    return f"{value.day} {months[value.month]} {value.year} {value.hour:02d}:{value.minute:02d}"


_MONTHS: dict[str | None, list[str]] = {}
_LABELS: dict[tuple, dict] = {}


class _Page(NamedTuple):
    """What every row of a page asks for, looked up once when the page starts rendering
    (Template.render): Django's lookups go through asgiref's Local (the language ≈ 1.5 µs,
    the time zone an exception when none is activated), 100-200 times on a list page."""

    timezone: datetime.tzinfo
    language: str | None


_page: ContextVar[_Page | None] = ContextVar("_page", default=None)
# Set while FormRenderer renders a field, its label, errors or widget: those templates show no
# dates, so inside a page (in the page's language) they keep the page's lookups. Any other
# template rendered within a page looks its own language and zone up.
_form_field: ContextVar[bool] = ContextVar("_form_field", default=False)


def _language() -> str | None:
    """The active language: the page's while a page renders, else Django's."""
    page = _page.get()
    return page.language if page is not None else translation.get_language()


def label(obj, field_name: str) -> str:
    """`obj.get_<field>_display()`, without its cost: Django rebuilds a dict of the field's
    choices and translates every label on each call (two calls per row on a list page). Here
    each field's labels are translated once per language and process."""
    key = (type(obj), field_name, _language())
    labels = _LABELS.get(key)
    if labels is None:
        field = obj._meta.get_field(field_name)
        with translation.override(key[2]):
            labels = _LABELS[key] = {value: str(text) for value, text in field.flatchoices}
    value = getattr(obj, field_name)
    return labels.get(value, value)


_TRANSLATED: dict[tuple[str | None, str], str] = {}
_TRANSLATED_SAFE: dict[tuple[str | None, str], Markup] = {}


@jinja2.pass_context
def gettext(__context, __string: str, **variables) -> str:
    """Jinja2's newstyle `gettext` (what `_()` and `{% trans %}` call), with each text
    translated once per language and process: Django's lookup through the active
    translation's catalogs, Jinja2's alias and its `% {}` were a tenth of a list page (40-60
    texts per page). The result is the same: translated, marked safe under autoescape,
    then formatted with the (escaped) variables."""
    key = (_language(), __string)
    if __context.eval_ctx.autoescape and not variables:
        done = _TRANSLATED_SAFE.get(key)
        if done is None:
            # Translations are trusted markup, as in Jinja2's own newstyle gettext.
            done = _remember(_TRANSLATED_SAFE, key, Markup(_translate(key)) % {})  # noqa: S704
        return done
    text = _translate(key)
    if __context.eval_ctx.autoescape:
        names = _named_placeholders(text)
        if names is not None:
            # What Markup's `%` gives for `%(name)s` placeholders (each value it uses escaped,
            # then str(); a missing one a KeyError), without its per-value wrapper objects:
            # 14 µs a call, a text with a variable on every row of a list was 5 % of the page.
            return Markup(text % {name: escape(variables[name]) for name in names})  # noqa: S704
        return Markup(text) % variables  # noqa: S704 (as above)
    return text % variables


_NAMED_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")
_PLACEHOLDER_NAMES: dict[str, tuple[str, ...] | None] = {}


def _named_placeholders(text: str) -> tuple[str, ...] | None:
    """The names of `text`'s placeholders when every `%` in it is `%%` or a `%(name)s` (what
    `{% trans %}` blocks produce); None when it has other conversions (`%(n)d`, `%r`), which
    go through Markup's own `%`."""
    try:
        return _PLACEHOLDER_NAMES[text]
    except KeyError:
        pass
    if "%" in _NAMED_PLACEHOLDER.sub("", text):
        names = None
    else:
        names = tuple(
            dict.fromkeys(m.group(1) for m in _NAMED_PLACEHOLDER.finditer(text) if m.group(1))
        )
    return _remember(_PLACEHOLDER_NAMES, text, names)


def _translate(key: tuple[str | None, str]) -> str:
    text = _TRANSLATED.get(key)
    if text is None:
        with translation.override(key[0]):  # the language of the key, even if another is active
            text = _remember(_TRANSLATED, key, translation.gettext(key[1]))
    return text


def _remember(cache: dict, key, value, limit: int = 4096):
    if len(cache) >= limit:  # bounded, whatever the pages ask for
        cache.clear()
    cache[key] = value
    return value


@receiver(setting_changed)
def _forget_translations(*, setting, **kwargs):
    """Tests that switch languages or translation files get fresh texts, as Django does."""
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _forget_translated_texts()


@receiver(file_changed)
def _forget_translations_of_changed_files(*, file_path, **kwargs):
    """The development server reloads a changed .mo file without restarting; so do these."""
    if file_path.suffix == ".mo":
        _forget_translated_texts()


def _forget_translated_texts():
    _TRANSLATED.clear()
    _TRANSLATED_SAFE.clear()
    _LABELS.clear()
    _MONTHS.clear()


class Environment(jinja2.Environment):
    def make_globals(self, d):
        """A template's globals as a plain dict (the environment's, then the template's own),
        not Jinja2's ChainMap over both: every rendered template and form widget iterated that
        ChainMap twice (for its context and for the context's key set), 5 % of a page with a
        form. The price: globals added to the environment after a template was loaded do not
        reach that template, which Jinja2 advises against anyway; environment() below sets
        them all before any template is loaded."""
        return {**self.globals, **(d or {})}


def environment(**options) -> jinja2.Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    options.pop("autoescape", None)  # always on for HTML pages
    # An unknown variable is empty and false, as in Django templates, also with DEBUG on
    # (Django's backend would switch to DebugUndefined, which prints "{{ name }}").
    options["undefined"] = jinja2.Undefined
    env = Environment(autoescape=True, **options)
    env.install_gettext_callables(
        translation.gettext, translation.ngettext, newstyle=True, pgettext=translation.pgettext
    )
    env.globals.update(gettext=gettext, _=gettext)
    env.globals.update(url=url, static=static, querystring=querystring, label=label)
    env.filters.update(datum=datum, linebreaksbr=linebreaksbr, code_lines=code_lines)
    return env


def _csrf_once(request) -> tuple[SimpleLazyObject, SimpleLazyObject]:
    """`csrf_input` and `csrf_token` of one page: one masked token for all its forms, made
    when first used, as Django templates get it from the `csrf` context processor. Django's
    Jinja2 backend masks the secret again for every form (32 random characters from the
    operating system each time): the logout button, the instance page's two forms."""
    token = SimpleLazyObject(lambda: get_token(request))
    field = SimpleLazyObject(
        lambda: format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    )
    return field, token


class Template(DjangoJinja2Template):
    def render(self, context=None, request=None):
        if context is None:
            context = {}
        if request is not None:
            # What Django's backend (django.template.backends.jinja2.Template.render) does
            # with the request, with one CSRF token per page; tests/beheer/test_jinja.py
            # compares the context with the one Django's backend gives.
            context["request"] = request
            context["csrf_input"], context["csrf_token"] = _csrf_once(request)
            for context_processor in self.backend.template_context_processors:
                context.update(context_processor(request))
        # Django's render gets no request: the context has what it would add.
        page = _page.get()
        if page is not None and _form_field.get() and page.language == translation.get_language():
            html = super().render(context)  # a form field inside a page: as that page
        else:
            token = _page.set(_Page(get_current_timezone(), translation.get_language()))
            try:
                html = super().render(context)
            finally:
                _page.reset(token)
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


# Rendered as "" when the list is empty (they start with `{% if errors %}`); every field
# renders its error list, also when it has none.
_ERROR_LIST_TEMPLATES = frozenset(
    {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}
)
_FORM_TEMPLATES: dict[str, object] = {}


class FormRenderer(TemplatesSetting):
    """FORM_RENDERER: Django's TemplatesSetting (portal widgets from django.forms' Jinja2
    templates, the admin's from its Django templates), with two shortcuts. A form field is four
    template renders (field, label, error list, widget), each looked up again through every
    template engine; a form of four fields was a third of the domain details page.

    - Templates are looked up once per name and process (not with DEBUG on, so that edited
      templates show in development; forgotten when TEMPLATES or INSTALLED_APPS change).
    - An empty error list is "" without rendering its template, which gives "" for it
      (`tests/beheer/test_form_renderer.py` compares both)."""

    def get_template(self, template_name):
        template = _FORM_TEMPLATES.get(template_name)
        if template is None:
            template = super().get_template(template_name)
            if not settings.DEBUG:
                _remember(_FORM_TEMPLATES, template_name, template, limit=512)
        return template

    def render(self, template_name, context, request=None):
        if template_name in _ERROR_LIST_TEMPLATES and not context.get("errors"):
            return ""
        token = _form_field.set(True)
        try:
            return super().render(template_name, context, request=request)
        finally:
            _form_field.reset(token)


@receiver(setting_changed)
def _forget_form_templates(*, setting, **kwargs):
    if setting in {"TEMPLATES", "DEBUG", "FORM_RENDERER", "INSTALLED_APPS"}:
        _FORM_TEMPLATES.clear()
