"""The Jinja2 helpers of the portal pages give exactly what Django's own tags and filters give."""

import datetime
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import models
from django.template import engines
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation
from markupsafe import Markup

from beheer import jinja
from domeinen.models import Applicatieinstantie, FhirStatus, InstantieStatus

AMS = ZoneInfo("Europe/Amsterdam")


def django_date(value, fmt):
    """What `{{ value|date:fmt }}` renders in a Django template (local time, like the portal)."""
    return engines["django"].from_string("{{ v|date:f }}").render({"v": value, "f": fmt})


UTC = datetime.UTC


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 1, 1, 0, 0, tzinfo=UTC),  # 1 januari 01:00 in Amsterdam
        datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # new year in Amsterdam only
        datetime.datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # just before summer time
        datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # just after
        datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the hour that happens twice
        datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        datetime.datetime(2026, 5, 9, 7, 5, tzinfo=AMS),
        datetime.datetime(2026, 5, 9, 7, 5),  # naive: shown as it is
    ],
)
def test_datum_is_djangos_date_filter(value):
    with translation.override("nl"):
        assert jinja.datum(value) == django_date(value, "j F Y H:i")
        assert jinja.datum(value, "j F Y H:i:s") == django_date(value, "j F Y H:i:s")


def test_datum_month_names_follow_the_language():
    value = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    with translation.override("nl"):
        assert "maart" in jinja.datum(value)
    with translation.override("en"):
        assert jinja.datum(value) == django_date(value, "j F Y H:i")
        assert "March" in jinja.datum(value)


def test_datum_of_nothing_is_empty_and_dates_work():
    assert jinja.datum(None) == ""
    assert jinja.datum("") == ""
    assert jinja.datum(datetime.date(2026, 2, 3), "j F Y") == django_date(
        datetime.date(2026, 2, 3), "j F Y"
    )


def test_url_is_reverse_for_every_kind_of_argument():
    ids = [uuid.uuid4() for _ in range(3)]
    for naam in ["ggz-noord", "ander_domein", "GGZ-Zuid-2"]:
        for client_id in ids:
            assert jinja.url("domeinen:instantie", naam, client_id) == reverse(
                "domeinen:instantie", args=[naam, client_id]
            )
    for pk in [1, 7, 123456789]:
        assert jinja.url("applicaties:details", pk) == reverse("applicaties:details", args=[pk])
        assert jinja.url("connectieaanvragen:beoordelen", "ggz-noord", pk) == reverse(
            "connectieaanvragen:beoordelen", args=["ggz-noord", pk]
        )
    assert jinja.url("start") == reverse("start")
    # What reverse() refuses, url() refuses too (a name its converter does not accept).
    with pytest.raises(NoReverseMatch):
        jinja.url("domeinen:instantie", "met spatie/en%", ids[0])
    assert jinja.url("domeinen:details", "ggz-noord") == reverse(
        "domeinen:details", args=["ggz-noord"]
    )


def test_url_never_fills_in_what_it_cannot_tell_apart():
    """Arguments other than plain strings, ints and UUIDs are reversed each time, and a name
    that contains a stand-in's text does not confuse the filling in."""

    class Naam:
        def __init__(self, naam):
            self.naam = naam

        def __str__(self):
            return self.naam

    class Nr(models.IntegerChoices):
        EEN = 1
        TWEE = 2

    client_id = uuid.uuid4()
    for naam in ["ggz-a", "ggz-b"]:
        assert jinja.url("domeinen:instantie", Naam(naam), client_id) == reverse(
            "domeinen:instantie", args=[naam, client_id]
        )
    for nr in [Nr.EEN, Nr.TWEE]:
        assert jinja.url("connectieaanvragen:beoordelen", "ggz", nr) == reverse(
            "connectieaanvragen:beoordelen", args=["ggz", nr]
        )
    for stand_in in jinja._STAND_INS.values():
        naam = f"x{stand_in}"
        for _ in range(2):  # the second call comes from the cache
            assert jinja.url("domeinen:instantie", naam, client_id) == reverse(
                "domeinen:instantie", args=[naam, client_id]
            )
            assert jinja.url("connectieaanvragen:beoordelen", naam, 7) == reverse(
                "connectieaanvragen:beoordelen", args=[naam, 7]
            )
    jinja.url("applicaties:details", 3)  # the pattern is cached now
    with pytest.raises(NoReverseMatch):
        jinja.url("applicaties:details", -3)


