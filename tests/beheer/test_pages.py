"""What the portal pages show: times in local time (Europe/Amsterdam), in the pages' formats."""

from datetime import UTC, datetime

from django.urls import reverse

from connectieaanvragen.models import Connectieaanvraag
from domeinen.models import Applicatieinstantie
from tests.auth_helpers import login
from tests.factories import ApplicatieFactory, make_instance, make_request

# 12:34:56 UTC is 13:34:56 in Amsterdam in winter (TIME_ZONE = Europe/Amsterdam).
WINTER_UTC = datetime(2026, 1, 15, 12, 34, 56, tzinfo=UTC)


def test_times_on_pages_are_local_time(client, domein, applicatie, domeinbeheerder):
    instance = make_instance(applicatie=applicatie, domein=domein)
    Applicatieinstantie.objects.filter(pk=instance.pk).update(status_sinds=WINTER_UTC)
    login(client, domeinbeheerder)
    for url in (
        reverse("domeinen:instanties", args=[domein.naam]),
        reverse("domeinen:instantie", args=[domein.naam, instance.client_id]),
    ):
        page = client.get(url).content.decode()
        assert "15 januari 2026 13:34" in page, url
        assert "12:34" not in page, url


def test_jwks_check_time_is_local_time_with_seconds(client, domein, applicatie, domeinbeheerder):
    aanvraag = make_request(applicatie=applicatie, domein=domein)
    Connectieaanvraag.objects.filter(pk=aanvraag.pk).update(
        jwks_gecontroleerd_op=WINTER_UTC, jwks_resultaat={"ok": True, "sleutels": []}
    )
    login(client, domeinbeheerder)
    page = client.get(reverse("connectieaanvragen:beoordelen", args=[domein.naam, aanvraag.pk]))
    assert "Opgehaald op 15 januari 2026 13:34:56." in page.content.decode()


def test_page_links_keep_the_filters(client, domein, applicatiebeheerder, domeinbeheerder):
    for i in range(26):
        app = ApplicatieFactory(naam=f"App {i:02d}", beheerders=[applicatiebeheerder])
        make_instance(applicatie=app, domein=domein)
    login(client, domeinbeheerder)
    url = reverse("domeinen:instanties", args=[domein.naam])
    first = client.get(url, {"status": "actief", "q": "App"}).content.decode()
    assert '<a href="?status=actief&amp;q=App&amp;page=2" rel="next">Volgende</a>' in first
    assert 'rel="prev"' not in first
    second = client.get(url, {"status": "actief", "q": "App", "page": 2}).content.decode()
    assert '<a href="?status=actief&amp;q=App&amp;page=1" rel="prev">Vorige</a>' in second
    assert 'rel="next"' not in second
    assert "Pagina 2 van 2" in second
