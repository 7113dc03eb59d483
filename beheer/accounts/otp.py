"""django-otp's per-request device check, answered by the query that loads the session's user.

django-otp's OTPMiddleware loads the session's device (`otp_device_id`, e.g.
"otp_totp.totpdevice/5") with a query of its own on every request, only to decide whether the
user is verified: the device must exist, be confirmed and belong to the user; otherwise the
user is not verified and the key is removed from the session. `OTPMiddleware` below asks the
same three questions in the statement that loads the user
(`CaseInsensitiveModelBackend.get_user`) (one round trip fewer on every logged-in request) and
gives the user a lazily loaded `otp_device`: `is_verified()` needs no query, code that really
uses the device object still gets it.

Nothing is cached: the answer comes from the database in the same request, as before. The
backend cannot see the session, so the middleware hands it the device to check through a
context variable, set only while it loads the user. Whenever the answer is missing (another
backend, an id that does not parse), django-otp's own code runs unchanged.
"""

from contextvars import ContextVar

from django.apps import apps
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import middleware as otp_middleware
from django_otp.models import Device

# (device model, device pk) of the session while OTPMiddleware loads the user; None otherwise.
_session_device: ContextVar[tuple[type[Device], int] | None] = ContextVar(
    "kt_session_device", default=None
)
VERIFIED_ANNOTATION = "_kt_otp_device_ok"


def session_device() -> tuple[type[Device], int] | None:
    """(device model, pk) of the session's device while OTPMiddleware loads the user, else
    None. The user query checks it with django-otp's conditions (OTPMiddleware._finalize_device:
    this device, confirmed, of this user) into the attribute VERIFIED_ANNOTATION."""
    return _session_device.get()


def _parse(persistent_id: str) -> tuple[type[Device], int] | None:
    """Device.from_persistent_id's parsing, without its query; None where it would give up."""
    try:
        model_label, device_id = persistent_id.rsplit("/", 1)
        app_label, model_name = model_label.split(".")
        device_cls = apps.get_model(app_label, model_name)
        device_pk = int(device_id)
    except (ValueError, LookupError):
        return None
    return (device_cls, device_pk) if issubclass(device_cls, Device) else None


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django_otp.middleware.OTPMiddleware without its own device query (see module doc)."""

    def _verify_user_sync(self, request, user):
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        target = _parse(self._normalize_persistent_id(persistent_id)) if persistent_id else None
        token = _session_device.set(target)
        try:
            # Setting the fields evaluates AuthenticationMiddleware's lazy user: auth.get_user
            # (session hash check included) -> backend.get_user, which adds the annotation.
            self._init_user_fields(user)
        finally:
            _session_device.reset(token)
        if not user.is_authenticated or not persistent_id:
            return user
        verified = getattr(user, VERIFIED_ANNOTATION, None)
        if target is None or verified is None:
            # No answer from the user query: django-otp's own way, with its own query.
            return super()._verify_user_sync(request, user)
        if verified:
            device_cls, device_pk = target
            user.otp_device = SimpleLazyObject(
                # Loaded only when used. Same conditions as above; a device deleted in between
                # raises DoesNotExist rather than pass for a device.
                lambda: device_cls.objects.get(pk=device_pk, user_id=user.pk, confirmed=True)
            )
        else:
            user.otp_device = None
            del request.session[DEVICE_ID_SESSION_KEY]
        return user
