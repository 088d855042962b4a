from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role
from ..auth.service import login_colleague_choices
from ..extensions import db
from ..forms import as_choices, clean_text, optional_int, picker_status
from ..interactions import service as interactions
from ..interactions.models import interaction_contacts, interaction_organisations
from ..neglect import service as neglect
from ..search.service import COUNT_LIMIT
from ..labels import choices
from . import service
from .forms import ContactForm, OrganisationForm
from .models import Contact, Organisation, OrganisationKind
from ..views import FAILED, run_service

bp = Blueprint("relations", __name__)

# A detail page shows the newest contactmomenten and pages back through the
# rest; the whole history, filtered and exported, is in the list of contactmomenten.
HISTORY_PAGE_SIZE = 25
MAX_PAGE = 100000


def query_int(name: str) -> int | None:
    try:
        return optional_int(request.args.get(name))
    except ValueError:
        return None


def query_text(name: str) -> str:
    # Without control characters: PostgreSQL refuses a NUL in a query parameter.
    return clean_text(request.args.get(name, ""))[:200]


def can_edit_organisations() -> bool:
    return current_user.role in (Role.MANAGER, Role.ADMINISTRATOR)


def pick(find):
    """The matches for a picker (tracker/forms.py PickerField) as JSON, for
    static/js/picker.js: ?zoek=words&zonder=id&zonder=id (ids already chosen)."""
    exclude = {int(value) for value in request.args.getlist("zonder")[:200]
               if value.isdecimal() and len(value) < 10}
    found, more = find(query_text("zoek"), exclude=exclude)
    return jsonify(results=[{"id": id_, "label": label} for id_, label in found], more=more,
                   status=picker_status(len(found), more))


@bp.route("/contactpersonen/kiezen")
def pick_contacts():
    return pick(service.find_contacts)


@bp.route("/organisaties/kiezen")
def pick_organisations():
    return pick(service.find_organisations)


@bp.route("/organisaties")
def organisations():
    kind_value = request.args.get("soort", "")
    kind = OrganisationKind(kind_value) if kind_value in {k.value for k in OrganisationKind} else None
    arena_id = query_int("netwerk")
    text = query_text("zoek")
    found, last = service.search_organisations(current_user, text, arena_id, kind)
    return render_template("relations/organisations.html", organisations=found, last=last, text=text,
                           states=neglect.organisation_states(found),
                           one_person=neglect.resting_on_one_person(
                               interaction_organisations.c.organisation_id, [item.id for item in found]),
                           arena_id=arena_id, kind=kind, arenas=service.arenas(),
                           kinds=choices(OrganisationKind), limit=service.LIST_LIMIT,
                           can_edit=can_edit_organisations())


def history(column, relation_id: int) -> dict:
    """A page of one relation's history for its detail page (?pagina=n), how
    many there are (counted up to the search's limit) and the last contact."""
    page = request.args.get("pagina", 1, type=int)
    page = page if page and 1 <= page <= MAX_PAGE else 1
    items = interactions.history_of(current_user, column, relation_id, limit=HISTORY_PAGE_SIZE + 1,
                                    offset=(page - 1) * HISTORY_PAGE_SIZE)
    total, more = interactions.count_history(current_user, column, relation_id, limit=COUNT_LIMIT)
    return {"history": items[:HISTORY_PAGE_SIZE], "page": page, "has_next": len(items) > HISTORY_PAGE_SIZE,
            "total": total, "more": more,
            "last_contact": service.last_contacts_by(column, [relation_id], current_user).get(relation_id)}


@bp.route("/organisaties/<int:organisation_id>")
def organisation(organisation_id):
    found = service.organisation_for_page(organisation_id)
    if found is None:
        abort(404)
    return render_template(
        "relations/organisation.html", organisation=found,
        **history(interaction_organisations.c.organisation_id, found.id),
        can_edit=can_edit_organisations(), state=neglect.organisation_states([found])[found.id],
        one_person=found.id in neglect.resting_on_one_person(interaction_organisations.c.organisation_id, [found.id]),
        flags=neglect.flags_for_organisation(found))


def owner_choices(form) -> None:
    form.owner_id.choices = as_choices(login_colleague_choices(), blank=_("— niemand —"))


def organisation_form_choices(form: OrganisationForm, exclude: int | None = None) -> None:
    owner_choices(form)
    form.arena_id.choices = as_choices(((arena.id, arena.name) for arena in service.arenas()), blank=_("— geen —"))
    form.parent_id.choices = as_choices((pair for pair in service.organisation_choices() if pair[0] != exclude),
                                        blank=_("— geen —"))


