"""The portal's FORM_RENDERER renders every form exactly as Django's TemplatesSetting does, with
fewer template lookups and no render for an empty error list."""

import pytest
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorList
from django.test import override_settings
from django.utils import translation

from applicaties.forms import ApplicationContactForm
from beheer import jinja
from beheer.accounts.forms import PasswordForgottenForm
from connectieaanvragen.forms import AcceptForm, NewRequestForm, RefuseForm
from domeinen.forms import (
    DomainDetailsForm,
    InstanceFilterForm,
    InstanceRoleForm,
    InstanceStatusForm,
)
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_instance


def _forms(instance, renderer):
    """Each portal form unbound, bound and valid, and bound with errors on every field."""
    bad_contact = {"contact_email": "geen-adres", "contact_naam": "", "omschrijving": "x" * 5}
    r = {"renderer": renderer}
    return [
        DomainDetailsForm(instance=instance.domein, **r),
        DomainDetailsForm(bad_contact, instance=instance.domein, **r),
        ApplicationContactForm(instance=instance.applicatie, **r),
        ApplicationContactForm(bad_contact, instance=instance.applicatie, **r),
        InstanceFilterForm({"status": "in_onderhoud", "q": "<zoek & vind>"}, **r),
        InstanceFilterForm({"status": "bestaat-niet", "q": "x" * 200}, **r),
        InstanceStatusForm(instance=instance, prefix="status", **r),
        InstanceStatusForm({"status-status": "nee"}, instance=instance, prefix="status", **r),
        InstanceRoleForm(instance=instance, prefix="rol", **r),
        InstanceRoleForm({"rol-rol": "0"}, instance=instance, prefix="rol", **r),
        NewRequestForm(**r),
        NewRequestForm({"domein": "", "jwks_uri": "ftp://x"}, **r),
        AcceptForm(**r),
        RefuseForm({}, **r),
        PasswordForgottenForm({"email": "x"}, **r),
    ]


def _render_all(form) -> list[str]:
    html = [str(form.non_field_errors())]
    html += [form[name].as_field_group() for name in form.fields]
    html += [str(form[name]) for name in form.fields]
    html += [str(form[name].errors) for name in form.fields]
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_portal_form_renders_as_with_djangos_renderer(language):
    domein = DomeinFactory(beheerders=[UserFactory()])
    instance = make_instance(
        applicatie=ApplicatieFactory(beheerders=[UserFactory()]), domein=domein
    )
    with translation.override(language):
        pairs = zip(
            _forms(instance, jinja.FormRenderer()),
            _forms(instance, TemplatesSetting()),
            strict=True,
        )
        errors = 0
        for ours, theirs in pairs:
            assert type(ours.renderer) is jinja.FormRenderer
            assert type(theirs.renderer) is TemplatesSetting
            html = _render_all(ours)
            assert html == _render_all(theirs), type(ours).__name__
            errors += sum('class="errorlist' in part for part in html)
        assert errors >= 10  # the bound forms with errors did show them


def test_an_empty_error_list_is_empty_without_a_render(monkeypatch):
    renderer = jinja.FormRenderer()
    for template in jinja._ERROR_LIST_TEMPLATES:
        assert TemplatesSetting().render(template, ErrorList().get_context()) == ""
        with_errors = ErrorList(["<fout>"], field_id="id_x").get_context()
        assert renderer.render(template, with_errors) == TemplatesSetting().render(
            template, with_errors
        )
        assert "&lt;fout&gt;" in renderer.render(template, with_errors)

    def no_lookup(self, name):
        raise AssertionError(f"looked up {name}")

    monkeypatch.setattr(TemplatesSetting, "get_template", no_lookup)
    jinja._FORM_TEMPLATES.clear()
    for template in jinja._ERROR_LIST_TEMPLATES:
        assert renderer.render(template, ErrorList().get_context()) == ""


def test_form_templates_are_looked_up_once_unless_debug(monkeypatch):
    lookups = []
    real = TemplatesSetting.get_template

    def counting(self, name):
        lookups.append(name)
        return real(self, name)

    monkeypatch.setattr(TemplatesSetting, "get_template", counting)
    jinja._FORM_TEMPLATES.clear()
    renderer = jinja.FormRenderer()
    for _ in range(3):
        form = InstanceFilterForm({"q": "x"}, renderer=renderer)
        form["q"].as_field_group()
    assert sorted(set(lookups)) == sorted(lookups)  # each name once
    assert "django/forms/field.html" in lookups
    lookups.clear()
    with override_settings(DEBUG=True):  # development: edited templates show at once
        for _ in range(2):
            InstanceFilterForm({"q": "x"}, renderer=renderer)["q"].as_field_group()
    assert lookups.count("django/forms/field.html") == 2


def test_a_form_template_inherits_the_page_only_in_the_pages_language():
    """A form field's template rendered within a page reuses the page's language and zone,
    unless another language is active (a form rendered under translation.override)."""
    from zoneinfo import ZoneInfo

    from django.template import engines

    template = engines["jinja"].from_string('{{ _("Yes") }}')
    page = jinja._page.set(jinja._Page(ZoneInfo("UTC"), "nl"))
    field = jinja._form_field.set(True)
    try:
        with translation.override("nl"):
            assert template.render() == "Ja"
        with translation.override("en"):
            assert template.render() == "Yes"
    finally:
        jinja._form_field.reset(field)
        jinja._page.reset(page)


def test_changed_apps_forget_the_form_templates_and_texts():
    from django.core.signals import setting_changed

    InstanceFilterForm({"q": "x"})["q"].as_field_group()
    with translation.override("nl"):
        jinja._translate(("nl", "Yes"))
    assert jinja._FORM_TEMPLATES and jinja._TRANSLATED
    setting_changed.send(sender=None, setting="INSTALLED_APPS", value=[], enter=True)
    assert not jinja._FORM_TEMPLATES and not jinja._TRANSLATED
