"""Audit records for the admin's own saves (support creating a domain, editing a role and its
permissions, an application's beheerders, a user's rights): the plain ModelAdmin save writes
the record in the admin's transaction (changeform_view is atomic), with the before and after
values of `audit_fields`. Saves that go through a service are recorded by that service."""

from beheer.audit.services import diff, record

_BEFORE = "_kt_audit_before"


def field_value(obj, name):
    """A field's value for the record: related objects by their names, sorted."""
    field = obj._meta.get_field(name)
    if field.many_to_many:
        if obj.pk is None:
            return []
        return sorted(str(related) for related in getattr(obj, name).all())
    if field.is_relation:
        related = getattr(obj, name)
        return None if related is None else str(related)
    return getattr(obj, name)


class AuditedAdminMixin:
    """Records the admin's add and change of an object, its many-to-many fields and inlines
    included. The before snapshot is taken when a POST loads the object (get_object), the
    after snapshot when everything is saved (end of save_related)."""

    audit_fields: tuple[str, ...] = ()
    # Only these snapshot keys count as a change (default: all); e.g. the fields that no
    # service records itself.
    audit_changed_fields: tuple[str, ...] | None = None
    audit_created_event: str | None = None
    audit_changed_event: str | None = None

    def audit_snapshot(self, obj) -> dict:
        return {name: field_value(obj, name) for name in self.audit_fields}

    def audit_scope(self, obj) -> dict:
        """domein= and applicatie= of the record (who may read it)."""
        return {}

    def audit_event(self, *, created: bool, before: dict, after: dict) -> str | None:
        return self.audit_created_event if created else self.audit_changed_event

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            setattr(request, _BEFORE, self.audit_snapshot(obj))
        return obj

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = type(form.instance)._default_manager.get(pk=form.instance.pk)
        before = getattr(request, _BEFORE, {}) if change else {}
        after = self.audit_snapshot(obj)
        changes = diff(before, after)
        if change:
            if self.audit_changed_fields is not None:
                counted = self.audit_changed_fields
                changes = {name: pair for name, pair in changes.items() if name in counted}
            if not changes:
                return
        event = self.audit_event(created=not change, before=before, after=after)
        if event:
            record(event=event, obj=obj, by=request.user, changes=changes, **self.audit_scope(obj))
