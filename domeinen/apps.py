from django.apps import AppConfig


class DomeinenConfig(AppConfig):
    name = "domeinen"
    verbose_name = "Domeinen"

    def ready(self):
        # Outbox handlers that write the KT2Device.
        from beheer.fhir import APPLICATION_DEVICES_PUSH, DEVICE_PUSH
        from beheer.fhir.deliveries import register_handler
        from domeinen import devices

        # Looked up at call time, so a test can inject a fault into `devices`.
        register_handler(
            DEVICE_PUSH,
            lambda **kw: devices.push_device(**kw),
            on_give_up=lambda **kw: devices.give_up_device_push(**kw),
        )
        # No give-up hook for a rename: it only queues a DEVICE_PUSH per instance (a database
        # write), and marks nothing pending before it runs.
        register_handler(
            APPLICATION_DEVICES_PUSH, lambda **kw: devices.push_application_devices(**kw)
        )