def test_url_follows_the_script_prefix():
    client_id = uuid.uuid4()
    try:
        set_script_prefix("/beheer/")
        expected = reverse("domeinen:instantie", args=["ggz", client_id])
        assert expected.startswith("/beheer/")
        assert jinja.url("domeinen:instantie", "ggz", client_id) == expected
    finally:
        set_script_prefix("/")
    assert jinja.url("domeinen:instantie", "ggz", client_id) == reverse(
        "domeinen:instantie", args=["ggz", client_id]
    )


def test_label_is_get_display_in_every_language():
    instantie = Applicatieinstantie(
        status=InstantieStatus.IN_ONDERHOUD, fhir_status=FhirStatus.MISLUKT
    )
    for language in ["nl", "en"]:
        with translation.override(language):
            assert jinja.label(instantie, "status") == instantie.get_status_display()
            assert jinja.label(instantie, "fhir_status") == instantie.get_fhir_status_display()
    instantie.status = "onbekende-waarde"
    assert jinja.label(instantie, "status") == instantie.get_status_display()


def test_querystring_replaces_one_key_and_keeps_the_rest():
    request = RequestFactory().get("/x/", {"status": "actief", "q": "a&b", "page": "3"})
    result = jinja.querystring(request, page=4)
    assert result.startswith("?")
    assert dict(pair.split("=") for pair in result[1:].split("&")) == {
        "status": "actief",
        "q": "a%26b",
        "page": "4",
    }
    assert "page" not in jinja.querystring(request, page=None)


