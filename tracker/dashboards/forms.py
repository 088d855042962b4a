from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, ValidationError

from ..forms import DateField, as_choices, optional
from ..interactions.models import Level
from ..labels import choices
from .periods import EARLIEST, LATEST, MAX_DAYS, Period


class DashboardFilterForm(FlaskForm):
    """The period and filters of a dashboard, read from the query string.

    A field that does not validate falls back to its default on its own,
    and the page says so next to that field."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    vanaf = DateField(_l("Vanaf"), validators=[optional()])
    tot = DateField(_l("Tot en met"), validators=[optional()])
    netwerk = SelectField(_l("Netwerk"), validate_choice=False)
    niveau = SelectField(_l("Niveau"), validate_choice=False)

    def __init__(self, formdata, *, arenas=(), with_arena=True, **kwargs):
        super().__init__(formdata, **kwargs)
        if with_arena:
            self.netwerk.choices = as_choices(((str(arena.id), arena.name) for arena in arenas),
                                              blank=_l("Alle netwerken"))
        else:
            del self.netwerk
        self.niveau.choices = as_choices(choices(Level), blank=_l("Alle niveaus"))
        self.period: Period | None = None

    def check(self, today: date) -> bool:
        """Validates and settles the period; True when nothing fell back."""
        valid = self.validate()
        if not (self.vanaf.errors or self.tot.errors):
            try:
                self.period = self._chosen_period(today)
            except ValidationError as error:
                self.vanaf.errors = [*self.vanaf.errors, str(error)]
                valid = False
        if self.period is None:
            self.period = Period.last_year(today)
        return valid

    def _chosen_period(self, today: date) -> Period:
        first, last = self.vanaf.data, self.tot.data
        if first is None:
            return Period.last_year(last or today)
        last = last or today
        if first > last:
            raise ValidationError(_l("De begindatum ligt na de einddatum."))
        period = Period(first, last)
        if period.days > MAX_DAYS:
            raise ValidationError(_l("Kies een periode van hoogstens vijf jaar."))
        return period

    def validate_vanaf(self, field):
        _check_date(field)

    def validate_tot(self, field):
        _check_date(field)

    def validate_netwerk(self, field):
        if field.data not in (None, "") and field.data not in {option.value for option in field.choices}:
            raise ValidationError(_l("Kies een netwerk uit de lijst."))

    def validate_niveau(self, field):
        if field.data not in (None, "", *(level.value for level in Level)):
            raise ValidationError(_l("Kies een niveau uit de lijst."))

    @property
    def arena_id(self) -> int | None:
        if "netwerk" not in self or not self.netwerk.data or self.netwerk.errors:
            return None
        return int(self.netwerk.data)

    @property
    def level(self) -> Level | None:
        if not self.niveau.data or self.niveau.errors:
            return None
        return Level(self.niveau.data)


def _check_date(field):
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Kies een datum tussen %(first)s en %(last)s.", first=EARLIEST.year,
                                 last=LATEST.year))
