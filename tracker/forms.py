"""Building blocks shared by every form: Dutch messages and clean input."""

import re

from flask_babel import lazy_gettext as _l
import wtforms
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    """Strips surrounding space and control characters (tabs and newlines stay)."""
    if not isinstance(value, str):
        return value
    return CONTROL_CHARACTERS.sub("", value).strip()


def required(message=_l("Vul dit veld in.")):
    return DataRequired(message=message)


def chosen(message=_l("Maak een keuze.")):
    return InputRequired(message=message)


def max_length(n: int):
    return Length(max=n, message=_l("Gebruik hoogstens %(max)d tekens.", max=n))


def optional():
    return Optional()


def email_address():
    return Email(message=_l("Vul een geldig e-mailadres in, zoals naam@zaanstad.nl."),
                 check_deliverability=False)


def apply_domain_error(form, error) -> bool:
    """Puts a DomainError's message next to its field; False when it has none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    return True


# The largest id an Integer column holds on every supported database (PostgreSQL's
# `integer`). A bigger number can be no row's id, and SQLite raises OverflowError
# on anything beyond 2**63 instead of finding nothing.
MAX_ID = 2**31 - 1


def optional_int(value):
    """Coerces a select's value to an int; the empty choice becomes None.

    ValueError for anything that is not a number an id can be."""
    if value in (None, "", "None"):
        return None
    number = int(value)
    if abs(number) > MAX_ID:
        raise ValueError(f"not an id: {value!r}")
    return number


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: usable without JavaScript and by keyboard."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        if self.data:
            values = {value for value, *_ in self.iter_choices()}
            if any(item not in values for item in self.data):
                raise ValidationError(_l("Kies alleen uit de lijst."))


def as_choices(pairs, blank=None) -> list[SelectChoice]:
    """(value, label) pairs as select choices, optionally after an empty one."""
    options = [SelectChoice(value, label) for value, label in pairs]
    return [SelectChoice("", blank), *options] if blank is not None else options


def check_choice(field):
    """For selects that accept an empty value: the value must be offered."""
    if field.data is not None and field.data not in {option.value for option in field.choices}:
        raise ValidationError(_l("Kies uit de lijst."))


class DateField(wtforms.DateField):
    """A date field whose unreadable input gets a Dutch message with an example."""

    invalid_message = _l("Vul een bestaande datum in, zoals 30-11-2026.")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(self.invalid_message)) from error