def _jinja_env_without_our_gettext(autoescape=True):
    """Jinja2's own newstyle gettext over Django's translations: what `_()` gave before."""
    import jinja2

    env = jinja2.Environment(autoescape=autoescape, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    return env


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize(
    "source",
    [
        '{{ _("Yes") }}',  # in Django's own Dutch catalog: "Ja"
        '{{ _("Geen applicatieinstanties gevonden.") }}',  # a portal text, not translated
        '{{ _("%(n)s of <%(m)s>", n=naam, m=1) }}',
        "{% trans %}Yes{% endtrans %}",
        "{% trans v=naam %}versie {{ v }}{% endtrans %}",
        "{% trans %}100%{% endtrans %}",
        '{{ gettext("No") }} {{ _("No") }}',
        '{{ _("%(n)d van %(m)s", n=3, m=naam) }}',  # not only %(name)s: Markup's own %
        "{% trans v=naam %}100% {{ v }}{% endtrans %}",  # %% beside a variable
        '{{ _("%(v)s en %(w)s", v=veilig, w=getal) }}',  # already safe markup, a number
    ],
)
def test_gettext_gives_what_jinjas_own_gives_in_every_language(source, autoescape):
    ours = jinja.environment(loader=None)
    ours.autoescape = autoescape
    theirs = _jinja_env_without_our_gettext(autoescape)
    context = {"naam": "<b>Zorg & co</b>", "veilig": Markup("<i>al veilig</i>"), "getal": 7}
    for language in ["nl", "en", "nl"]:  # back to nl: nothing kept from the other language
        with translation.override(language):
            expected = theirs.from_string(source).render(context)
            assert ours.from_string(source).render(context) == expected
    with translation.override("nl"):
        assert ours.from_string('{{ _("Yes") }}').render() == "Ja"
    with translation.override("en"):
        assert ours.from_string('{{ _("Yes") }}').render() == "Yes"


def test_datum_on_a_page_follows_the_time_zone_of_that_page():
    from django.utils import timezone

    value = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    page = engines["jinja"].from_string("{{ v|datum }}")
    with translation.override("nl"):
        assert page.render({"v": value}) == "1 juli 2026 14:00"  # Europe/Amsterdam, summer
        with timezone.override(ZoneInfo("America/New_York")):
            assert page.render({"v": value}) == "1 juli 2026 08:00"
        assert page.render({"v": value}) == "1 juli 2026 14:00"
        assert jinja.datum(value) == "1 juli 2026 14:00"  # outside a page: nothing left behind
        with timezone.override(ZoneInfo("Asia/Tokyo")):
            assert page.render({"v": value}) == "1 juli 2026 21:00"


def test_changed_translation_files_are_read_again():
    from pathlib import Path

    from django.utils.autoreload import file_changed

    with translation.override("nl"):
        assert jinja.environment(loader=None).from_string('{{ _("Yes") }}').render() == "Ja"
    assert jinja._TRANSLATED_SAFE
    file_changed.send(sender=None, file_path=Path("locale/nl/LC_MESSAGES/django.py"))
    assert jinja._TRANSLATED_SAFE  # not a translation file
    file_changed.send(sender=None, file_path=Path("locale/nl/LC_MESSAGES/django.mo"))
    assert not jinja._TRANSLATED_SAFE and not jinja._TRANSLATED


def test_url_of_names_only_is_reversed_once_and_stays_right(monkeypatch):
    """The menu's and the tabs' URLs (no ids) are kept whole: one reverse() per URL, and the
    kept URL follows the script prefix and a changed URLconf."""
    calls = []

    def counting_reverse(*args, **kwargs):
        calls.append(args)
        return reverse(*args, **kwargs)

    monkeypatch.setattr(jinja, "reverse", counting_reverse)
    jinja._URLS.clear()
    for _ in range(3):
        assert jinja.url("start") == reverse("start") == "/"
        assert jinja.url("domeinen:details", "ggz-noord") == reverse(
            "domeinen:details", args=["ggz-noord"]
        )
    assert len(calls) == 2
    assert jinja.url("domeinen:details", "ggz-zuid") == reverse(
        "domeinen:details", args=["ggz-zuid"]
    )
    try:
        set_script_prefix("/beheer/")
        assert jinja.url("start") == "/beheer/"
        assert jinja.url("domeinen:details", "ggz-noord").startswith("/beheer/")
    finally:
        set_script_prefix("/")
    assert jinja.url("start") == "/"
    with override_settings(ROOT_URLCONF="tests.beheer.urls_other"):
        assert jinja.url("start") == "/elders/"
    assert jinja.url("start") == "/"
    # pytest-django's `urls` marker assigns the setting without a signal: still the right URL.
    from django.conf import settings
    from django.urls import clear_url_caches

    main = settings.ROOT_URLCONF
    try:
        settings.ROOT_URLCONF = "tests.beheer.urls_other"
        clear_url_caches()
        assert jinja.url("start") == "/elders/"
    finally:
        settings.ROOT_URLCONF = main
        clear_url_caches()
    assert jinja.url("start") == "/"


def test_a_page_looks_up_its_language_once(monkeypatch):
    """Texts, labels and dates of a page take the language the page started in; Django's
    lookup (asgiref's Local) is not repeated per row."""
    instantie = Applicatieinstantie(status=InstantieStatus.IN_ONDERHOUD)
    page = engines["jinja"].from_string(
        '{% for i in range(20) %}{{ _("Yes") }} {{ label(x, "status") }} {{ d|datum }}|{% endfor %}'
    )
    context = {"x": instantie, "d": datetime.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)}
    with translation.override("nl"):
        expected = page.render(context)
    real = translation.get_language
    calls = []

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(translation, "get_language", counting)
    with translation.override("nl"):
        assert page.render(context) == expected
    assert expected.startswith("Ja In onderhoud 2 maart 2026 13:00|")
    assert len(calls) <= 2, len(calls)


def test_a_text_is_kept_in_the_language_of_its_key():
    """A text missing from the cache is translated in the language it is kept under, even if
    another language is active at that moment."""
    jinja._forget_translated_texts()
    with translation.override("nl"):
        assert jinja._translate(("en", "Yes")) == "Yes"
        assert jinja._translate(("nl", "Yes")) == "Ja"
    with translation.override("en"):
        instantie = Applicatieinstantie(status=InstantieStatus.IN_ONDERHOUD)
        token = jinja._page.set(jinja._Page(AMS, "nl"))
        try:
            assert jinja.label(instantie, "status") == "In onderhoud"
        finally:
            jinja._page.reset(token)
        assert jinja.label(instantie, "status") == instantie.get_status_display()


