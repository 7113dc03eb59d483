"""`manage.py seed_bench` (bench.settings only): counts match the options, every rule holds,
sizes are skewed. Called as a command object: the product's settings do not install the bench
app, so its command is not found by name here."""

import itertools
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError
from django.core.management import call_command as django_call_command

from applicaties.models import Applicatie
from beheer.accounts.models import User
from beheer.audit.models import AuditEvent, AuditRecord
from beheer.audit.services import clean_changes
from bench import scale
from bench.management.commands.seed_bench import Command as SeedBench
from connectieaanvragen.models import AanvraagStatuswijziging, Connectieaanvraag
from domeinen.models import (
    INSTANCE_TRANSITIONS,
    Applicatieinstantie,
    Domein,
    InstantieStatuswijziging,
)

pytestmark = pytest.mark.django_db


def call_command(name, *args, **options):
    assert name == "seed_bench"
    return django_call_command(SeedBench(), *args, **options)


OPTIONS = {
    "domains": 20,
    "applications": 40,
    "instances": 240,
    "requests": 400,
    "open_requests": 25,
    "domain_admins": 25,
    "application_admins": 15,
    "support_users": 2,
    "audit_records": 3000,
    "batch_size": 64,
}


@pytest.fixture
def seeded(capsys):
    call_command("seed_bench", **OPTIONS)
    return capsys.readouterr().out


def test_counts_match_the_options(seeded):
    o = OPTIONS
    assert Domein.objects.count() == o["domains"]
    assert Applicatie.objects.count() == o["applications"]
    assert Applicatieinstantie.objects.count() == o["instances"]
    assert Connectieaanvraag.objects.count() == o["requests"]
    statuses = Counter(Connectieaanvraag.objects.values_list("status", flat=True))
    assert statuses == {
        "geaccepteerd": o["instances"],
        "aangevraagd": o["open_requests"],
        "geweigerd": o["requests"] - o["instances"] - o["open_requests"],
    }
    assert User.objects.count() == o["support_users"] + o["domain_admins"] + o["application_admins"]
    assert sum(u.is_support for u in User.objects.filter(is_staff=True)) == o["support_users"]
    assert all(d.beheerders.exists() for d in Domein.objects.all())
    assert all(a.beheerders.exists() for a in Applicatie.objects.all())


def test_every_row_passes_model_validation_and_constraints(seeded):
    for model in (Domein, Applicatie, Applicatieinstantie, Connectieaanvraag):
        for obj in model.objects.all():
            obj.full_clean()  # fields, choices, URL and name validators, check/unique constraints


def test_lifecycle_invariants_hold(seeded):
    non_closed = Counter(
        Applicatieinstantie.objects.exclude(status="afgesloten").values_list(
            "applicatie_id", "domein_id"
        )
    )
    assert max(non_closed.values()) == 1
    open_pairs = Counter(
        Connectieaanvraag.objects.filter(status="aangevraagd").values_list(
            "applicatie_id", "domein_id"
        )
    )
    assert max(open_pairs.values()) == 1
    assert not set(open_pairs) & set(non_closed), "open request beside a non-closed instance"
    for aanvraag in Connectieaanvraag.objects.filter(status="geaccepteerd").select_related(
        "instantie"
    ):
        inst = aanvraag.instantie
        assert (inst.applicatie_id, inst.domein_id) == (aanvraag.applicatie_id, aanvraag.domein_id)
        assert aanvraag.besloten_op == inst.aangemaakt_op
    assert not Connectieaanvraag.objects.filter(status="geweigerd", besluit_reden="").exists()
    assert Applicatieinstantie.objects.filter(connectieaanvraag__isnull=True).count() == 0


def test_no_pair_ever_had_two_undecided_requests_or_one_beside_a_live_instance(seeded):
    """Replay time per (application, domain): undecided requests [filed, decided) and live
    instances [created, closed) never overlap, as the filing service would have refused."""
    forever = datetime.max.replace(tzinfo=UTC)
    closed_at = dict(
        InstantieStatuswijziging.objects.filter(naar_status="afgesloten").values_list(
            "instantie_id", "op"
        )
    )
    periods = defaultdict(list)
    for r in Connectieaanvraag.objects.all():
        periods[r.applicatie_id, r.domein_id].append((r.aangevraagd_op, r.besloten_op or forever))
    for i in Applicatieinstantie.objects.all():
        periods[i.applicatie_id, i.domein_id].append(
            (i.aangemaakt_op, closed_at.get(i.pk, forever))
        )
    for pair, spans in periods.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end, f"overlap for pair {pair}"


