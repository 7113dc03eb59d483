"""Template filters the portal shares."""

from django import template
from phonenumber_field.phonenumber import to_python

register = template.Library()


@register.filter
def telefoon(value) -> str:
    """A stored phone number, readably: a Dutch one as dialled in the Netherlands (030 123 4567),
    another with its country code (+32 2 212 34 56); an old value that is no valid number is
    shown as it was typed."""
    if not value:
        return ""
    number = to_python(value)
    if number is None or not number.is_valid():
        return str(getattr(number, "raw_input", value) or value)
    if number.country_code == 31:
        return number.as_national
    return number.as_international
