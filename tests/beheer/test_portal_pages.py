"""Start screen, environment banner, static files served by the app, plain accessible HTML."""

import re

import pytest
from django.urls import reverse

from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, DomeinFactory


def test_start_links_to_own_domains_and_applications(client, domeinbeheerder):
    domein = DomeinFactory(naam="ggz-west", beheerders=[domeinbeheerder])
    app = ApplicatieFactory(naam="Mijn app", beheerders=[domeinbeheerder])
    DomeinFactory(naam="niet-van-mij")
    login(client, domeinbeheerder)
    page = client.get(reverse("start")).content.decode()
    assert f'href="/domeinen/{domein.naam}/"' in page
    assert f'href="/applicaties/{app.pk}/"' in page
    assert "niet-van-mij" not in page
    assert "Naar het supportbeheer" not in page


def test_start_gives_support_a_link_to_the_admin(client, support_user):
    login(client, support_user)
    page = client.get(reverse("start")).content.decode()
    assert 'href="/admin/"' in page and "Naar het supportbeheer" in page


def test_start_without_roles_says_so(client, outsider):
    login(client, outsider)
    assert "U beheert nog geen domeinen of applicaties" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("omgeving", "css_class", "text"),
    [
        ("prd2", "omgeving-productie", "PRODUCTIE"),
        ("acc21", "omgeving-acceptatie", "acceptatie"),
        ("lokaal", "omgeving-lokaal", "lokaal"),
    ],
)
def test_environment_banner_on_every_page(
    client, settings, domeinbeheerder, omgeving, css_class, text
):
    settings.KT_OMGEVING = omgeving
    DomeinFactory(naam="ggz-oost", beheerders=[domeinbeheerder])
    for url in ("/inloggen/",):
        assert f'class="omgeving {css_class}"' in client.get(url).content.decode()
    login(client, domeinbeheerder)
    for url in ("/", "/domeinen/", "/domeinen/ggz-oost/", "/applicaties/"):
        page = client.get(url).content.decode()
        assert f'class="omgeving {css_class}"' in page, url
        assert text in page


def test_production_and_acceptance_banners_look_different(client, settings):
    # Served by whitenoise inside the app (finders instead of a collectstatic in the test).
    settings.WHITENOISE_USE_FINDERS = True
    css = client.get("/static/beheer/kt.css")
    assert css.status_code == 200
    body = b"".join(css.streaming_content) if css.streaming else css.content
    rules = dict(re.findall(r"\.(omgeving-\w+) \{ background: (#[0-9a-f]+)", body.decode()))
    assert rules["omgeving-productie"] != rules["omgeving-acceptatie"] != rules["omgeving-lokaal"]


def test_pages_use_no_external_resources_or_scripts(client, domeinbeheerder):
    DomeinFactory(naam="ggz-oost", beheerders=[domeinbeheerder])
    login(client, domeinbeheerder)
    for url in ("/", "/domeinen/ggz-oost/", "/domeinen/ggz-oost/applicatieinstanties/"):
        page = client.get(url).content.decode()
        assert "<script" not in page
        assert not re.search(r'(src|href)="(https?:)?//', page), url
        assert 'href="/static/beheer/kt.css"' in page


def test_every_form_field_has_a_label(client, domeinbeheerder, applicatiebeheerder):
    domein = DomeinFactory(naam="ggz-oost", beheerders=[domeinbeheerder])
    app = ApplicatieFactory(beheerders=[domeinbeheerder])
    login(client, domeinbeheerder)
    for url in (
        f"/domeinen/{domein.naam}/",
        f"/domeinen/{domein.naam}/applicatieinstanties/",
        f"/applicaties/{app.pk}/",
        f"/applicaties/{app.pk}/connectieaanvragen/nieuw/",
    ):
        page = client.get(url).content.decode()
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
        assert ids, url
        for field_id in ids:
            assert f'for="{field_id}"' in page, (url, field_id)
        assert "<h1" in page and "<h2" in page
