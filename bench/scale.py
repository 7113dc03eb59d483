"""Seed a large, consistent environment for benchmarks (`manage.py seed_bench`, bench.settings).

Two steps. `make_plan` draws the whole environment as light tuples (no database): a few very
large domains and many small ones (Zipf weights, capped so a domain never holds more pairs than
there are applications), popular and obscure applications, and per (application, domain) pair a
timeline: earlier instances are afgesloten, only the last may be actief or in onderhoud, every
instance was born by an accepted request that points at it, refused requests carry a reason,
an open request only exists on a pair without a non-closed instance, at most one per pair.
`write_plan` then inserts it with bulk_create in batches.

One builder per model (`build_*` below) turns a planned row into a model object: when a branch
adds a field to a model, set it in that one function.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction

from applicaties.models import Applicatie, Soort
from beheer.accounts.models import SUPPORT_GROUP, User
from beheer.audit.models import AuditEvent, AuditRecord
from connectieaanvragen.models import AanvraagStatus, AanvraagStatuswijziging, Connectieaanvraag
from domeinen.models import (
    Applicatieinstantie,
    Domein,
    FhirStatus,
    InstantieStatus,
    InstantieStatuswijziging,
)
from rollen.models import Standaardrol

SEED_PASSWORD = "Koppeltaal-schaal-2026"  # seeded test data only
MAX_REFUSALS_PER_PAIR = 12
EPOCH = datetime(2022, 1, 1, tzinfo=UTC)
SPAN_DAYS = 4 * 365

PLACES = [
    "noord", "zuid", "oost", "west", "midden", "kust", "rivier", "veen", "heuvel", "delta",
    "stad", "dal", "polder", "bos", "duin", "haven",
]  # fmt: skip
APP_WORDS = [
    "Zorgportaal", "Dagboek", "Meetpunt", "Thuisportaal", "Coach", "Planner", "Monitor",
    "Vragenlijst", "Beweegmaatje", "Slaapwijzer", "Mindset", "Herstelplan", "Ketenzorg",
]  # fmt: skip
MAINTENANCE_REASON = "Onderhoud aan de koppeling."
CLOSE_REASON = "Contract met de leverancier beëindigd."
REFUSAL_REASONS = [
    "De verwerkersovereenkomst is nog niet getekend.",
    "Deze applicatie is niet gecontracteerd door de zorgaanbieder.",
    "De JWKS URI is niet bereikbaar vanuit ons netwerk.",
    "Dubbele aanvraag; gebruik de bestaande koppeling.",
]


@dataclass(frozen=True)
class ScaleOptions:
    domains: int = 300
    applications: int = 2000
    instances: int = 50_000
    requests: int = 100_000
    open_requests: int | None = None  # default: 5% of requests
    domain_admins: int | None = None  # default: 1.5 per domain
    application_admins: int | None = None  # default: one per two applications
    support_users: int = 5
    audit_records: int = 1_000_000  # the audit trail (issue 20): 730 days of a busy portal
    skew: float = 1.0  # Zipf exponent for domain and application sizes
    seed: int = 2026
    batch_size: int = 5000

    @property
    def n_open(self) -> int:
        if self.open_requests is not None:
            return self.open_requests
        return max(0, min(self.requests - self.instances, round(self.requests * 0.05)))

    @property
    def n_domain_admins(self) -> int:
        if self.domain_admins is not None:
            return self.domain_admins
        return math.ceil(1.5 * self.domains)

    @property
    def n_application_admins(self) -> int:
        if self.application_admins is not None:
            return self.application_admins
        return max(1, self.applications // 2)

    def validate(self) -> list[str]:
        errors = []
        for name in ("domains", "applications", "support_users"):
            if getattr(self, name) < 1:
                errors.append(f"--{name.replace('_', '-')} moet minstens 1 zijn.")
        if self.instances < 0 or self.n_open < 0 or self.audit_records < 0:
            errors.append("Aantallen kunnen niet negatief zijn.")
        if self.requests < self.instances + self.n_open:
            errors.append(
                "--requests moet minstens --instances plus het aantal open aanvragen zijn: "
                "elke applicatieinstantie komt uit een geaccepteerde aanvraag."
            )
        if self.n_domain_admins < 1 or self.n_application_admins < 1:
            errors.append("Er is minstens één domeinbeheerder en één applicatiebeheerder nodig.")
        if self.n_open > self.domains * self.applications:
            errors.append("Meer open aanvragen dan (applicatie, domein)-paren.")
        refused = self.requests - self.instances - self.n_open
        if refused > self.domains * self.applications * MAX_REFUSALS_PER_PAIR:
            errors.append(
                f"Meer geweigerde aanvragen dan {MAX_REFUSALS_PER_PAIR} per "
                "(applicatie, domein)-paar."
            )
        return errors

    def scaled(self, factor: float) -> ScaleOptions:
        """Rows times `factor`: instances, requests and the people. Domains and applications
        scale by its square root, so that a domain still has applications enough for its
        instances (at most 1.3 per application; 1 % of the rows in 1 % of the domains would
        not fit) and the largest domain shrinks about as much as the whole."""
        if factor == 1:
            return self

        def times(n: int | None, minimum: int, f: float = factor) -> int | None:
            return None if n is None else max(minimum, round(n * f))

        root = math.sqrt(factor)
        return replace(
            self,
            domains=times(self.domains, 2, root),
            applications=times(self.applications, 2, root),
            instances=times(self.instances, 0),
            requests=times(self.requests, 0),
            open_requests=times(self.open_requests, 0),
            domain_admins=times(self.domain_admins, 1, root),
            application_admins=times(self.application_admins, 1, root),
            support_users=times(self.support_users, 1),
            audit_records=times(self.audit_records, 0),
        )


SMALL = ScaleOptions(
    domains=12,
    applications=30,
    instances=150,
    requests=260,
    support_users=2,
    audit_records=3000,
    batch_size=50,
)


# --- the plan ---------------------------------------------------------------------------------
@dataclass
class PlannedInstance:
    app: int
    domain: int
    status: str
    born: datetime
    changes: list[tuple[datetime, str, str]]  # (when, from, to) after birth
    pk: int | None = None
    rol_pk: int | None = None


@dataclass
class PlannedRequest:
    app: int
    domain: int
    status: str
    filed: datetime
    decided: datetime | None = None
    instance: PlannedInstance | None = None
    reason: str = ""
    pk: int | None = None


@dataclass
class Plan:
    options: ScaleOptions
    domain_admins: dict[int, list[int]] = field(default_factory=dict)  # domain -> admin idx
    app_admins: dict[int, list[int]] = field(default_factory=dict)  # app -> admin idx
    app_vendor: list[int] = field(default_factory=list)
    instances: list[PlannedInstance] = field(default_factory=list)
    requests: list[PlannedRequest] = field(default_factory=list)


def zipf_weights(n: int, skew: float) -> list[float]:
    return [1.0 / (rank**skew) for rank in range(1, n + 1)]


def apportion(total: int, weights: list[float], cap: int) -> list[int]:
    """Split `total` over the weights (largest remainders), no share above `cap`."""
    counts = [0] * len(weights)
    remaining, free = total, list(range(len(weights)))
    while remaining > 0 and free:
        wsum = sum(weights[i] for i in free)
        raw = {i: remaining * weights[i] / wsum for i in free}
        shares = {i: min(cap - counts[i], math.floor(raw[i])) for i in free}
        order = sorted(free, key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
        left = remaining - sum(shares.values())
        for i in order:
            if left <= 0:
                break
            if counts[i] + shares[i] < cap:
                shares[i] += 1
                left -= 1
        for i in free:
            counts[i] += shares[i]
        remaining = total - sum(counts)
        free = [i for i in free if counts[i] < cap]
    if remaining > 0:
        raise ValueError("more rows than the caps allow")
    return counts


def _weighted_sample(rng: random.Random, keys: list[float], k: int) -> list[int]:
    """k distinct indexes, drawn with probability proportional to weight (Efraimidis-Spirakis)."""
    scored = [(rng.random() ** (1.0 / w), i) for i, w in enumerate(keys)]
    scored.sort(reverse=True)
    return [i for _, i in scored[:k]]


def _at(rng: random.Random, start: datetime, min_days: float, max_days: float) -> datetime:
    return start + timedelta(days=rng.uniform(min_days, max_days))


def make_plan(options: ScaleOptions) -> Plan:
    rng = random.Random(options.seed)  # noqa: S311 - reproducible test data, not security
    plan = Plan(options=options)
    n_dom, n_app = options.domains, options.applications
    dom_w = zipf_weights(n_dom, options.skew)
    app_w = zipf_weights(n_app, options.skew)
    app_cum = list(itertools.accumulate(app_w))

    # People: each domain 1-3 beheerders (some people serve several domains of a care group);
    # applications belong to vendors of 1-8 applications, each vendor has 1-2 beheerders.
    n_da, n_aa = options.n_domain_admins, options.n_application_admins
    for d in range(n_dom):
        first = d % n_da
        extra = [rng.randrange(n_da) for _ in range(rng.choice((0, 0, 1, 2)))]
        plan.domain_admins[d] = list(dict.fromkeys([first, *extra]))
    vendor, left_in_vendor = -1, 0
    for _ in range(n_app):
        if left_in_vendor == 0:
            vendor, left_in_vendor = vendor + 1, rng.randint(1, 8)
        left_in_vendor -= 1
        plan.app_vendor.append(vendor)
    for a in range(n_app):
        v = plan.app_vendor[a]
        plan.app_admins[a] = [v % n_aa, *([(v + 1) % n_aa] if v % 3 == 0 and n_aa > 1 else [])]

    # Instances per domain: Zipf, capped at 1.3 per application (reconnections after closing).
    cap = max(1, math.ceil(1.3 * n_app))
    inst_per_domain = apportion(options.instances, dom_w, cap)
    active_pairs: set[tuple[int, int]] = set()
    # Per pair: when its first request was filed and when its last event happened. Refused
    # requests go before the first, open ones after the last, so that at no moment a pair has
    # two undecided requests, or an undecided request beside a non-closed instance.
    starts: dict[tuple[int, int], datetime] = {}
    ends: dict[tuple[int, int], datetime] = {}
    for d, n in enumerate(inst_per_domain):
        if n == 0:
            continue
        distinct = min(n_app, max(1, round(n / 1.15)))
        apps = _weighted_sample(rng, app_w, distinct)
        per_pair = [1] * distinct
        for _ in range(n - distinct):
            per_pair[rng.randrange(distinct)] += 1
        for a, k in zip(apps, per_pair, strict=True):
            starts[a, d], ends[a, d] = _plan_pair(rng, plan, a, d, k, active_pairs)

    # Refused requests: popular applications ask popular domains, sometimes again, at most
    # MAX_REFUSALS_PER_PAIR times (each one earlier than the last: without a cap the most
    # popular pair's hundreds of refusals would reach back to the 1960s).
    n_refused = options.requests - options.instances - options.n_open
    ref_per_domain = apportion(n_refused, dom_w, max(1, n_app * MAX_REFUSALS_PER_PAIR))
    refusals: dict[tuple[int, int], int] = {}
    for d, n in enumerate(ref_per_domain):
        for _ in range(n):
            a = min(bisect.bisect(app_cum, rng.random() * app_cum[-1]), n_app - 1)
            while refusals.get((a, d), 0) >= MAX_REFUSALS_PER_PAIR:
                a = min(bisect.bisect(app_cum, rng.random() * app_cum[-1]), n_app - 1)
            refusals[a, d] = refusals.get((a, d), 0) + 1
            default_start = EPOCH + timedelta(days=SPAN_DAYS * 0.9)
            decided = starts.get((a, d), default_start) - timedelta(days=rng.uniform(1, 30))
            filed = decided - timedelta(days=rng.uniform(0.1, 20))
            starts[a, d] = filed
            ends.setdefault((a, d), default_start)
            plan.requests.append(
                PlannedRequest(
                    app=a,
                    domain=d,
                    status=AanvraagStatus.GEWEIGERD,
                    filed=filed,
                    decided=decided,
                    reason=rng.choice(REFUSAL_REASONS),
                )
            )

    # Open requests: only on pairs without a non-closed instance, one per pair.
    open_pairs: set[tuple[int, int]] = set()
    targets = apportion(options.n_open, dom_w, n_app)
    spill = 0
    for rounds in range(2):  # second round: what full domains could not take, biggest first
        for d in range(n_dom):
            want = targets[d] if rounds == 0 else spill
            if want <= 0:
                continue
            free = [
                a for a in range(n_app) if (a, d) not in active_pairs and (a, d) not in open_pairs
            ]
            chosen = [free[i] for i in _weighted_sample(rng, [app_w[a] for a in free], want)]
            for a in chosen:
                open_pairs.add((a, d))
                plan.requests.append(
                    PlannedRequest(
                        app=a,
                        domain=d,
                        status=AanvraagStatus.AANGEVRAAGD,
                        filed=_at(
                            rng,
                            max(EPOCH + timedelta(days=SPAN_DAYS), ends.get((a, d), EPOCH)),
                            1,
                            30,
                        ),
                    )
                )
            spill += (want - len(chosen)) if rounds == 0 else -len(chosen)
    if spill:
        raise ValueError("not enough free (application, domain) pairs for the open requests")
    return plan


def _plan_pair(rng, plan: Plan, a: int, d: int, k: int, active_pairs: set):
    """k instances of one pair in time order; all but the last are closed.
    Returns (first filing, last event) of the pair."""
    t = start = _at(rng, EPOCH, 0, SPAN_DAYS * 0.6)
    for i in range(k):
        filed = t
        accepted = _at(rng, filed, 0.05, 10)
        last = i == k - 1
        if last:
            roll = rng.random()
            status = (
                InstantieStatus.ACTIEF
                if roll < 0.82
                else InstantieStatus.IN_ONDERHOUD
                if roll < 0.9
                else InstantieStatus.AFGESLOTEN
            )
        else:
            status = InstantieStatus.AFGESLOTEN
        changes, when = [], accepted
        if rng.random() < 0.15:  # a maintenance window that ended
            when = _at(rng, when, 1, 60)
            changes.append((when, InstantieStatus.ACTIEF, InstantieStatus.IN_ONDERHOUD))
            when = _at(rng, when, 0.1, 5)
            changes.append((when, InstantieStatus.IN_ONDERHOUD, InstantieStatus.ACTIEF))
        if status != InstantieStatus.ACTIEF:
            when = _at(rng, when, 1, 120)
            changes.append((when, InstantieStatus.ACTIEF, InstantieStatus.IN_ONDERHOUD))
        if status == InstantieStatus.AFGESLOTEN:
            when = _at(rng, when, 0.5, 30)
            changes.append((when, InstantieStatus.IN_ONDERHOUD, InstantieStatus.AFGESLOTEN))
        else:
            active_pairs.add((a, d))
        instance = PlannedInstance(app=a, domain=d, status=status, born=accepted, changes=changes)
        plan.instances.append(instance)
        plan.requests.append(
            PlannedRequest(
                app=a,
                domain=d,
                status=AanvraagStatus.GEACCEPTEERD,
                filed=filed,
                decided=accepted,
                instance=instance,
            )
        )
        t = _at(rng, when, 1, 90)
    return start, when


# --- builders: one per model; extend here when a model gains a field --------------------------
def build_user(*, username: str, full_name: str, password_hash: str, staff: bool) -> User:
    return User(
        username=username,
        full_name=full_name,
        email=f"{username}@schaal.koppeltaal.invalid",
        password=password_hash,
        is_staff=staff,
        date_joined=EPOCH,
    )


def build_domein(d: int) -> Domein:
    naam = f"ggz-{PLACES[d % len(PLACES)]}-{d + 1:04d}"
    return Domein(
        naam=naam,
        zorgaanbieder=f"GGZ {PLACES[d % len(PLACES)].capitalize()} {d + 1}",
        omschrijving=f"Domein {d + 1} van de schaaltest.",
        fhir_base_url=f"https://fhir.schaal.koppeltaal.invalid/api/v1/{naam}/fhir/r4/",
        token_endpoint=f"https://fhir.schaal.koppeltaal.invalid/api/v1/{naam}/oauth2/token",
        contact_naam=f"Functioneel beheer {d + 1}",
        contact_email=f"beheer@{naam}.schaal.koppeltaal.invalid",
        contact_telefoon="+31 20 123 4567",
    )


def build_applicatie(a: int, vendor: int) -> Applicatie:
    soorten = Soort.values
    return Applicatie(
        naam=f"{APP_WORDS[a % len(APP_WORDS)]} {a + 1:05d}",
        leverancier=f"Leverancier {vendor + 1:04d} B.V.",
        soort=soorten[a % len(soorten)],
        omschrijving="Applicatie van de schaaltest.",
        contact_naam=f"Support leverancier {vendor + 1}",
        contact_email=f"support{vendor + 1}@leverancier.schaal.koppeltaal.invalid",
        contact_telefoon="+31 30 765 4321",
    )


def _jwks_uri(app_pk: int) -> str:
    return f"https://app{app_pk}.schaal.koppeltaal.invalid/.well-known/jwks.json"


def build_instantie(
    p: PlannedInstance, *, app_pk: int, domein_pk: int, rol_pk: int, rng
) -> Applicatieinstantie:
    return Applicatieinstantie(
        applicatie_id=app_pk,
        domein_id=domein_pk,
        rol_id=rol_pk,
        client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        jwks_uri=_jwks_uri(app_pk),
        redirect_uris=[f"https://app{app_pk}.schaal.koppeltaal.invalid/launch"],
        status=p.status,
        status_sinds=p.changes[-1][0] if p.changes else p.born,
        aangemaakt_op=p.born,
        # The Device was pushed after every change, as the outbox does with the server up:
        # one FHIR version per change, last synced when the status last changed.
        fhir_status=FhirStatus.GESYNCHRONISEERD,
        fhir_version=str(1 + len(p.changes)),
        fhir_synced_at=p.changes[-1][0] if p.changes else p.born,
    )


def build_instantie_historie(
    p: PlannedInstance, *, door_pk: int, aanvraag_pk: int
) -> list[InstantieStatuswijziging]:
    rows = [
        InstantieStatuswijziging(
            instantie_id=p.pk,
            door_id=door_pk,
            op=p.born,
            van_status="",
            naar_status=InstantieStatus.ACTIEF,
            reden=f"Connectieaanvraag {aanvraag_pk} geaccepteerd.",
            naar_rol_id=p.rol_pk,  # the birth row carries the first role
        )
    ]
    for when, old, new in p.changes:
        rows.append(
            InstantieStatuswijziging(
                instantie_id=p.pk,
                door_id=door_pk,
                op=when,
                van_status=old,
                naar_status=new,
                reden=CLOSE_REASON if new == InstantieStatus.AFGESLOTEN else MAINTENANCE_REASON,
            )
        )
    return rows


def build_aanvraag(
    p: PlannedRequest, *, app_pk: int, domein_pk: int, filer_pk: int, decider_pk: int
) -> Connectieaanvraag:
    return Connectieaanvraag(
        applicatie_id=app_pk,
        domein_id=domein_pk,
        jwks_uri=_jwks_uri(app_pk),
        redirect_uris=[],
        toelichting="Graag koppelen.",
        status=p.status,
        aangevraagd_door_id=filer_pk,
        aangevraagd_op=p.filed,
        besloten_door_id=decider_pk if p.decided else None,
        besloten_op=p.decided,
        besluit_reden=p.reason,
        instantie_id=p.instance.pk if p.instance else None,
        # Filing checks the JWKS URI (connectieaanvragen/jwks.py); record a passed check.
        jwks_gecontroleerd_op=p.filed,
        jwks_resultaat=_jwks_result(app_pk),
    )


def _jwks_result(app_pk: int) -> dict:
    return {
        "uri": _jwks_uri(app_pk),
        "ok": True,
        "sleutels": [{"kid": f"app{app_pk}-1", "kty": "RSA", "alg": "RS512", "grootte": 2048}],
        "fout": "",
    }


def build_aanvraag_historie(p: PlannedRequest, *, filer_pk: int, decider_pk: int):
    rows = [
        AanvraagStatuswijziging(
            aanvraag_id=p.pk,
            door_id=filer_pk,
            op=p.filed,
            van_status="",
            naar_status=AanvraagStatus.AANGEVRAAGD,
            reden="Graag koppelen.",
        )
    ]
    if p.decided:
        rows.append(
            AanvraagStatuswijziging(
                aanvraag_id=p.pk,
                door_id=decider_pk,
                op=p.decided,
                van_status=AanvraagStatus.AANGEVRAAGD,
                naar_status=p.status,
                reden=p.reason,
            )
        )
    return rows


# --- the audit trail (issue 20) ----------------------------------------------------------------
AUDIT_DAYS = 730  # KT_AUDIT_RETENTION_DAYS: older records would have been purged
AUDIT_END = EPOCH + timedelta(days=SPAN_DAYS)
AUDIT_SCOPED_SHARE = 0.6  # records of a domain and/or an application; the rest are logins

# What the services write about domains and applications, with how often, and what the record
# is about: an instance or a request (both ids), or only the domain or only the application.
# Picking a random instance or request gives the Zipf sizes of the plan: the largest domain
# and application get the most records, as they do in production.
SCOPED_EVENTS = [
    (AuditEvent.INSTANTIE_SYNC, 18, "instantie"),
    (AuditEvent.INSTANTIE_STATUS, 14, "instantie"),
    (AuditEvent.INSTANTIE_AANGEMAAKT, 8, "instantie"),
    (AuditEvent.INSTANTIE_ROL, 4, "instantie"),
    (AuditEvent.INSTANTIE_URIS, 2, "instantie"),
    (AuditEvent.AANVRAAG_INGEDIEND, 15, "aanvraag"),
    (AuditEvent.AANVRAAG_SLEUTELS, 12, "aanvraag"),
    (AuditEvent.AANVRAAG_GEACCEPTEERD, 8, "aanvraag"),
    (AuditEvent.AANVRAAG_GEWEIGERD, 7, "aanvraag"),
    (AuditEvent.DOMEIN_GEWIJZIGD, 4, "domein"),
    (AuditEvent.TEAM_TOEGEVOEGD, 2, "domein"),
    (AuditEvent.APPLICATIE_GEWIJZIGD, 4, "applicatie"),
    (AuditEvent.TOKEN_AANGEMAAKT, 2, "applicatie"),
]
ACCOUNT_EVENTS = [
    (AuditEvent.LOGIN_GESLAAGD, 52),
    (AuditEvent.LOGOUT, 36),
    (AuditEvent.LOGIN_MISLUKT, 9),
    (AuditEvent.LOGIN_GEBLOKKEERD, 1),
    (AuditEvent.ACCOUNT_WACHTWOORD_GEWIJZIGD, 1),
    (AuditEvent.ACCOUNT_ONTGRENDELD, 1),
]
AUDIT_CHANGES = {
    AuditEvent.INSTANTIE_SYNC: {"fhir_status": ["mislukt", "gesynchroniseerd"]},
    AuditEvent.INSTANTIE_STATUS: {
        "status": [InstantieStatus.ACTIEF, InstantieStatus.IN_ONDERHOUD],
        "reden": [None, MAINTENANCE_REASON],
    },
    AuditEvent.INSTANTIE_AANGEMAAKT: {"status": [None, InstantieStatus.ACTIEF]},
    AuditEvent.INSTANTIE_ROL: {"rol": ["Standaardrol", "Uitgebreide rol"]},
    AuditEvent.INSTANTIE_URIS: {"redirect_uris": [[], ["https://app.invalid/launch"]]},
    AuditEvent.AANVRAAG_INGEDIEND: {"status": [None, AanvraagStatus.AANGEVRAAGD]},
    AuditEvent.AANVRAAG_SLEUTELS: {"sleutelcontrole": ["", "in orde"]},
    AuditEvent.AANVRAAG_GEACCEPTEERD: {
        "status": [AanvraagStatus.AANGEVRAAGD, AanvraagStatus.GEACCEPTEERD]
    },
    AuditEvent.AANVRAAG_GEWEIGERD: {
        "status": [AanvraagStatus.AANGEVRAAGD, AanvraagStatus.GEWEIGERD],
        "besluit_reden": ["", REFUSAL_REASONS[0]],
    },
    AuditEvent.DOMEIN_GEWIJZIGD: {"contact_telefoon": ["+31 20 123 4567", "+31 20 765 4321"]},
    AuditEvent.TEAM_TOEGEVOEGD: {"beheerders": [[], ["nieuwe-collega"]]},
    AuditEvent.APPLICATIE_GEWIJZIGD: {"contact_naam": ["Support", "Servicedesk"]},
    AuditEvent.TOKEN_AANGEMAAKT: {"naam": [None, "koppeling"]},
}


@dataclass(frozen=True)
class AuditPeople:
    """(pk, username) of who acts: per domain and per application its first beheerder."""

    domain: list[tuple[int, str]]
    application: list[tuple[int, str]]
    support: list[tuple[int, str]]
    everyone: list[tuple[int, str]]


def build_auditrecord(
    *,
    op: datetime,
    door: tuple[int, str] | None,
    gebeurtenis: str,
    object_type: str,
    object_id: int,
    object_label: str,
    domein_id: int | None = None,
    applicatie_id: int | None = None,
    ip: str | None = None,
    door_label: str | None = None,
) -> AuditRecord:
    return AuditRecord(
        op=op,
        door_id=door[0] if door else None,
        door_label=door_label or (door[1] if door else "systeem"),
        ip_adres=ip,
        gebeurtenis=str(gebeurtenis),
        object_type=object_type,
        object_id=str(object_id),
        object_label=object_label,
        domein_id=domein_id,
        applicatie_id=applicatie_id,
        wijzigingen=AUDIT_CHANGES.get(gebeurtenis, {}),
    )


def plan_audit_records(
    plan: Plan, *, rng, dom: list[tuple[int, str]], app: list[tuple[int, str]], people
):
    """`plan.options.audit_records` records over the AUDIT_DAYS before AUDIT_END, in time order
    (ids grow with time, as in production), as a generator: a million rows never sit in memory.
    `dom` and `app` are (pk, name) per planned domain and application."""
    n = plan.options.audit_records
    if n == 0:
        return
    scoped_share = AUDIT_SCOPED_SHARE if plan.instances else 0.0
    scoped_events = [e for e, _w, _a in SCOPED_EVENTS]
    scoped_cum = list(itertools.accumulate(w for _e, w, _a in SCOPED_EVENTS))
    account_events = [e for e, _w in ACCOUNT_EVENTS]
    account_cum = list(itertools.accumulate(w for _e, w in ACCOUNT_EVENTS))
    step = AUDIT_DAYS * 86400.0 / n  # one record per step, at a random moment within it
    start = AUDIT_END - timedelta(days=AUDIT_DAYS)
    for i in range(n):
        t = start + timedelta(seconds=(i + rng.random()) * step)
        ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        if rng.random() < scoped_share:
            event = rng.choices(scoped_events, cum_weights=scoped_cum)[0]
            subject = _scoped_subject(rng, plan, event, dom=dom, app=app, people=people)
            if subject["door"] is None:  # the worker: no address
                ip = None
        else:
            event = rng.choices(account_events, cum_weights=account_cum)[0]
            subject = _account_subject(rng, event, people)
        yield build_auditrecord(op=t, gebeurtenis=event, ip=ip, **subject)


def _scoped_subject(rng, plan: Plan, event, *, dom, app, people) -> dict:
    """Who acted on what, for an event of a domain and/or an application (SCOPED_EVENTS)."""
    kind = next(a for e, _w, a in SCOPED_EVENTS if e == event)
    if kind == "aanvraag":
        r = rng.choice(plan.requests)
        by_vendor = event in (AuditEvent.AANVRAAG_INGEDIEND, AuditEvent.AANVRAAG_SLEUTELS)
        return {
            "door": people.application[r.app] if by_vendor else people.domain[r.domain],
            "object_type": "connectieaanvraag",
            "object_id": r.pk,
            "object_label": f"{app[r.app][1]} → {dom[r.domain][1]}",
            "domein_id": dom[r.domain][0],
            "applicatie_id": app[r.app][0],
        }
    p = rng.choice(plan.instances)
    if kind == "instantie":
        system = event == AuditEvent.INSTANTIE_SYNC and rng.random() < 0.5
        return {
            "door": None if system else people.domain[p.domain],
            "object_type": "applicatieinstantie",
            "object_id": p.pk,
            "object_label": f"{app[p.app][1]} in {dom[p.domain][1]}",
            "domein_id": dom[p.domain][0],
            "applicatie_id": app[p.app][0],
        }
    if kind == "domein":
        pk, name = dom[p.domain]
        door, ids = people.domain[p.domain], {"domein_id": pk}
    else:
        pk, name = app[p.app]
        door, ids = people.application[p.app], {"applicatie_id": pk}
    return {"door": door, "object_type": kind, "object_id": pk, "object_label": name, **ids}


def _account_subject(rng, event, people) -> dict:
    """A login, logout, failed login or account event of a random user (ACCOUNT_EVENTS)."""
    user = rng.choice(people.everyone)
    anonymous = event in (AuditEvent.LOGIN_MISLUKT, AuditEvent.LOGIN_GEBLOKKEERD)
    by = rng.choice(people.support) if event == AuditEvent.ACCOUNT_ONTGRENDELD else user
    return {
        "door": None if anonymous else by,
        "door_label": "anoniem" if anonymous else None,
        "object_type": "user",
        "object_id": user[0],
        "object_label": user[1],
    }


# --- writing ----------------------------------------------------------------------------------
def _batched(iterable, n):
    it = iter(iterable)
    while batch := list(itertools.islice(it, n)):
        yield batch


def _insert(model, objects, batch_size: int) -> None:
    for batch in _batched(objects, batch_size):
        model.objects.bulk_create(batch, batch_size=batch_size)


def write_plan(plan: Plan, *, progress=lambda msg: None) -> dict[str, int]:
    """Insert the plan; returns row counts per model. One transaction: all or nothing."""
    o = plan.options
    rng = random.Random(o.seed + 1)  # noqa: S311 - reproducible test data
    bs = o.batch_size
    with transaction.atomic():
        password_hash = make_password(SEED_PASSWORD)
        users = (
            [
                build_user(
                    username=f"support-{i + 1:02d}",
                    full_name=f"Support {i + 1}",
                    password_hash=password_hash,
                    staff=True,
                )
                for i in range(o.support_users)
            ]
            + [
                build_user(
                    username=f"dbeheer-{i + 1:05d}",
                    full_name=f"Domeinbeheerder {i + 1}",
                    password_hash=password_hash,
                    staff=False,
                )
                for i in range(o.n_domain_admins)
            ]
            + [
                build_user(
                    username=f"abeheer-{i + 1:05d}",
                    full_name=f"Applicatiebeheerder {i + 1}",
                    password_hash=password_hash,
                    staff=False,
                )
                for i in range(o.n_application_admins)
            ]
        )
        _insert(User, users, bs)
        support = users[: o.support_users]
        dom_admin_pks = [u.pk for u in users[o.support_users : o.support_users + o.n_domain_admins]]
        app_admin_pks = [u.pk for u in users[o.support_users + o.n_domain_admins :]]
        group = Group.objects.get(name=SUPPORT_GROUP)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in support]
        )
        progress(f"{len(users)} gebruikers")

        domeinen = [build_domein(d) for d in range(o.domains)]
        _insert(Domein, domeinen, bs)
        apps = [build_applicatie(a, plan.app_vendor[a]) for a in range(o.applications)]
        _insert(Applicatie, apps, bs)
        dom_pk = [x.pk for x in domeinen]
        app_pk = [x.pk for x in apps]
        _insert(
            Domein.beheerders.through,
            (
                Domein.beheerders.through(domein_id=dom_pk[d], user_id=dom_admin_pks[u])
                for d, admins in plan.domain_admins.items()
                for u in admins
            ),
            bs,
        )
        _insert(
            Applicatie.beheerders.through,
            (
                Applicatie.beheerders.through(applicatie_id=app_pk[a], user_id=app_admin_pks[u])
                for a, admins in plan.app_admins.items()
                for u in admins
            ),
            bs,
        )
        progress(f"{o.domains} domeinen, {o.applications} applicaties")

        def decider(d):
            return dom_admin_pks[plan.domain_admins[d][0]]

        def filer(a):
            return app_admin_pks[plan.app_admins[a][0]]

        # Every instance gets the default role of its application's kind, as accepting does.
        default_role = dict(Standaardrol.objects.values_list("soort", "rol_id"))
        app_soort = dict(Applicatie.objects.values_list("pk", "soort"))
        for batch in _batched(plan.instances, bs):
            objs = [
                build_instantie(
                    p,
                    app_pk=app_pk[p.app],
                    domein_pk=dom_pk[p.domain],
                    rol_pk=default_role[app_soort[app_pk[p.app]]],
                    rng=rng,
                )
                for p in batch
            ]
            Applicatieinstantie.objects.bulk_create(objs, batch_size=bs)
            for p, obj in zip(batch, objs, strict=True):
                p.pk = obj.pk
                p.rol_pk = obj.rol_id
        progress(f"{len(plan.instances)} applicatieinstanties")

        for batch in _batched(plan.requests, bs):
            objs = [
                build_aanvraag(
                    p,
                    app_pk=app_pk[p.app],
                    domein_pk=dom_pk[p.domain],
                    filer_pk=filer(p.app),
                    decider_pk=decider(p.domain),
                )
                for p in batch
            ]
            Connectieaanvraag.objects.bulk_create(objs, batch_size=bs)
            for p, obj in zip(batch, objs, strict=True):
                p.pk = obj.pk
        progress(f"{len(plan.requests)} connectieaanvragen")

        accepted_by_instance = {id(r.instance): r.pk for r in plan.requests if r.instance}
        _insert(
            InstantieStatuswijziging,
            (
                row
                for p in plan.instances
                for row in build_instantie_historie(
                    p, door_pk=decider(p.domain), aanvraag_pk=accepted_by_instance[id(p)]
                )
            ),
            bs,
        )
        _insert(
            AanvraagStatuswijziging,
            (
                row
                for p in plan.requests
                for row in build_aanvraag_historie(
                    p, filer_pk=filer(p.app), decider_pk=decider(p.domain)
                )
            ),
            bs,
        )
        progress("historie")

        usernames = dict(User.objects.values_list("pk", "username"))
        people = AuditPeople(
            domain=[(decider(d), usernames[decider(d)]) for d in range(o.domains)],
            application=[(filer(a), usernames[filer(a)]) for a in range(o.applications)],
            support=[(u.pk, u.username) for u in support],
            everyone=list(usernames.items()),
        )
        _insert(
            AuditRecord,
            plan_audit_records(
                plan,
                rng=random.Random(o.seed + 2),  # noqa: S311 - reproducible test data
                dom=[(x.pk, x.naam) for x in domeinen],
                app=[(x.pk, x.naam) for x in apps],
                people=people,
            ),
            max(bs, 10_000),
        )
        progress(f"{o.audit_records} logboekregels")
    if connection.vendor == "postgresql":
        # Fresh planner statistics, and (outside a transaction) a visibility map so that the
        # COUNTs on the start screen can be index-only scans right away.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Domein,
            Applicatie,
            Applicatieinstantie,
            Connectieaanvraag,
            InstantieStatuswijziging,
            AanvraagStatuswijziging,
            AuditRecord,
        )
    }
