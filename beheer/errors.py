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
