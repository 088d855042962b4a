from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..formatting import local_today
from ..forms import picker_searching
from ..interactions.forms import DeleteForm
from ..relations.models import Contact
from ..views import FAILED, run_service
from . import service
from .forms import ReasonForm, RequestForm
from .models import InformationRequest, RequestKind, RetentionReview

bp = Blueprint("avg", __name__)


def require(allowed) -> None:
    if not allowed(current_user):
        abort(403)


# --- The register of Woo and AVG requests ---------------------------------------------------------------------------

@bp.route("/verzoeken")
def requests():
    require(service.handles_requests)
    return render_template("avg/requests.html", requests=service.list_requests(), today=local_today())


def save_request_form(form: RequestForm, found: InformationRequest | None):
    return run_service(form, lambda: service.save_request(
        found, kind=RequestKind(form.kind.data), subject=form.subject.data, reference=form.reference.data,
        opened_on=form.opened_on.data, closed_on=form.closed_on.data, contact_ids=form.contact_ids.data or [],
        acting=current_user, today=local_today()))


@bp.route("/verzoeken/nieuw", methods=["GET", "POST"])
def new_request():
    require(service.handles_requests)
    form = RequestForm()
    if not form.is_submitted():
        form.opened_on.data = local_today()
        form.kind.data = RequestKind.WOO.value
        contact_id = request.args.get("contactpersoon", "")
        form.contact_ids.data = [int(contact_id)] if contact_id.isdecimal() and len(contact_id) < 10 else []
    if not picker_searching(form) and form.validate_on_submit() and save_request_form(form, None) is not FAILED:
        flash(_("Het verzoek is vastgelegd."), "success")
        return redirect(url_for("avg.requests"))
    return render_template("avg/request_form.html", form=form, found=None)


@bp.route("/verzoeken/<int:request_id>/bewerken", methods=["GET", "POST"])
def edit_request(request_id):
    found = db.session.get(InformationRequest, request_id) or abort(404)
    require(service.handles_requests)
    form = RequestForm(obj=found)
    if not form.is_submitted():
        form.kind.data = found.kind.value
        form.contact_ids.data = [contact.id for contact in found.contacts]
    if not picker_searching(form) and form.validate_on_submit() and save_request_form(form, found) is not FAILED:
        flash(_("De wijzigingen zijn opgeslagen."), "success")
        return redirect(url_for("avg.requests"))
    return render_template("avg/request_form.html", form=form, found=found)


# --- One person: inzage and anonymising ------------------------------------------------------------------------------

@bp.route("/contactpersonen/<int:contact_id>/avg")
def contact(contact_id):
    found = db.session.get(Contact, contact_id) or abort(404)
    require(service.handles_requests)
    today = local_today()
    return render_template("avg/contact.html", contact=found, holds=service.holds_for([found.id], today).get(found.id, []),
                           actions=service.actions_for(found), export_form=DeleteForm(),
                           interactions=service.count_interactions(found, current_user))


@bp.route("/contactpersonen/<int:contact_id>/avg/export", methods=["POST"])
def export_contact(contact_id):
    found = db.session.get(Contact, contact_id) or abort(404)
    require(service.handles_requests)
    if not DeleteForm().validate_on_submit():
        abort(400)
    content = service.export_person(found, current_user, local_today())
    db.session.commit()
    return Response(content, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="avg-inzage-contactpersoon-{found.id}.zip"',
        "Cache-Control": "no-store"})


@bp.route("/contactpersonen/<int:contact_id>/anonimiseren", methods=["GET", "POST"])
def anonymise(contact_id):
    found = db.session.get(Contact, contact_id) or abort(404)
    require(service.reviews_retention)
    today = local_today()
    form = ReasonForm()
    holds = service.holds_for([found.id], today).get(found.id, [])
    if form.validate_on_submit() and run_service(form, lambda: service.anonymise(
            found, acting=current_user, reason=form.reason.data, today=today)) is not FAILED:
        flash(_("De contactpersoon is geanonimiseerd; de contactmomenten blijven bewaard."), "success")
        return redirect(url_for("avg.contact", contact_id=found.id))
    return render_template("avg/anonymise.html", contact=found, form=form, holds=holds,
                           interactions=service.count_interactions(found, current_user))


@bp.route("/avg/logboek")
def log():
    require(service.handles_requests)
    actions = service.avg_log()
    names = dict(db.session.execute(db.select(Contact.id, Contact.name).where(
        Contact.id.in_({row.contact_id for row in actions if row.contact_id}))).all()) if actions else {}
    return render_template("avg/log.html", actions=actions, names=names)


# --- The retention review ----------------------------------------------------------------------------------------------

def retention_page(forms: dict | None = None):
    rows = service.open_reviews(local_today())
    forms = forms or {}
    for row in rows:
        form = forms.setdefault(row.review.id, ReasonForm(formdata=None))
        # One form per listed contact: each its own field id (the name stays "reason").
        form.reason.id = form.reason.label.field_id = f"reden-{row.review.id}"
        form.reason.label.text = _("Reden om %(name)s te bewaren", name=row.review.contact.name)
    return render_template("avg/retention.html", rows=rows, forms=forms)


@bp.route("/avg/bewaartermijn")
def retention():
    require(service.reviews_retention)
    return retention_page()


@bp.route("/avg/bewaartermijn/<int:review_id>/bewaren", methods=["POST"])
def keep(review_id):
    review = db.session.get(RetentionReview, review_id) or abort(404)
    require(service.reviews_retention)
    form = ReasonForm()
    if form.validate_on_submit() and run_service(form, lambda: service.keep(
            review, acting=current_user, reason=form.reason.data, today=local_today())) is not FAILED:
        flash(_("Besloten: de gegevens blijven een jaar bewaard."), "success")
        return redirect(url_for("avg.retention"))
    return retention_page({review.id: form})
