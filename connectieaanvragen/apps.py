from django.apps import AppConfig


class ConnectieaanvragenConfig(AppConfig):
    name = "connectieaanvragen"
    verbose_name = "Connectieaanvragen"

    def ready(self):
        # Closing an instance (domeinen.services.change_instance_status) ends its open change
        # request: domeinen calls what is registered here and never imports this app.
        from connectieaanvragen.change_services import end_open_change
        from domeinen.hooks import register_on_close

        register_on_close(end_open_change)