def test_templates_get_the_globals_as_a_plain_dict():
    """No ChainMap to walk for every rendered template and widget; the globals are all there."""
    template = engines["jinja"].env.from_string("{{ url('start') }} {{ _('Yes') }}")
    assert type(template.globals) is dict
    assert {"url", "_", "gettext", "label", "static"} <= template.globals.keys()
    with translation.override("nl"):
        assert template.render() == "/ Ja"


def test_a_template_rendered_within_a_page_in_another_language_and_zone_uses_those():
    """Only form fields inherit the page's language; any other template rendered while a page
    renders (here under another language and time zone) looks its own up."""
    from django.utils import timezone

    value = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    inner = engines["jinja"].from_string('{{ _("Yes") }} {{ d|datum }}')

    def render_inner():
        with translation.override("en"), timezone.override(ZoneInfo("America/New_York")):
            return inner.render({"d": value})

    page = engines["jinja"].from_string("{{ f() }}|{{ _('Yes') }} {{ d|datum }}")
    with translation.override("nl"):
        assert page.render({"f": render_inner, "d": value}) == (
            "Yes 2 March 2026 07:00|Ja 2 maart 2026 13:00"
        )


def test_texts_with_named_variables_are_formatted_without_markups_percent(monkeypatch):
    """`{% trans v=x %}` on every row of a list: the variables are escaped one by one and the
    text formatted once, not through Markup's `%` (a wrapper object per value); other
    conversions still go through it."""
    calls = []

    class CountingMarkup(Markup):
        def __mod__(self, value):
            calls.append(str(self))
            return super().__mod__(value)

    monkeypatch.setattr(jinja, "Markup", CountingMarkup)
    env = jinja.environment(loader=None)
    context = {"naam": "<b>Zorg & co</b>"}
    rendered = env.from_string("{% trans v=naam %}versie {{ v }}{% endtrans %}").render(context)
    assert rendered == "versie &lt;b&gt;Zorg &amp; co&lt;/b&gt;"
    assert calls == []
    assert env.from_string('{{ _("%(n)d keer", n=2) }}').render() == "2 keer"
    assert calls == ["%(n)d keer"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("versie %(versie)s", ("versie",)),
        ("100%% van %(n)s", ("n",)),
        ("%%(n)s", ()),  # a literal "%(n)s"
        ("%(a)s en %(b)s of %(a)s", ("a", "b")),
        ("geen variabelen", ()),
        ("%(n)d keer", None),
        ("%(n)r", None),
        ("%s", None),
        ("100% klaar", None),
        ("%(n)s%", None),
    ],
)
def test_named_placeholders_are_recognised_exactly(text, names):
    assert jinja._named_placeholders(text) == names


def test_a_variable_the_text_does_not_use_is_left_alone_and_a_missing_one_fails():
    """As with Markup's `%`: only the placeholders' values are escaped (and str()'d)."""

    class Unprintable:
        def __html__(self):
            raise AssertionError("escaped although unused")

    env = jinja.environment(loader=None)
    assert env.from_string('{{ _("versie %(v)s", v=1, x=x) }}').render(x=Unprintable()) == (
        "versie 1"
    )
    with pytest.raises(KeyError):
        env.from_string('{{ _("versie %(v)s", w=1) }}').render()


