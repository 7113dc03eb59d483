"""Authentication that matches usernames as the database does: case-insensitively.

The User model has a case-insensitive unique constraint on the username, so "Dora", "dora"
and " dora " can only ever mean one account. Lockout (django-axes) counts them as one too
(see `beheer.accounts.lockout.username_for_axes`).
"""

import weakref

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections
from django.db.models.sql import Query


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
        """The session's user, with `is_support` (User.is_support reads `_is_support_cache`
        before asking) and, while `beheer.accounts.otp.OTPMiddleware` loads the user, the
        session's OTP device check answered in the same statement: one round trip for what
        took three (user, support group, device).

        One hand-written statement because this runs on every logged-in request: the ORM
        spent 1.8 ms building the same query with two `Exists` annotations (0.5 ms as SQL);
        see docs/performance.md, section 7. Only names from the models' metadata and
        parameters go into it."""
        from beheer.accounts.otp import VERIFIED_ANNOTATION, session_device

        User = get_user_model()
        db = User._default_manager.db
        connection = connections[db]
        device = session_device()
        sql, params = _session_user_sql(User, connection, user_id, device)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        user = _user_from_row(User, db, connection, row)
        n = len(User._meta.concrete_fields)
        # SQLite answers EXISTS with 0/1.
        user._is_support_cache = bool(row[n])
        if device is not None:
            setattr(user, VERIFIED_ANNOTATION, bool(row[n + 1]))
        return user if self.user_can_authenticate(user) else None


# Per connection: the database backend's and the fields' converters of the user columns, as
# the ORM applies them (e.g. SQLite's text to datetime), found once instead of per request.
_USER_CONVERTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _user_from_row(User, db, connection, row):
    """The User of the row's leading columns (its concrete fields, in order), as the ORM makes
    it: converters applied, then `Model.from_db`. What `Manager.raw()` did, without working
    out the columns, their converters and the model's init order again on every request."""
    fields = User._meta.concrete_fields
    converters = _USER_CONVERTERS.get(connection)
    if converters is None:
        compiler = connection.ops.compiler("SQLCompiler")(Query(User), connection, db)
        found = compiler.get_converters([f.get_col(User._meta.db_table) for f in fields])
        converters = _USER_CONVERTERS[connection] = sorted(found.items())
    values = list(row[: len(fields)])
    for pos, (functions, expression) in converters:
        for function in functions:
            values[pos] = function(values[pos], expression, connection)
    return User.from_db(db, [f.attname for f in fields], values)


def _session_user_sql(User, connection, user_id, device) -> tuple[str, list]:
    from beheer.accounts.models import SUPPORT_GROUP
    from beheer.accounts.otp import VERIFIED_ANNOTATION

    qn = connection.ops.quote_name
    user_table = qn(User._meta.db_table)
    user_pk = f"{user_table}.{qn(User._meta.pk.column)}"
    groups = User._meta.get_field("groups")
    through = groups.remote_field.through._meta
    group = groups.related_model._meta
    columns = ", ".join(f"{user_table}.{qn(f.column)}" for f in User._meta.concrete_fields)
    # Identifiers from the models' metadata, quoted; every value is a parameter.
    sql = (
        f"SELECT {columns}, EXISTS (SELECT 1 FROM {qn(through.db_table)} ug "  # noqa: S608
        f"INNER JOIN {qn(group.db_table)} g ON g.{qn(group.pk.column)} = "
        f"ug.{qn(groups.m2m_reverse_name())} "
        f"WHERE ug.{qn(groups.m2m_column_name())} = {user_pk} "
        f"AND g.{qn(group.get_field('name').column)} = %s) AS _is_support_cache"
    )
    params: list = [SUPPORT_GROUP]
    if device is not None:
        # django-otp's conditions (OTPMiddleware._finalize_device): this device, confirmed,
        # of this user.
        device_cls, device_pk = device
        meta = device_cls._meta
        sql += (
            f", EXISTS (SELECT 1 FROM {qn(meta.db_table)} d "  # noqa: S608
            f"WHERE d.{qn(meta.pk.column)} = %s "
            f"AND d.{qn(meta.get_field('user').column)} = {user_pk} "
            f"AND d.{qn(meta.get_field('confirmed').column)} = %s) AS {VERIFIED_ANNOTATION}"
        )
        params += [device_pk, True]
    sql += f" FROM {user_table} WHERE {user_pk} = %s"
    params.append(User._meta.pk.get_db_prep_value(User._meta.pk.to_python(user_id), connection))
    return sql, params
