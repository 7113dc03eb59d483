"""The one domain error that every service raises when a change is refused.

Views, admin actions, API views and commands catch it and show `message` (Dutch) to the user.
`code` is a stable English identifier that tests and the API can rely on.
"""


class ServiceError(Exception):
    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


MAX_REASON = 2000


def clean_reason(reason: str | None, *, missing: str = "Geef een reden op.") -> str:
    """Every lifecycle change needs a reason: stripped, present, at most MAX_REASON characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(missing, code="reason_required")
    if len(reason) > MAX_REASON:
        raise ServiceError(
            f"De reden is te lang (hoogstens {MAX_REASON} tekens).", code="reason_too_long"
        )
    return reason
