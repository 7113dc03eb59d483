"""FHIR for KT Beheer: KT2 resource builders, the FHIR REST client, SMART backend-services auth.

Nothing here imports a domain app: callers pass the objects in (duck-typed), so the dependency
direction beheer.fhir <- applicaties <- domeinen <- connectieaanvragen holds.
"""

# Delivery kinds (outbox) that carry FHIR work; the handlers live in domeinen.devices.
DEVICE_PUSH = "fhir_device_push"
APPLICATION_DEVICES_PUSH = "fhir_application_devices_push"