def test_every_instance_and_request_has_a_consistent_history(seeded):
    history = defaultdict(list)
    for row in InstantieStatuswijziging.objects.order_by("op", "id"):
        history[row.instantie_id].append(row)
    for inst in Applicatieinstantie.objects.all():
        rows = history[inst.pk]
        assert rows[0].van_status == "" and rows[0].naar_status == "actief"
        assert rows[0].naar_rol_id == inst.rol_id  # the birth row carries the first role
        for prev, row in itertools.pairwise(rows):
            assert row.van_status == prev.naar_status
            assert row.naar_status in INSTANCE_TRANSITIONS[row.van_status]
            assert row.reden
        assert rows[-1].naar_status == inst.status
        assert rows[-1].op == inst.status_sinds
    req_history = defaultdict(list)
    for row in AanvraagStatuswijziging.objects.order_by("op", "id"):
        req_history[row.aanvraag_id].append(row)
    for aanvraag in Connectieaanvraag.objects.all():
        rows = req_history[aanvraag.pk]
        assert rows[0].naar_status == "aangevraagd"
        assert rows[-1].naar_status == aanvraag.status
        assert len(rows) == (1 if aanvraag.status == "aangevraagd" else 2)


def test_every_device_is_synced_and_every_request_had_its_keys_checked(seeded):
    for inst in Applicatieinstantie.objects.all():
        assert inst.fhir_status == "gesynchroniseerd"
        assert inst.fhir_synced_at == inst.status_sinds
        assert int(inst.fhir_version) == inst.historie.count()
    for aanvraag in Connectieaanvraag.objects.all():
        assert aanvraag.jwks_gecontroleerd_op == aanvraag.aangevraagd_op
        assert aanvraag.jwks_resultaat["ok"] is True
        assert aanvraag.jwks_resultaat["uri"] == aanvraag.jwks_uri


def test_refusals_per_pair_are_capped_so_history_stays_in_this_decade():
    """Two applications, one domain, exactly as many refusals as the cap allows: each pair gets
    the cap (popularity alone would give the first application twice as many), and the chain
    of refusals, each earlier than the last, stays within a few years."""
    cap = scale.MAX_REFUSALS_PER_PAIR
    call_command(
        "seed_bench",
        domains=1,
        applications=2,
        instances=0,
        requests=2 * cap,
        open_requests=0,
        audit_records=0,
    )
    per_pair = Counter(
        Connectieaanvraag.objects.filter(status="geweigerd").values_list(
            "applicatie_id", "domein_id"
        )
    )
    assert sorted(per_pair.values()) == [cap, cap]
    earliest = Connectieaanvraag.objects.order_by("aangevraagd_op").first().aangevraagd_op
    assert earliest >= scale.EPOCH - timedelta(days=2 * 365)


def test_more_refusals_than_pairs_can_hold_is_refused():
    with pytest.raises(CommandError, match="geweigerde aanvragen"):
        call_command("seed_bench", domains=1, applications=1, instances=0, requests=20)
    assert not Domein.objects.exists()


def test_a_few_domains_are_much_larger_than_most(seeded):
    sizes = sorted(
        Counter(Applicatieinstantie.objects.values_list("domein_id", flat=True)).values()
    )
    assert sizes[-1] >= 5 * statistics.median(sizes)
    assert sizes[-1] >= 0.15 * OPTIONS["instances"]


