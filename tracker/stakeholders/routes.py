from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..formatting import local_today
from ..forms import clean_text
from ..labels import label
from ..neglect import service as neglect
from ..relations.models import Contact, Organisation
from ..search import service as search
from ..views import FAILED, run_service
from . import service
from .forms import AddStakeholderForm, CompareForm, EditStakeholderForm, RemoveStakeholderForm
from .models import Attitude, Influence

bp = Blueprint("stakeholders", __name__)

PREVIOUS = "vorige"


def relation_url(relation) -> str:
    if isinstance(relation, Contact):
        return url_for("relations.contact", contact_id=relation.id)
    return url_for("relations.organisation", organisation_id=relation.id)


def relation_kind(relation) -> str:
    return _("contactpersoon") if isinstance(relation, Contact) else _("organisatie")


def position_text(position) -> str:
    influence, attitude = position
    return _("invloed %(influence)s, %(attitude)s", influence=label(influence).lower(),
             attitude=label(attitude).lower())


def axis_labels() -> dict:
    return {**{influence: label(influence) for influence in Influence},
            **{attitude: label(attitude) for attitude in Attitude}}


def load_priority(priority_id: int):
    return service.priority_for_map(priority_id) or abort(404)


def comparison(form: CompareForm, previous: bool, stakeholders, changes):
    """(shifts, what they are compared with) for the map; (None, None) without a comparison."""
    if previous:
        before = service.previous_positions(changes)
        found = service.shifts(stakeholders, {key: position for key, (position, _c) in before.items()}, False, {})
        for shift in found:
            shift.change = before[shift.key][1]
        return found, _("de vorige wijziging")
    if form.vergelijk.data is None or form.errors:
        return None, None
    at = service.positions_at(changes, neglect.end_of(form.vergelijk.data))
    found = service.shifts(stakeholders, {key: position for key, (position, _r) in at.items()}, True,
                           {key: relation for key, (_p, relation) in at.items()})
    return found, _("de stand op %(date)s", date=form.vergelijk.data.strftime("%d-%m-%Y"))


@bp.route("/prioriteiten/<int:priority_id>/krachtenveld")
def map(priority_id):
    priority = load_priority(priority_id)
    previous = request.args.get("vergelijk") == PREVIOUS
    # Without control characters: the date field shows what was typed again.
    form = CompareForm(MultiDict() if previous else MultiDict(
        [(name, clean_text(value)) for name, value in request.args.items(multi=True)]))
    form.validate()
    stakeholders = service.stakeholders_of(priority)
    changes = service.changes_of(priority)
    shifts, compared_with = comparison(form, previous, stakeholders, changes)
    placed = [(item.key, item.relation, (item.influence, item.attitude), relation_url(item.relation),
               _("%(name)s (%(kind)s): %(position)s", name=item.relation.name, kind=relation_kind(item.relation),
                 position=position_text((item.influence, item.attitude))))
              for item in stakeholders]
    ghosts = [(shift.key, shift.relation, shift.before) for shift in shifts or [] if shift.before is not None]
    drawing = service.draw(placed, ghosts, axis_labels(), lambda name: _("%(name)s (eerder)", name=name))
    today = local_today()
    presets = [(_("Sinds de vorige wijziging"), PREVIOUS, previous)] + [
        (text, (today - timedelta(days=days)).isoformat(),
         not previous and form.vergelijk.data == today - timedelta(days=days))
        for text, days in ((_("30 dagen geleden"), 30), (_("90 dagen geleden"), 90), (_("Een jaar geleden"), 365))]
    return render_template(
        "stakeholders/map.html", priority=priority, stakeholders=stakeholders, drawing=drawing, form=form,
        shifts=shifts, compared_with=compared_with, presets=presets, columns=service.COLUMNS, rows=service.ROWS,
        colours=service.COLOURS, history=list(reversed(changes))[:service.HISTORY_LIMIT], history_total=len(changes),
        can_edit=service.can_edit(current_user), relation_url=relation_url, relation_kind=relation_kind,
        position_text=position_text)


