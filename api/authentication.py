"""Who is calling: a domain key (authorization server), a personal token, or a session."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)

from api import tokens
from api.models import DomeinApiSleutel, PersoonlijkToken
from beheer.accounts.forms import expired_account_message
from beheer.accounts.selectors import is_locked
from beheer.audit.context import set_credential

# Writing last-used on every call would turn each read into a write; once a minute is enough.
TOUCH_INTERVAL = timedelta(minutes=1)


def _touch(model, row) -> None:
    now = timezone.now()
    if row.laatst_gebruikt_op is None or now - row.laatst_gebruikt_op > TOUCH_INTERVAL:
        model.objects.filter(pk=row.pk).update(laatst_gebruikt_op=now)
        row.laatst_gebruikt_op = now


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer ktd_...` (domain key) or `Bearer ktp_...` (personal token).

    A domain key authenticates no person: request.user stays anonymous and request.auth is the
    DomeinApiSleutel, which only the client endpoints accept.
    """

    invalid = _("Ongeldige, verlopen of ingetrokken API-sleutel.")

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Ongeldige Authorization-header: gebruik 'Bearer <sleutel>'.")
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(self.invalid) from exc
        parsed = tokens.parse(token)
        if parsed is None:
            raise exceptions.AuthenticationFailed(self.invalid)
        kind, prefix = parsed
        if kind == tokens.DOMAIN_KEY_KIND:
            key = DomeinApiSleutel.objects.select_related("domein").filter(prefix=prefix).first()
            if key is None or key.is_revoked or not tokens.matches(token, key.sleutel_hash):
                raise exceptions.AuthenticationFailed(self.invalid)
            _touch(DomeinApiSleutel, key)
            set_credential(f"API-sleutel {key.naam} ({key.prefix})")
            return AnonymousUser(), key
        row = PersoonlijkToken.objects.select_related("gebruiker").filter(prefix=prefix).first()
        if (
            row is None
            or row.is_revoked
            or row.is_expired
            or not row.gebruiker.is_active
            or not tokens.matches(token, row.sleutel_hash)
        ):
            raise exceptions.AuthenticationFailed(self.invalid)
        # The same gates as the web session: a password set by someone else must be changed
        # first, and a username locked after wrong passwords stays locked for its tokens too.
        if row.gebruiker.must_change_password:
            raise exceptions.PermissionDenied(
                _("Wijzig eerst uw wachtwoord in het portaal; daarna werkt dit token weer.")
            )
        if row.gebruiker.is_expired:
            raise exceptions.PermissionDenied(expired_account_message(row.gebruiker))
        if is_locked(user=row.gebruiker):
            raise exceptions.PermissionDenied(
                _("Uw account is geblokkeerd. Neem contact op met support.")
            )
        _touch(PersoonlijkToken, row)
        set_credential(f"token {row.naam} ({row.prefix})")
        return row.gebruiker, row

    def authenticate_header(self, request):
        return 'Bearer realm="kt-beheer"'


class CsrfSessionAuthentication(SessionAuthentication):
    """The web session, with CSRF for unsafe methods, and a Dutch message when it fails."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(
                _("CSRF-controle mislukt: stuur het CSRF-token mee in de header X-CSRFToken.")
            ) from exc
