"""Who is acting and from where, for the current request.

Services get no request, yet their audit record names the client address and, for the API, the
personal token used. AuditContextMiddleware fills these context variables for each request;
api.authentication adds the credential's name. Outside a request (commands, the worker, tests)
they are empty.
"""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("kt_audit_client_ip", default=None)
credential: ContextVar[str] = ContextVar("kt_audit_credential", default="")
# The request's user (lazy), for the few writes whose caller cannot pass `by` (a form that
# Django's admin builds, such as the admin's password form).
request_user: ContextVar[object | None] = ContextVar("kt_audit_request_user", default=None)


def set_credential(label: str) -> None:
    """Called by the API's authentication: the name of the key or token of this request."""
    credential.set(label)
