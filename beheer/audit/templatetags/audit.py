from django import template

from beheer.audit.export import format_value

register = template.Library()


@register.filter
def audit_value(value) -> str:
    """A before/after value as the CSV writes it: "(leeg)" for nothing, lists joined."""
    return format_value(value)
