from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import (
    BooleanField, EmailField, FieldList, Form, FormField, HiddenField, SelectField, StringField,
    TextAreaField, TimeField, ValidationError,
)

from ..forms import (
    DateField, MultiCheckboxField, as_choices, check_choice, chosen, clean_text, email_address, max_length, optional, optional_int, required,
)
from ..labels import choices
from ..relations.forms import contact_picker, organisation_picker
from .models import InteractionKind, Level

EARLIEST = date(2000, 1, 1)
INVALID_DATE = _l("Vul een bestaande datum in, zoals 30-11-2026.")


class FollowUpForm(Form):
    """One afspraak or actie; a row left empty is ignored."""

    class Meta:
        # A sub-form is a plain Form, which has no translations of WTForms' own
        # messages ("Invalid Choice: could not coerce."); use Flask-WTF's, as FlaskForm does.
        def get_translations(self, form):
            return wtforms_translations

    id = HiddenField(filters=[optional_int])
    description = StringField(_l("Afspraak of actie"), filters=[clean_text], validators=[max_length(500)])
    owner_id = SelectField(_l("Eigenaar"), coerce=optional_int, validate_choice=False)
    due_date = DateField(_l("Uiterlijk"), validators=[optional()])
    remove = BooleanField(_l("Verwijderen"))

    @property
    def is_blank(self) -> bool:
        return not self.description.data and not self.id.data

    def validate_due_date(self, field):
        if field.data is not None and field.data < EARLIEST:
            raise ValidationError(_l("Kies een datum na 1 januari 2000."))

    def validate(self, extra_validators=None) -> bool:
        # Checked after the fields: an empty optional field stops its own validators.
        valid = super().validate(extra_validators)
        if self.description.data and self.due_date.data is None and not self.due_date.errors:
            self.due_date.errors.append(_l("Vul een datum in waarop het af moet zijn."))
            valid = False
        return valid

    def validate_owner_id(self, field):
        if self.description.data and field.data is None:
            raise ValidationError(_l("Kies wie de actie uitvoert."))
        check_choice(field)

    def validate_description(self, field):
        if not field.data and (self.id.data or self.owner_id.data or self.due_date.data) and not self.remove.data:
            raise ValidationError(_l("Beschrijf de afspraak of actie, of laat de hele regel leeg."))


class OfferedContactForm(Form):
    """An address read from an invitation or e-mail that no contact or colleague has:
    added as a new contact only when ticked."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations

    add = BooleanField(_l("Toevoegen als nieuwe contactpersoon"))
    name = StringField(_l("Naam"), filters=[clean_text], validators=[max_length(200)])
    function = StringField(_l("Functie"), filters=[clean_text], validators=[max_length(200)])
    organisation_id = SelectField(_l("Organisatie"), coerce=optional_int, validate_choice=False)
    email = EmailField(_l("E-mailadres"), filters=[clean_text],
                       validators=[required(_l("Vul het e-mailadres in.")), max_length(254), email_address()])

    def validate(self, extra_validators=None) -> bool:
        # A row left unticked is not added, so whatever it holds is not checked.
        if not self.add.data:
            return True
        return super().validate(extra_validators)

    def validate_name(self, field):
        if not field.data:
            raise ValidationError(_l("Vul de naam van de nieuwe contactpersoon in."))

    def validate_organisation_id(self, field):
        check_choice(field)


# An invitation names at most parse.MAX_ATTENDEES people; the form offers this many as new contacts.
MAX_OFFERED_CONTACTS = 20


class InteractionForm(FlaskForm):
    occurred_on = DateField(_l("Datum"), validators=[chosen(INVALID_DATE)])
    occurred_time = TimeField(_l("Tijd"), validators=[chosen(_l("Vul een tijd in, zoals 14:30."))])
    kind = SelectField(_l("Soort contact"), choices=as_choices(choices(InteractionKind)),
                       validators=[chosen()])
    level = SelectField(_l("Niveau"), choices=as_choices(choices(Level)), validators=[chosen()],
                        description=_l("Op welk niveau sprak Zaanstad: bestuurders of ambtenaren."))
    subject = StringField(_l("Onderwerp"), filters=[clean_text],
                          validators=[required(_l("Vul een onderwerp in.")), max_length(200)])
    summary = TextAreaField(_l("Samenvatting"), filters=[clean_text], validators=[max_length(20000)])
    outcome = TextAreaField(_l("Uitkomst en afspraken"), filters=[clean_text], validators=[max_length(20000)])
    contact_ids = contact_picker(_l("Contactpersonen"))
    organisation_ids = organisation_picker(_l("Organisaties"))
    new_contact_name = StringField(_l("Naam"), filters=[clean_text], validators=[max_length(200)])
    new_contact_function = StringField(_l("Functie"), filters=[clean_text], validators=[max_length(200)])
    new_contact_organisation_id = SelectField(_l("Organisatie"), coerce=optional_int, validate_choice=False,
                                              description=_l("Kies eerst de organisatie bij Organisaties."))
    new_contact_email = EmailField(_l("E-mailadres"), filters=[clean_text],
                                   validators=[optional(), max_length(254), email_address()])
    new_contacts = FieldList(FormField(OfferedContactForm), min_entries=0, max_entries=MAX_OFFERED_CONTACTS)
    participant_ids = MultiCheckboxField(_l("Collega's en bestuurders"), coerce=int)
    priority_ids = MultiCheckboxField(_l("Strategische prioriteiten"), coerce=int)
    follow_ups = FieldList(FormField(FollowUpForm), min_entries=2)
    confidential = BooleanField(_l("Vertrouwelijk"), description=_l(
        "Alleen zichtbaar voor u, de collega's die deelnamen, managers en directeuren."))
    # The inbound mailbox's draft this form was filled from (tracker.capture.drafts).
    draft_id = HiddenField(filters=[optional_int])

    def validate_occurred_on(self, field):
        if field.data is not None and field.data < EARLIEST:
            raise ValidationError(_l("Kies een datum na 1 januari 2000."))

    def validate_priority_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Kies minstens één strategische prioriteit."))

    def validate_new_contact_organisation_id(self, field):
        check_choice(field)

    def validate_new_contact_email(self, field):
        if field.data and not self.new_contact_name.data:
            raise ValidationError(_l("Vul ook de naam van de nieuwe contactpersoon in."))


class CaptureUploadForm(FlaskForm):
    """A meeting invitation or e-mail to fill the logging form with; nothing is stored."""

    file = FileField(_l("Uitnodiging of e-mail"), validators=[FileRequired(_l("Kies een bestand."))],
                     description=_l("Een uitnodiging (.ics) of een e-mail die in Outlook is opgeslagen als .eml, "
                                    "hoogstens 2 MB. Sleep het bestand hierheen of kies het."))


class DeleteForm(FlaskForm):
    """Only the CSRF token: deleting is a POST that proves it came from us."""
