from django.apps import AppConfig


class DomeinenConfig(AppConfig):
    name = "domeinen"
    verbose_name = "Domeinen"

    def ready(self):
        # Delivery handlers for the KT2Device (MERGE NOTE: the outbox's register_handler).
        from beheer.fhir import APPLICATION_DEVICES_PUSH, DEVICE_PUSH
        from beheer.fhir.deliveries import register_handler
        from domeinen import devices

        register_handler(DEVICE_PUSH, lambda payload: devices.push_device(**payload))
        register_handler(
            APPLICATION_DEVICES_PUSH,
            lambda payload: devices.push_application_devices(**payload),
        )
