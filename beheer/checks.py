"""System checks for switches that exist for development only (reported by `check --deploy`).

Each warns when a production process runs with something that weakens it; none of them fires
in a correctly configured deployment (CI runs `check --deploy --fail-level WARNING` with a
production-like environment).
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


def _opens_non_global_space(network: str) -> bool:
    net = ipaddress.ip_network(network, strict=False)
    first, last = net.network_address, net.broadcast_address
    return not (first.is_global and last.is_global) or any(
        net.overlaps(ipaddress.ip_network(private))
        for private in (
            ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16")
            if net.version == 4
            else ("fc00::/7", "fe80::/10", "::1/128", "::ffff:0:0/96", "2002::/16")
        )
    )


@register(Tags.security, deploy=True)
def development_switches(app_configs=None, **kwargs):
    warnings = []
    if not settings.KT_2FA_REQUIRED:
        warnings.append(
            Warning(
                "KT_2FA_REQUIRED staat uit: gebruikers kunnen zonder tweestapsverificatie "
                "inloggen.",
                hint="Alleen voor de lokale demo; zet KT_2FA_REQUIRED=1 (de standaard).",
                id="kt.W001",
            )
        )
    opened = [n for n in settings.KT_JWKS_ALLOWED_NETWORKS if _opens_non_global_space(n)]
    if opened:
        warnings.append(
            Warning(
                "KT_JWKS_ALLOWED_NETWORKS opent interne of lokale adressen voor het ophalen "
                f"van JWKS URI's: {', '.join(opened)}.",
                hint="Alleen voor ontwikkeling en tests; laat KT_JWKS_ALLOWED_NETWORKS leeg.",
                id="kt.W002",
            )
        )
    if settings.KT_OMGEVING == "lokaal":
        warnings.append(
            Warning(
                "KT_OMGEVING is 'lokaal' (de ontwikkelomgeving).",
                hint="Zet KT_OMGEVING op de omgeving die deze installatie bedient "
                "(acc21, acc22, mgr2 of prd2).",
                id="kt.W003",
            )
        )
    if urlsplit(settings.KT_BASE_URL).scheme != "https":
        warnings.append(
            Warning(
                f"KT_BASE_URL ({settings.KT_BASE_URL}) is geen https-adres: de links in "
                "e-mails (wachtwoordlinks) gaan dan onversleuteld over het netwerk.",
                hint="Zet KT_BASE_URL op het publieke https-adres van het portaal.",
                id="kt.W004",
            )
        )
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        warnings.append(
            Warning(
                "De cache is per proces: limieten (wachtwoord vergeten, API) tellen dan per "
                "werkproces.",
                hint="Zet REDIS_URL, of laat DEBUG uit: dan is de databasecache de standaard.",
                id="kt.W006",
            )
        )
    return warnings
