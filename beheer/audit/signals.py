"""Login events: Django and django-axes announce them as signals; these receivers record them.

The username is normalised as the lockout counts it; the password is never looked at.
"""

from axes.signals import user_locked_out
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from beheer.accounts.lockout import username_for_axes
from beheer.audit.models import AuditEvent
from beheer.audit.services import record


def _username(credentials=None, request=None, username=None) -> str:
    if username:
        return username_for_axes(None, {"username": username}) or ""
    return username_for_axes(request, {"username": (credentials or {}).get("username")}) or ""


@receiver(user_logged_in, dispatch_uid="kt_audit_logged_in")
def _logged_in(sender, request, user, **kwargs):
    record(event=AuditEvent.LOGIN_GESLAAGD, obj=user, by=user, object_label=user.get_username())


@receiver(user_logged_out, dispatch_uid="kt_audit_logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is None:  # logging out without a session
        return
    record(event=AuditEvent.LOGOUT, obj=user, by=user, object_label=user.get_username())


@receiver(user_login_failed, dispatch_uid="kt_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = _username(credentials=credentials)
    record(
        event=AuditEvent.LOGIN_MISLUKT,
        by=AnonymousUser(),
        object_type="user",
        object_label=username,
    )


@receiver(user_locked_out, dispatch_uid="kt_audit_locked_out")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(
        event=AuditEvent.LOGIN_GEBLOKKEERD,
        by=AnonymousUser(),
        object_type="user",
        object_label=_username(username=username),
    )