@pytest.mark.parametrize(
    "values",
    [
        [],
        ["patient/Patient.cruds"],
        ["system/Device.r?resource-origin=Device/1", "<script>&\"'", Markup("<b>veilig</b>"), 7],
        ["system/Task.rs", "system/Task.u?resource-origin=Device/1"],
        *[["system/Task.rs", f"a{special}b"] for special in "&<>'\""],
        [Markup("<i>al veilig</i>"), "system/Task.rs"],
        lambda: ("system/Task.rs" for _ in range(2)),  # a generator, made per run
    ],
)
def test_code_lines_gives_what_the_jinja_loop_gave(values):
    make = values if callable(values) else lambda: values
    env = jinja.environment(loader=None)
    loop = env.from_string(
        "{% for v in values %}<code>{{ v }}</code>{% if not loop.last %}<br>{% endif %}{% endfor %}"
    )
    assert env.from_string("{{ values|code_lines }}").render(values=make()) == loop.render(
        values=list(make())
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"fhir_status": "gesynchroniseerd", "fhir_version": "4"},
        {
            "fhir_status": "gesynchroniseerd",
            "fhir_version": "<5>",
            "fhir_synced_at": datetime.datetime(2026, 5, 9, 7, 5, tzinfo=UTC),
        },
        {"fhir_status": "wachtend", "fhir_error": "HTTP 503 — <druk>"},
        {"fhir_status": "wachtend"},
        {"fhir_status": "mislukt", "fhir_error": "HTTP 400 — kapot & stuk"},
        {"fhir_status": "onbekend"},
    ],
)
def test_the_fhir_status_macro_renders_what_the_include_rendered(fields):
    """The application's instance list calls the macro per row; the instance page includes
    domeinen/_fhir_status.html, which calls it too. Both give what the template gave before it
    became a macro (its text: fhir_status_before.html), apart from whitespace, in both languages."""
    from django.template.loader import render_to_string

    instance = Applicatieinstantie(**fields)
    jinja_engine = engines["jinja"]
    called = jinja_engine.from_string(
        '{% from "domeinen/_fhir_status_macro.html" import fhir_status %}'
        "{{ fhir_status(instantie) }}"
    )
    for language in ["nl", "en"]:
        with translation.override(language):
            before = _squeezed(
                jinja_engine.from_string(FHIR_STATUS_BEFORE).render({"instantie": instance})
            )
            assert _squeezed(called.render({"instantie": instance})) == before
            included = render_to_string("domeinen/_fhir_status.html", {"instantie": instance})
            assert _squeezed(included) == before
    assert f"fhir-status--{fields['fhir_status']}" in before
    for value in fields.values():  # the server's message and version are escaped
        if isinstance(value, str) and "<" in value:
            assert value not in before and str(Markup.escape(value)) in before


def _squeezed(html: str) -> str:
    return " ".join(html.split())


# jinja2/domeinen/_fhir_status.html before it became a macro (commit 2e737f1).
FHIR_STATUS_BEFORE = (Path(__file__).parent / "fhir_status_before.html").read_text()


def test_code_lines_joins_plain_scopes_without_escaping_each(monkeypatch):
    """Scopes have no character that escaping changes: no escape per line."""
    escaped = []
    monkeypatch.setattr(jinja, "escape", lambda v: escaped.append(v) or Markup.escape(v))
    scopes = ["system/Patient.rs", "system/Task.cu?resource-origin=Device/1"]
    html = jinja.code_lines(scopes)
    assert html == (
        "<code>system/Patient.rs</code><br><code>system/Task.cu?resource-origin=Device/1</code>"
    )
    assert escaped == []
    assert jinja.code_lines(["a&b"]) == "<code>a&amp;b</code>"
    assert escaped == ["a&b"]


def test_a_page_gets_the_context_djangos_jinja2_backend_gives(monkeypatch, rf, db):
    """beheer.jinja.Template builds the request's part of the context itself (one CSRF token
    per page): the same keys as Django's own Jinja2 backend, the same values for everything
    but the CSRF pair, and a CSRF pair that gives one valid token however often it is used."""
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import _unmask_cipher_token
    from django.template.backends.jinja2 import Template as DjangoTemplate

    backend = engines["jinja"]
    template = backend.get_template("base.html")
    seen = []
    monkeypatch.setattr(
        type(template.template), "render", lambda self, context: seen.append(context) or ""
    )
    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    DjangoTemplate(template.template, backend).render({}, request)
    template.render({}, request)
    django_ctx, ours = seen
    assert set(ours) == set(django_ctx)
    for key in set(ours) - {"csrf_input", "csrf_token", "messages", "perms"}:
        assert ours[key] == django_ctx[key], key
    tokens = {str(ours["csrf_token"]) for _ in range(3)}
    assert len(tokens) == 1
    (token,) = tokens
    assert str(ours["csrf_input"]).count(token) == 1
    secret = request.META["CSRF_COOKIE"]
    assert _unmask_cipher_token(token) == secret
    assert _unmask_cipher_token(str(django_ctx["csrf_token"])) == secret
