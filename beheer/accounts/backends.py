"""Authentication that matches usernames as the database does: case-insensitively.

The User model has a case-insensitive unique constraint on the username, so "Dora", "dora"
and " dora " can only ever mean one account. Lockout (django-axes) counts them as one too
(see `beheer.accounts.lockout.username_for_axes`).
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

    def get_user(self, user_id):
        """The session's user with `is_support` answered in the same query: one round trip
        fewer on every page (User.is_support reads `_is_support_cache` before asking)."""
        from django.contrib.auth.models import Group
        from django.db.models import Exists, OuterRef

        from beheer.accounts.models import SUPPORT_GROUP

        User = get_user_model()
        support = Group.objects.filter(name=SUPPORT_GROUP, user=OuterRef("pk"))
        try:
            user = User._default_manager.annotate(_is_support_cache=Exists(support)).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
