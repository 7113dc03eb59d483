"""The two ways a delivery handler can fail.

A handler raises `RetryableError` for a passing fault (connection refused, timeout, 5xx):
the worker tries again later with backoff. `PermanentError` means trying again cannot help
(the recipient address is refused, a FHIR server answers 4xx): the row is marked failed at
once, so support sees it and can press "Opnieuw proberen" after fixing the cause.
Any other exception is treated as retryable.
"""


class DeliveryError(Exception):
    pass


class RetryableError(DeliveryError):
    pass


class PermanentError(DeliveryError):
    pass