def test_the_audit_trail_is_consistent_with_the_rest(seeded):
    """A million records in production size; here 3,000: every one names a known event, a
    real person and a real object, and a record about an instance or a request carries that
    object's own domain and application (the ids that decide who reads it)."""
    records = list(AuditRecord.objects.order_by("id"))
    assert len(records) == OPTIONS["audit_records"]
    instances = {
        str(pk): pair
        for pk, *pair in Applicatieinstantie.objects.values_list("pk", "domein_id", "applicatie_id")
    }
    requests = {
        str(pk): pair
        for pk, *pair in Connectieaanvraag.objects.values_list("pk", "domein_id", "applicatie_id")
    }
    users = dict(User.objects.values_list("pk", "username"))
    domains = set(Domein.objects.values_list("pk", flat=True))
    applications = set(Applicatie.objects.values_list("pk", flat=True))
    for r in records:
        assert r.gebeurtenis in AuditEvent.values
        assert r.door_id is None or users[r.door_id] == r.door_label
        assert clean_changes(r.wijzigingen) == r.wijzigingen  # nothing a service would hide
        if r.object_type == "applicatieinstantie":
            assert [r.domein_id, r.applicatie_id] == instances[r.object_id]
        elif r.object_type == "connectieaanvraag":
            assert [r.domein_id, r.applicatie_id] == requests[r.object_id]
        elif r.object_type == "domein":
            assert r.domein_id in domains and r.applicatie_id is None
        elif r.object_type == "applicatie":
            assert r.applicatie_id in applications and r.domein_id is None
        else:
            assert r.object_type == "user" and users[int(r.object_id)] == r.object_label
            assert r.domein_id is None and r.applicatie_id is None


def test_the_audit_trail_spans_the_retention_period_in_time_order(seeded):
    times = list(AuditRecord.objects.order_by("id").values_list("op", flat=True))
    assert times == sorted(times), "ids grow with time, as in production"
    assert scale.AUDIT_END - times[0] <= timedelta(days=scale.AUDIT_DAYS)
    assert times[-1] <= scale.AUDIT_END
    assert times[-1] - times[0] >= timedelta(days=scale.AUDIT_DAYS * 0.95)


def test_the_audit_trail_has_the_production_mix(seeded):
    """About 60 % belongs to a domain or application; the largest domain's log is much longer
    than most (the bench's domain tab shows the worst case)."""
    scoped = AuditRecord.objects.exclude(domein_id=None, applicatie_id=None).count()
    assert 0.5 < scoped / OPTIONS["audit_records"] < 0.7
    per_domain = sorted(
        Counter(
            AuditRecord.objects.exclude(domein_id=None).values_list("domein_id", flat=True)
        ).values()
    )
    assert per_domain[-1] >= 5 * statistics.median(per_domain)
    assert AuditRecord.objects.filter(gebeurtenis__startswith="login.").exists()


def test_small_preset_runs(capsys):
    call_command("seed_bench", "--small")
    assert Applicatieinstantie.objects.count() == scale.SMALL.instances
    assert Connectieaanvraag.objects.count() == scale.SMALL.requests
    assert AuditRecord.objects.count() == scale.SMALL.audit_records


def test_refuses_to_run_on_prd2(settings):
    settings.KT_OMGEVING = "prd2"
    with pytest.raises(CommandError, match="prd2"):
        call_command("seed_bench", "--small")
    assert not Domein.objects.exists()


def test_refuses_a_database_with_data_unless_if_empty(seeded, capsys):
    with pytest.raises(CommandError, match="lege database"):
        call_command("seed_bench", "--small")
    call_command("seed_bench", "--small", "--if-empty")
    assert "slaat over" in capsys.readouterr().out
    assert Domein.objects.count() == OPTIONS["domains"]


def test_scale_multiplies_the_rows_and_the_root_of_it_the_domains_and_applications():
    call_command("seed_bench", scale=0.0004)  # of 300 / 2,000 / 50,000 / 100,000
    assert Domein.objects.count() == 6
    assert Applicatie.objects.count() == 40
    assert Applicatieinstantie.objects.count() == 20
    assert Connectieaanvraag.objects.count() == 40
    assert Connectieaanvraag.objects.filter(status="aangevraagd").count() == 2
    assert AuditRecord.objects.count() == 400


def test_fewer_requests_than_instances_is_refused():
    with pytest.raises(CommandError, match="geaccepteerde aanvraag"):
        call_command("seed_bench", domains=2, applications=2, instances=5, requests=3)
    assert not Domein.objects.exists()
