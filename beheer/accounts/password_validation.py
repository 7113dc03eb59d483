"""Password validators with Dutch messages.

Django 5.2 changed the message of MinimumLengthValidator ("... at least %d characters.")
while its Dutch catalogue still translates the old wording ("%(min_length)d"), so the
stock validator answers in English. This subclass says it in Dutch; the other stock
validators are translated and stay as they are (tests/beheer/accounts checks all of them).
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "Dit wachtwoord is te kort. De minimale lengte is %(min_length)d teken.",
            "Dit wachtwoord is te kort. De minimale lengte is %(min_length)d tekens.",
            self.min_length,
        ) % {"min_length": self.min_length}
