from beheer.accounts.lockout import client_ip
from beheer.audit import context


class AuditContextMiddleware:
    """Puts the client address (the same one the lockout counts) and the request's user in the
    audit context for the duration of the request. After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip_token = context.client_ip.set(client_ip(request))
        credential_token = context.credential.set("")
        user_token = context.request_user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            context.request_user.reset(user_token)
            context.credential.reset(credential_token)
            context.client_ip.reset(ip_token)
