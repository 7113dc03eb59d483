"""Support's tools in the admin: filter "geblokkeerd", unlock, password reset, invitation."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from beheer.accounts.models import User
from beheer.accounts.selectors import has_two_factor, is_locked
from tests.auth_helpers import login, totp_device
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_user_changelist")


@pytest.fixture
def support_client(client, support_user):
    return login(client, support_user)


def _lock(client, username):
    for _ in range(5):
        client.post("/inloggen/", {"username": username, "password": "fout"})


def _link_from(mail) -> str:
    return re.search(r"http://\S+/wachtwoord-instellen/\S+/", mail.body).group(0)


def test_filter_geblokkeerd_lists_locked_accounts_only(client, support_client):
    locked = UserFactory(username="Dora")
    free = UserFactory(username="daan")
    _lock(Client(), " dora")
    page = support_client.get(CHANGELIST, {"geblokkeerd": "ja"}).content.decode()
    assert f"/{locked.pk}/change/" in page
    assert f"/{free.pk}/change/" not in page
    page = support_client.get(CHANGELIST, {"geblokkeerd": "nee"}).content.decode()
    assert f"/{locked.pk}/change/" not in page
    assert f"/{free.pk}/change/" in page


def test_unlock_by_support_lets_the_user_log_in_and_mails_them(
    support_client, mailoutbox, django_capture_on_commit_callbacks
):
    dora = UserFactory(username="dora", email="dora@zorg.example")
    visitor = Client()
    _lock(visitor, "DORA")
    assert is_locked(user=dora)
    with django_capture_on_commit_callbacks(execute=True):
        response = support_client.post(
            CHANGELIST,
            {"action": "unlock_selected", "_selected_action": [dora.pk]},
            follow=True,
        )
    assert "1 account gedeblokkeerd" in response.content.decode()
    assert not is_locked(user=dora)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dora@zorg.example"]
    assert "gedeblokkeerd" in mailoutbox[0].subject
    assert mailoutbox[0].alternatives[0][1] == "text/html"
    response = visitor.post("/inloggen/", {"username": "dora", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_unlock_button_on_the_change_page(
    support_client, mailoutbox, django_capture_on_commit_callbacks
):
    dora = UserFactory(username="dora")
    _lock(Client(), "dora")
    change = reverse("admin:accounts_user_change", args=[dora.pk])
    url = reverse("admin:accounts_user_unlock", args=[dora.pk])
    assert url in support_client.get(change).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert support_client.post(url).status_code == 302
    assert not is_locked(user=dora)
    assert len(mailoutbox) == 1
    assert url not in support_client.get(change).content.decode()


def test_unlocking_an_account_that_is_not_locked_changes_nothing(support_client, mailoutbox):
    dora = UserFactory(username="dora")
    response = support_client.post(
        CHANGELIST, {"action": "unlock_selected", "_selected_action": [dora.pk]}, follow=True
    )
    assert "is niet geblokkeerd" in response.content.decode()
    assert mailoutbox == []


def test_password_reset_by_support_mails_a_one_time_link(
    client, support_client, mailoutbox, django_capture_on_commit_callbacks
):
    dora = UserFactory(username="dora", email="dora@zorg.example")
    url = reverse("admin:accounts_user_reset_password", args=[dora.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert support_client.post(url).status_code == 302
    dora.refresh_from_db()
    assert not dora.has_usable_password()
    assert dora.must_change_password
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dora@zorg.example"]
    assert "24 uur" in mailoutbox[0].body
    # the old password no longer works
    assert (
        Client().post("/inloggen/", {"username": "dora", "password": TEST_PASSWORD}).status_code
        == 200
    )


def test_creating_an_account_sends_an_invitation_and_no_password_is_typed(
    support_client, mailoutbox, django_capture_on_commit_callbacks
):
    add = reverse("admin:accounts_user_add")
    page = support_client.get(add).content.decode()
    assert 'name="password1"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = support_client.post(
            add,
            {
                "username": "nieuw",
                "email": "nieuw@zorg.example",
                "full_name": "Nina Nieuw",
                "phone": "",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="nieuw")
    assert not user.has_usable_password()
    assert user.must_change_password
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nieuw@zorg.example"]
    assert "uitnodiging" in mail.subject.lower()
    assert "nieuw" in mail.body
    assert _link_from(mail)


def test_creating_an_account_with_a_taken_username_in_other_case_is_refused(support_client):
    UserFactory(username="dora")
    response = support_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "DORA", "email": "x@zorg.example", "full_name": "", "phone": ""},
    )
    assert response.status_code == 200
    assert "al in gebruik" in response.content.decode()
    assert User.objects.filter(username__iexact="dora").count() == 1


def test_a_password_typed_by_support_must_be_changed(support_client):
    dora = UserFactory(username="dora")
    url = reverse("admin:auth_user_password_change", args=[dora.pk])
    response = support_client.post(
        url, {"password1": "Door-support-gekozen-77", "password2": "Door-support-gekozen-77"}
    )
    assert response.status_code == 302
    dora.refresh_from_db()
    assert dora.check_password("Door-support-gekozen-77")
    assert dora.must_change_password


def test_support_resets_two_factor_of_a_user(support_client):
    dora = UserFactory(username="dora")
    totp_device(dora)
    url = reverse("admin:accounts_user_reset_two_factor", args=[dora.pk])
    assert support_client.post(url).status_code == 302
    assert not has_two_factor(user=dora)


def test_support_cannot_take_over_a_superuser(support_client, mailoutbox):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    before = root.password
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    response = support_client.post(
        url, {"password1": "Overname-poging-123", "password2": "Overname-poging-123"}
    )
    assert response.status_code == 403
    assert (
        support_client.post(
            reverse("admin:accounts_user_reset_password", args=[root.pk])
        ).status_code
        == 403
    )
    response = support_client.post(
        CHANGELIST,
        {"action": "reset_password_selected", "_selected_action": [root.pk]},
        follow=True,
    )
    assert "niet toegestaan" in response.content.decode()
    root.refresh_from_db()
    assert root.password == before and mailoutbox == []


def test_support_cannot_make_itself_superuser(support_client, support_user):
    page = support_client.get(reverse("admin:accounts_user_change", args=[support_user.pk]))
    assert 'name="is_superuser"' not in page.content.decode()


def test_user_page_says_since_when_and_after_how_many_attempts_it_is_locked(support_client):
    dora = UserFactory(username="dora")
    change = reverse("admin:accounts_user_change", args=[dora.pk])
    page = support_client.get(change).content.decode()
    assert "Niet geblokkeerd" in page
    assert "Niet ingesteld" in page  # no authenticator yet
    _lock(Client(), "dora")
    page = support_client.get(change).content.decode()
    assert "Geblokkeerd na 5 mislukte aanmeldpogingen, sinds " in page
    assert "laatste poging" in page


def test_user_page_shows_two_factor_and_one_password_action(support_client):
    dora = UserFactory(username="dora")
    totp_device(dora)
    page = support_client.get(
        reverse("admin:accounts_user_change", args=[dora.pk])
    ).content.decode()
    assert "Ingesteld (authenticator-app bevestigd)" in page
    assert "Wachtwoord resetten (link per e-mail)" in page
    assert "Wachtwoord opnieuw instellen" not in page  # Django's own password link is gone
    assert page.count("/password/") == 0


def test_the_admin_widgets_speak_dutch(support_client):
    catalog = support_client.get("/admin/jsi18n/").content.decode()
    for dutch in ("Alle %s kiezen", "Alle %s verwijderen", "Kies %s door ze te selecteren"):
        assert dutch in catalog
