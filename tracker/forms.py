"""Building blocks shared by every form: Dutch messages and clean input."""

import re

from flask_babel import lazy_gettext as _l
import wtforms
from wtforms import SelectMultipleField
from wtforms.utils import unset_value
from wtforms.fields.choices import Choice, SelectChoice
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


# The name of a form's hidden first button (templates/_macros.html default_submit).
DEFAULT_SUBMIT = "opslaan"


def picker_status(found: int, more: bool) -> str:
    """What a picker's live region says after a search."""
    if more:
        return str(_l("Meer dan %(num)d gevonden; de eerste %(num)d staan hieronder. Voeg een woord toe om te "
                      "verfijnen.", num=found))
    if not found:
        return str(_l("Niets gevonden. Zoek op een ander woord of een deel ervan."))
    if found == 1:
        return str(_l("1 gevonden."))
    return str(_l("%(num)d gevonden.", num=found))


class PickerField(SelectMultipleField):
    """Several records of a large table, chosen by id: the page shows only the
    chosen ones (ticked) and the matches of a search (to tick), never the
    whole table; templates/_macros.html `picker` renders it.

    `labels(ids)` answers {id: label} for the ids that exist, in one query;
    `find(terms, exclude)` the matches of a search: a few (id, label) pairs
    and whether there are more.
    Without JavaScript the search box is sent with the form (its name is the
    field's name + "-zoek") and its button ("-zoeken") asks for the form back
    with the matches; the view checks `searching`."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, *, labels, find, search_endpoint, search_label, unknown_message,
                 **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)
        self.labels, self.find, self.search_endpoint = labels, find, search_endpoint
        self.search_label = search_label
        self.unknown_message = unknown_message
        self.terms, self.searching = "", False
        self._known: dict[int, str] | None = None
        self._known_for: tuple = ()
        self._found = None

    @property
    def search_name(self) -> str:
        return f"{self.name}-zoek"

    @property
    def button_name(self) -> str:
        return f"{self.name}-zoeken"

    @property
    def searched_name(self) -> str:
        return f"{self.name}-gezocht"

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.terms = clean_text(formdata.get(self.search_name, ""))[:200]
            searched = clean_text(formdata.get(self.searched_name, ""))[:200]
            # Enter in the search box sends the form with its hidden first
            # button (macro default_submit): words not searched yet are a search.
            self.searching = self.button_name in formdata or (
                DEFAULT_SUBMIT in formdata and bool(self.terms) and self.terms != searched)

    def process_formdata(self, valuelist):
        try:
            self.data = [optional_int(value) for value in valuelist if value not in ("", None)]
        except ValueError as error:
            self.data = []
            raise ValueError(str(self.unknown_message)) from error

    def known(self) -> dict[int, str]:
        """{id: label} of the chosen ids that exist; one query per set of ids."""
        ids = tuple(dict.fromkeys(self.data or []))
        if self._known is None or self._known_for != ids:
            self._known, self._known_for = (self.labels(list(ids)) if ids else {}), ids
        return self._known

    def pre_validate(self, form):
        if self.data and any(item not in self.known() for item in self.data):
            raise ValidationError(self.unknown_message)

    def chosen(self) -> list[tuple[int, str]]:
        """The chosen records that exist, by label."""
        return sorted(self.known().items(), key=lambda pair: (pair[1].lower(), pair[0]))

    def found(self) -> tuple[list[tuple[int, str]], bool]:
        """The matches of the search box that are not chosen yet, and whether there are more."""
        if not self.terms:
            return [], False
        if self._found is None:
            self._found = self.find(self.terms, exclude=set(self.data or []))
        return self._found

    def status(self) -> str:
        """The live region's text: empty until something was searched."""
        if not self.terms:
            return ""
        found, more = self.found()
        return picker_status(len(found), more)

    def iter_choices(self):
        return [Choice(value=value, label=label, selected=True, render_kw={}) for value, label in self.chosen()]


def picker_searching(form) -> bool:
    """Whether the form came back for a picker's search, not to be saved."""
    return any(isinstance(field, PickerField) and field.searching for field in form)


def chosen_choices(picker: PickerField, select, blank) -> list[SelectChoice]:
    """A select's choices among what a picker has chosen (and its own value,
    while that exists): the new contact's organisation among the organisations
    ticked, instead of all of them."""
    labels = dict(picker.known())
    if select.data is not None and select.data not in labels:
        labels.update(picker.labels([select.data]))
    return as_choices(sorted(labels.items(), key=lambda pair: pair[1].lower()), blank=blank)
