"""Authentication that matches usernames as the database does: case-insensitively.

The User model has a case-insensitive unique constraint on the username, so "Dora", "dora"
and " dora " can only ever mean one account. Lockout (django-axes) counts them as one too
(see `beheer.accounts.lockout.username_for_axes`). Everything else (loading the session's
user, permissions) is Django's ModelBackend as it ships.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def normalize_username(username: str | None) -> str:
    return (username or "").strip().lower()


class CaseInsensitiveModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = User._default_manager.get(username__iexact=normalize_username(username))
        except User.DoesNotExist:
            # Run the hasher once anyway, so an unknown name costs as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
