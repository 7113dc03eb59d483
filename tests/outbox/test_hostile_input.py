"""Names and remarks typed by users are escaped in HTML and can never add a mail header."""

import pytest
from django.core import mail
from django.core.management import call_command

from beheer.outbox.email import clean_recipient, clean_subject
from beheer.outbox.models import Delivery
from beheer.outbox.services import queue_email
from connectieaanvragen.services import refuse_request
from domeinen.services import change_instance_status
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_instance

pytestmark = pytest.mark.django_db

EVIL_NAME = 'Evil\r\nBcc: spy@evil.example\r\n\r\n<script>alert("x")</script>'
EVIL_REMARK = "<script>steel()</script>\r\nBcc: spy@evil.example & <b>vet</b>"


@pytest.fixture
def hostile_instance():
    app = ApplicatieFactory(naam=EVIL_NAME, beheerders=[UserFactory(email="a@x.example")])
    dora = UserFactory(full_name=EVIL_NAME, email="dora@zorg.example")
    domein = DomeinFactory(beheerders=[dora])
    return make_instance(applicatie=app, domein=domein), dora


def test_hostile_name_and_reason_are_escaped_in_html_and_plain_in_text(
    hostile_instance, django_capture_on_commit_callbacks
):
    instance, dora = hostile_instance
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change_instance_status(
            instance_id=instance.pk, new_status="in_onderhoud", reason=EVIL_REMARK, by=dora
        )

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;steel()&lt;/script&gt;" in html
    assert "&lt;b&gt;vet&lt;/b&gt;" in html
    assert "&amp;" in html
    assert "<script>steel()</script>" in message.body  # plain text is not HTML-escaped
    assert "&lt;" not in message.body


def test_hostile_name_cannot_add_a_header(hostile_instance, django_capture_on_commit_callbacks):
    instance, dora = hostile_instance
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change_instance_status(
            instance_id=instance.pk, new_status="in_onderhoud", reason="r", by=dora
        )

    (message,) = mail.outbox
    assert "\r" not in message.subject and "\n" not in message.subject
    assert message.subject.startswith("Status applicatieinstantie gewijzigd: Evil Bcc: spy@")
    raw = message.message()
    assert raw["Bcc"] is None
    assert raw.get_all("To") == ["a@x.example"]
    assert message.recipients() == ["a@x.example"]
    header_block = raw.as_bytes().split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in header_block


def test_hostile_texts_reach_a_real_smtp_server_as_one_message_to_one_recipient(smtp_server):
    app = ApplicatieFactory(naam=EVIL_NAME, beheerders=[UserFactory(email="a@x.example")])
    dora = UserFactory(full_name=EVIL_NAME, email="dora@zorg.example")
    domein = DomeinFactory(beheerders=[dora])
    from tests.factories import make_request

    aanvraag = make_request(applicatie=app, domein=domein)
    refuse_request(request_id=aanvraag.pk, reason=EVIL_REMARK, by=dora)
    call_command("run_outbox", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115

    received = smtp_server.messages
    assert sorted(rcpts[0] for rcpts, _ in received) == ["a@x.example", "dora@zorg.example"]
    for rcpts, parsed in received:
        assert len(rcpts) == 1
        assert parsed["Bcc"] is None
        assert "\n" not in str(parsed["Subject"])
    assert Delivery.objects.filter(status="verzonden").count() == 2


@pytest.mark.parametrize(
    "address",
    [
        "a@x.example\r\nBcc: spy@evil.example",
        "a@x.example\nBcc: spy@evil.example",
        "Naam <a@x.example>",
        "a@x.example, spy@evil.example",
        "geen-adres",
        "",
    ],
)
def test_a_recipient_is_one_valid_bare_address(address):
    with pytest.raises(ValueError):
        clean_recipient(address)
    with pytest.raises(ValueError):
        queue_email(to=address, template="account_unlocked", context={})
    assert not Delivery.objects.exists()


def test_subject_loses_line_breaks_and_control_characters():
    assert clean_subject("Hallo\r\nBcc: x@y\x00\x1b[31m\tdaar ") == "Hallo Bcc: x@y [31m daar"
