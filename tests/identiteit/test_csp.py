"""The identity-provider pages need no inline script, style attribute or event handler (CSP)."""

import pytest
from django.urls import reverse

from tests.auth_helpers import login
from tests.beheer.test_security_headers import _assert_no_inline
from tests.factories import make_idp, make_instance

pytestmark = pytest.mark.django_db


def test_idp_pages_need_no_inline_script_style_or_event_handler(
    client, domeinbeheerder, applicatiebeheerder, applicatie, domein
):
    make_idp(domein=domein, logische_id="digid")
    instantie = make_instance(applicatie=applicatie, domein=domein)
    login(client, domeinbeheerder)
    for url in [
        reverse("identiteit:lijst", args=[domein.naam]),
        reverse("identiteit:nieuw", args=[domein.naam]),
        reverse("identiteit:bewerken", args=[domein.naam, "digid"]),
        reverse("identiteit:verwijderen", args=[domein.naam, "digid"]),
        reverse("identiteit:instantie", args=[domein.naam, instantie.client_id]),
    ]:
        _assert_no_inline(client.get(url), url)
    client.logout()
    login(client, applicatiebeheerder)
    url = reverse("identiteit:applicatie_instantie", args=[applicatie.pk, instantie.client_id])
    _assert_no_inline(client.get(url), url)