def search_results(form: AddStakeholderForm) -> list[tuple[str, str, str]]:
    """The organisations and contact persons the search finds (ten of each),
    and the one picked before, as (value, name, kind) for the radio buttons."""
    terms = form.zoek.data if form.zoek.data and not form.zoek.errors else ""
    found = []
    if terms:
        found += list(search.search_organisations(terms).items)
        found += list(search.search_contacts(terms).items)
    organisation_id, contact_id = form.chosen_ids
    picked = (db.session.get(Organisation, organisation_id) if organisation_id is not None
              else db.session.get(Contact, contact_id) if contact_id is not None else None)
    if picked is not None and picked not in found:
        found.insert(0, picked)
    return [(f"{'contactpersoon' if isinstance(item, Contact) else 'organisatie'}:{item.id}",
             choice_label(item), relation_kind(item)) for item in found]


def choice_label(relation) -> str:
    if isinstance(relation, Contact):
        return f"{relation.display_name} — {relation.organisation.name}" if relation.organisation \
            else relation.display_name
    return relation.display_name


@bp.route("/prioriteiten/<int:priority_id>/krachtenveld/toevoegen", methods=["GET", "POST"])
def add(priority_id):
    priority = load_priority(priority_id)
    if not service.can_edit(current_user):
        abort(403)
    form = AddStakeholderForm() if request.method == "POST" else AddStakeholderForm(request.args)
    if request.method == "GET":
        form.zoek.validate(form)
    elif form.validate_on_submit():
        organisation_id, contact_id = form.chosen_ids
        saved = run_service(form, lambda: service.add_stakeholder(priority, service.StakeholderData(
            organisation_id=organisation_id, contact_id=contact_id, influence=Influence(form.influence.data),
            attitude=Attitude(form.attitude.data), note=form.note.data), current_user))
        if saved is not FAILED:
            flash(_("%(name)s staat op het krachtenveld.", name=saved.relation.name), "success")
            return redirect(url_for("stakeholders.map", priority_id=priority.id))
    results = search_results(form)
    if form.relation.errors and not results:
        # No buttons to pick from: the message belongs with the search field.
        form.zoek.errors = [*form.zoek.errors, *form.relation.errors]
        form.relation.errors = []
    return render_template("stakeholders/add.html", priority=priority, form=form, results=results,
                           searched=bool(form.zoek.data) and not form.zoek.errors)


@bp.route("/krachtenveld/<int:stakeholder_id>/bewerken", methods=["GET", "POST"])
def edit(stakeholder_id):
    stakeholder = service.stakeholder_for_page(stakeholder_id) or abort(404)
    if not service.can_edit(current_user):
        abort(403)
    form = EditStakeholderForm()
    if request.method == "GET":
        form.influence.data = stakeholder.influence.value
        form.attitude.data = stakeholder.attitude.value
        form.note.data = stakeholder.note or ""
    elif form.validate_on_submit():
        changed = run_service(form, lambda: service.update_stakeholder(
            stakeholder, Influence(form.influence.data), Attitude(form.attitude.data), form.note.data,
            current_user))
        if changed is not FAILED:
            name = stakeholder.relation.name
            flash(_("De plaats van %(name)s is bijgewerkt.", name=name) if changed
                  else _("Er is niets gewijzigd aan %(name)s.", name=name), "success")
            return redirect(url_for("stakeholders.map", priority_id=stakeholder.priority_id))
    return render_template("stakeholders/edit.html", stakeholder=stakeholder, priority=stakeholder.priority,
                           form=form, remove_form=RemoveStakeholderForm(), relation_url=relation_url)


@bp.route("/krachtenveld/<int:stakeholder_id>/verwijderen", methods=["POST"])
def remove(stakeholder_id):
    stakeholder = service.stakeholder_for_page(stakeholder_id) or abort(404)
    if not service.can_edit(current_user):
        abort(403)
    priority_id, name = stakeholder.priority_id, stakeholder.relation.name
    if run_service(RemoveStakeholderForm(), lambda: service.remove_stakeholder(stakeholder, current_user)) \
            is not FAILED:
        flash(_("%(name)s is van het krachtenveld gehaald; de geschiedenis blijft bewaard.", name=name), "success")
    return redirect(url_for("stakeholders.map", priority_id=priority_id))
