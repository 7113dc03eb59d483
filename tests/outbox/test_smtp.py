"""Against a real SMTP server (aiosmtpd): an outage delays mail, it never loses or doubles it."""

import io
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from beheer.outbox.email import DELIVERY_HEADER
from beheer.outbox.models import Delivery, DeliveryStatus
from beheer.outbox.services import process_due, queue_email
from tests.factories import ApplicatieFactory, DomeinFactory, UserFactory, make_request


def _quiet():
    return io.StringIO()


@pytest.mark.django_db
def test_mail_stays_queued_while_smtp_is_down_and_is_delivered_when_it_is_back(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 0  # due again at once, so run_outbox picks it up
    settings.KT_BASE_URL = "https://beheer.example.org"
    dora = UserFactory(email="dora@zorg.example")
    domein = DomeinFactory(naam="ggz-noord", beheerders=[dora])
    app = ApplicatieFactory(beheerders=[UserFactory()])
    smtp_server.stop()

    with django_capture_on_commit_callbacks(execute=True):
        make_request(applicatie=app, domein=domein)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.WACHTEND
    assert delivery.attempts == 1
    assert "ConnectionRefused" in delivery.last_error
    assert smtp_server.messages == []

    smtp_server.start()
    call_command("run_outbox", "--once", stdout=_quiet())

    ((rcpts, message),) = smtp_server.messages
    assert rcpts == ["dora@zorg.example"]
    assert message["Subject"] == "Nieuwe connectieaanvraag voor domein ggz-noord op lokaal"
    assert message[DELIVERY_HEADER] == str(delivery.pk)
    assert message["Message-ID"] == f"<kt-beheer-bezorging-{delivery.pk}@beheer.example.org>"
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.VERZONDEN, 2)

    call_command("run_outbox", "--once", stdout=_quiet())
    assert len(smtp_server.messages) == 1  # a sent row is not sent again


@pytest.mark.django_db
def test_refused_recipient_fails_permanently(smtp_server, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False

    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 onbekende ontvanger"

    smtp_server.stop()
    smtp_server.recorder.handle_RCPT = Refusing().handle_RCPT
    smtp_server.start()
    delivery = queue_email(to="weg@x.example", template="account_unlocked", context={})

    call_command("run_outbox", "--once", stdout=_quiet())

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.MISLUKT
    assert delivery.attempts == 1
    assert "550" in delivery.last_error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_never_deliver_a_row_twice(smtp_server, settings):
    settings.OUTBOX_SEND_ON_COMMIT = False
    rows = 60
    for i in range(rows):
        queue_email(to=f"r{i}@x.example", template="account_unlocked", context={"username": i})
    barrier = threading.Barrier(3)
    done, errors = Counter(), []

    def worker(name):
        try:
            barrier.wait(timeout=10)
            done[name] = process_due(batch_size=3)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b", "c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    per_row = Counter(message[DELIVERY_HEADER] for _, message in smtp_server.messages)
    assert len(per_row) == rows
    assert set(per_row.values()) == {1}, per_row.most_common(3)
    assert sum(done.values()) == rows
    assert len([n for n in done.values() if n]) >= 2, done  # the work was really shared
    assert set(Delivery.objects.values_list("status", "attempts")) == {
        (DeliveryStatus.VERZONDEN, 1)
    }


def test_two_worker_processes_on_sqlite_never_deliver_a_row_twice(smtp_server, tmp_path):
    """The SQLite fallback (IMMEDIATE transactions + conditional UPDATE claim), across real
    processes sharing one database file, as `make run` with a second worker would."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "KT_OMGEVING": "lokaal",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'outbox.sqlite3'}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "OUTBOX_SEND_ON_COMMIT": "0",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(Path(__file__).resolve().parents[2] / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    rows = 40
    queue = (
        "from beheer.outbox.services import queue_email\n"
        f"for i in range({rows}):\n"
        "    queue_email(to=f'r{i}@x.example', template='account_unlocked', context={})\n"
    )
    subprocess.run([*manage, "shell", "-c", queue], env=env, check=True)

    workers = [
        subprocess.Popen(
            [*manage, "run_outbox", "--once", "--batch-size", "2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=180) for w in workers]

    assert [w.returncode for w in workers] == [0, 0], outputs
    processed = [int(out.split()[0]) for out, _ in outputs]
    assert sum(processed) == rows, processed  # no row was claimed by both
    per_row = Counter(message[DELIVERY_HEADER] for _, message in smtp_server.messages)
    assert len(per_row) == rows
    assert set(per_row.values()) == {1}, per_row.most_common(3)