def save_organisation_form(form: OrganisationForm, organisation: Organisation | None):
    return run_service(form, lambda: service.save_organisation(
        organisation, name=form.name.data, abbreviation=form.abbreviation.data,
        kind=OrganisationKind(form.kind.data), arena_id=form.arena_id.data, parent_id=form.parent_id.data,
        description=form.description.data, acting=current_user, owner_id=form.owner_id.data,
        cadence_days=form.cadence()[0], cadence_disabled=form.cadence()[1]))


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
def new_organisation():
    if not can_edit_organisations():
        abort(403)
    form = OrganisationForm()
    organisation_form_choices(form)
    if form.validate_on_submit():
        saved = save_organisation_form(form, None)
        if saved is not FAILED:
            flash(_("De organisatie is toegevoegd."), "success")
            return redirect(url_for("relations.organisation", organisation_id=saved.id))
    return render_template("relations/organisation_form.html", form=form, organisation=None)


@bp.route("/organisaties/<int:organisation_id>/bewerken", methods=["GET", "POST"])
def edit_organisation(organisation_id):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not can_edit_organisations():
        abort(403)
    form = OrganisationForm(obj=organisation)
    organisation_form_choices(form, exclude=organisation.id)
    if request.method == "GET":
        form.show_cadence(organisation)
    if form.validate_on_submit():
        if save_organisation_form(form, organisation) is not FAILED:
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("relations.organisation", organisation_id=organisation.id))
    return render_template("relations/organisation_form.html", form=form, organisation=organisation)


@bp.route("/contactpersonen")
def contacts():
    organisation_id = query_int("organisatie")
    text = query_text("zoek")
    found, last = service.search_contacts(current_user, text, organisation_id)
    return render_template("relations/contacts.html", contacts=found, last=last, text=text,
                           states=neglect.contact_states(found),
                           one_person=neglect.resting_on_one_person(
                               interaction_contacts.c.contact_id, [item.id for item in found]),
                           organisation_id=organisation_id, organisations=service.organisation_choices(),
                           limit=service.LIST_LIMIT)


@bp.route("/contactpersonen/<int:contact_id>")
def contact(contact_id):
    found = service.contact_for_page(contact_id)
    if found is None:
        abort(404)
    return render_template(
        "relations/contact.html", contact=found,
        **history(interaction_contacts.c.contact_id, found.id),
        state=neglect.contact_states([found])[found.id],
        one_person=found.id in neglect.resting_on_one_person(interaction_contacts.c.contact_id, [found.id]),
        flags=neglect.flags_for_contact(found))


def save_contact_form(form: ContactForm, contact: Contact | None):
    return run_service(form, lambda: service.save_contact(
        contact, name=form.name.data, function=form.function.data, organisation_id=form.organisation_id.data,
        email=form.email.data, phone=form.phone.data, notes=form.notes.data, acting=current_user,
        public_figure=form.public_figure()))


@bp.route("/contactpersonen/nieuw", methods=["GET", "POST"])
def new_contact():
    form = ContactForm()
    form.organisation_id.choices = as_choices(service.organisation_choices(), blank=_("— geen —"))
    owner_choices(form)
    if request.method == "GET":
        form.organisation_id.data = query_int("organisatie")
    if form.validate_on_submit():
        saved = save_contact_form(form, None)
        if saved is not FAILED:
            flash(_("De contactpersoon is toegevoegd."), "success")
            return redirect(url_for("relations.contact", contact_id=saved.id))
    return render_template("relations/contact_form.html", form=form, contact=None)


@bp.route("/contactpersonen/<int:contact_id>/bewerken", methods=["GET", "POST"])
def edit_contact(contact_id):
    contact = db.session.get(Contact, contact_id) or abort(404)
    if contact.anonymised_at is not None:
        # Editing would put personal data back on a record the AVG had emptied.
        flash(_("Deze contactpersoon is geanonimiseerd; de gegevens kunnen niet meer worden gewijzigd."), "error")
        return redirect(url_for("relations.contact", contact_id=contact.id))
    form = ContactForm(obj=contact)
    form.organisation_id.choices = as_choices(service.organisation_choices(), blank=_("— geen —"))
    owner_choices(form)
    if request.method == "GET":
        form.show_cadence(contact)
        form.show_public_figure(contact)
    if form.validate_on_submit():
        if save_contact_form(form, contact) is not FAILED:
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("relations.contact", contact_id=contact.id))
    return render_template("relations/contact_form.html", form=form, contact=contact)
