"""The default roles, as data for the migration that loads them (historical models only).

Least privilege per kind of application, following the Koppeltaal resource list (manual 1.5):
- EPD: the source of patients, practitioners, care teams and tasks: it writes its own and reads all.
- Portaal (behandel- en patiëntportaal): reads the care context, creates its own tasks and may
  update any task (a patient completes a task assigned elsewhere).
- eHealth module: publishes its own ActivityDefinitions and Endpoints, reads the care context,
  reads and updates tasks (status of the activities it performs).
Everyone reads Devices (who is who in the domain), manages its own Subscriptions and writes
AuditEvents. Nobody may write Devices: only the portal does.
"""

C, R, U, D = "create", "read", "update", "delete"

_COMMON = [
    ("Device", R, "ALL"),
    ("Organization", R, "ALL"),
    ("Subscription", C, "OWN"),
    ("Subscription", R, "OWN"),
    ("Subscription", U, "OWN"),
    ("Subscription", D, "OWN"),
    ("AuditEvent", C, "OWN"),
    ("AuditEvent", R, "OWN"),
]


def _own_writes_read_all(rtype):
    return [(rtype, C, "OWN"), (rtype, R, "ALL"), (rtype, U, "OWN"), (rtype, D, "OWN")]


DEFAULT_ROLES = {
    "EPD": (
        "Elektronisch patiëntendossier: beheert patiënten, behandelaren, behandelteams en taken.",
        [
            *_COMMON,
            ("Organization", C, "OWN"),
            ("Organization", U, "OWN"),
            *_own_writes_read_all("Patient"),
            *_own_writes_read_all("Practitioner"),
            *_own_writes_read_all("CareTeam"),
            *_own_writes_read_all("Task"),
            ("ActivityDefinition", R, "ALL"),
            ("Endpoint", R, "ALL"),
        ],
    ),
    "Portaal": (
        "Behandel- of patiëntportaal: leest de zorgcontext, maakt eigen taken en werkt taken bij.",
        [
            *_COMMON,
            ("Patient", R, "ALL"),
            ("Practitioner", R, "ALL"),
            ("CareTeam", R, "ALL"),
            ("Task", C, "OWN"),
            ("Task", R, "ALL"),
            ("Task", U, "ALL"),
            ("ActivityDefinition", R, "ALL"),
            ("Endpoint", R, "ALL"),
        ],
    ),
    "eHealth module": (
        "eHealth module: publiceert eigen activiteiten en endpoints, leest de zorgcontext en "
        "werkt taken bij.",
        [
            *_COMMON,
            *_own_writes_read_all("ActivityDefinition"),
            *_own_writes_read_all("Endpoint"),
            ("Patient", R, "ALL"),
            ("Practitioner", R, "ALL"),
            ("CareTeam", R, "ALL"),
            ("Task", R, "ALL"),
            ("Task", U, "ALL"),
        ],
    ),
}

# Application kind (applicaties.Soort) -> default role name.
DEFAULT_ROLE_BY_SOORT = {
    "epd": "EPD",
    "behandelportaal": "Portaal",
    "patientportaal": "Portaal",
    "ehealth_module": "eHealth module",
    "rom": "eHealth module",
    "overig": "eHealth module",
}


def load_default_roles(apps) -> None:
    """Create the default roles and per-kind defaults that do not exist yet (idempotent)."""
    Rol = apps.get_model("rollen", "Rol")
    Rolpermissie = apps.get_model("rollen", "Rolpermissie")
    Standaardrol = apps.get_model("rollen", "Standaardrol")
    for naam, (omschrijving, permissions) in DEFAULT_ROLES.items():
        rol, created = Rol.objects.get_or_create(naam=naam, defaults={"omschrijving": omschrijving})
        if created:
            Rolpermissie.objects.bulk_create(
                Rolpermissie(rol=rol, resource_type=t, operatie=op, bereik=scope)
                for t, op, scope in permissions
            )
    for soort, naam in DEFAULT_ROLE_BY_SOORT.items():
        if not Standaardrol.objects.filter(soort=soort).exists():
            Standaardrol.objects.create(soort=soort, rol=Rol.objects.get(naam=naam))
