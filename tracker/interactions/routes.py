from datetime import datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import NotAllowed
from ..extensions import db
from ..formatting import from_local, local_today, local_zone, to_local
from ..forms import MAX_ID, as_choices, chosen_choices, picker_searching
from ..views import FAILED, run_service
from ..strategy.service import offer_priorities
from ..auth.service import colleague_choices
from ..audit import service as audit
from ..search import service as search
from ..capture import drafts, prefill
from ..capture.parse import MAX_FILE_BYTES, Capture, CaptureError, parse_file
from ..main.errors import render_error
from . import export, filters, service
from .forms import CaptureUploadForm, DeleteForm, InteractionForm
from .models import FollowUp, Interaction, InteractionKind, Level

bp = Blueprint("interactions", __name__, url_prefix="/contactmomenten")


def populate_choices(form: InteractionForm) -> dict:
    """Fills the form's lists; returns the priorities grouped by opgave."""
    # Contacts and organisations are chosen by search (PickerField); the new
    # contact's organisation among the organisations chosen, read when used.
    form.new_contact_organisation_id.choices = lambda: chosen_choices(
        form.organisation_ids, form.new_contact_organisation_id, blank=_("— geen —"))
    colleagues = colleague_choices()
    form.participant_ids.choices = as_choices(colleagues)
    for entry in form.follow_ups:
        entry.form.owner_id.choices = as_choices(colleagues, blank=_("— kies —"))
    grouped = offer_priorities(form.priority_ids)
    prefill.offer_organisations(form)
    return grouped


def form_to_data(form: InteractionForm) -> service.InteractionData:
    follow_ups, removed = [], []
    for entry in (field.form for field in form.follow_ups):
        if entry.is_blank:
            continue
        if entry.remove.data or not entry.description.data:
            if entry.id.data:
                removed.append(entry.id.data)
            continue
        follow_ups.append(service.FollowUpData(
            id=entry.id.data, description=entry.description.data, owner_id=entry.owner_id.data,
            due_date=entry.due_date.data))
    new_contact = None
    if form.new_contact_name.data:
        new_contact = service.NewContactData(
            name=form.new_contact_name.data, function=form.new_contact_function.data,
            organisation_id=form.new_contact_organisation_id.data, email=form.new_contact_email.data)
    offered = [service.NewContactData(name=entry.name.data, function=entry.function.data,
                                      organisation_id=entry.organisation_id.data, email=entry.email.data)
               for entry in (field.form for field in form.new_contacts) if entry.add.data]
    return service.InteractionData(
        new_contacts=offered,
        occurred_at=from_local(form.occurred_on.data, form.occurred_time.data),
        kind=InteractionKind(form.kind.data), level=Level(form.level.data), subject=form.subject.data,
        summary=form.summary.data or "", outcome=form.outcome.data or "", confidential=form.confidential.data,
        contact_ids=form.contact_ids.data or [], organisation_ids=form.organisation_ids.data or [],
        participant_ids=form.participant_ids.data or [], priority_ids=form.priority_ids.data or [],
        follow_ups=follow_ups, removed_follow_up_ids=removed, new_contact=new_contact)


def ids_from_query(name: str) -> list[int]:
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    return [int(value) for value in request.args.getlist(name) if value.isdecimal()]


def get_visible(interaction_id: int) -> Interaction:
    interaction = service.load_for_page(interaction_id)
    if interaction is None:
        abort(404)
    if not service.can_view(current_user, interaction):
        abort(403)
    return interaction


def save(form: InteractionForm, interaction: Interaction | None):
    """Stores the form in one transaction, or returns FAILED. A new contactmoment
    filled from a mailbox draft settles that draft in the same transaction."""
    def action():
        saved = service.save_interaction(form_to_data(form), current_user, interaction)
        if interaction is None and form.draft_id.data is not None:
            drafts.confirm(form.draft_id.data, current_user, saved)
        return saved
    return run_service(form, action)


def list_filters() -> tuple[filters.FilterForm, filters.Filters, bool]:
    """The list's filter form, the valid filters in it, and whether only the user's own are asked."""
    form = filters.FilterForm(formdata=request.args)
    filters.populate(form)
    mine = request.args.get("van") == "mij"
    return form, filters.read(form, author=current_user if mine else None), mine


def filter_query(form: filters.FilterForm) -> dict:
    """The filters as they stand in the URL, for the paging and export links."""
    names = [field.name for field in form] + ["van"]
    return {name: request.args.getlist(name) for name in names if name in request.args}


@bp.route("/")
def index():
    page = request.args.get("pagina", 1, type=int)
    page = page if page and 1 <= page <= 100000 else 1
    form, chosen, mine = list_filters()
    conditions = filters.conditions(chosen)
    interactions = service.latest_visible(current_user, *conditions, limit=service.PAGE_SIZE + 1,
                                          offset=(page - 1) * service.PAGE_SIZE)
    has_next = len(interactions) > service.PAGE_SIZE
    total, more = search.count_interactions(current_user, filters.conditions(chosen, with_terms=False),
                                            chosen.terms)
    query = filter_query(form)
    return render_template("interactions/index.html", interactions=interactions[:service.PAGE_SIZE],
                           page=page, has_next=has_next, mine=mine, form=form, total=total, more=more, query=query,
                           filtered=bool(chosen.as_dict()), export_limit=export.EXPORT_LIMIT)


EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", export.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.to_xlsx),
}


@bp.route("/export.<any(csv, xlsx):file_format>")
def export_list(file_format):
    """The filtered list as a file; only valid filters apply, as on the page."""
    form, chosen, _mine = list_filters()
    conditions = filters.conditions(chosen)
    _total, more = search.count_interactions(current_user, filters.conditions(chosen, with_terms=False),
                                             chosen.terms, limit=export.EXPORT_LIMIT)
    if more:
        flash(_("Er zijn meer dan %(max)s contactmomenten; verfijn de filters en exporteer opnieuw.",
                max=f"{export.EXPORT_LIMIT:,}".replace(",", ".")), "error")
        return redirect(url_for("interactions.index", **filter_query(form)))
    mimetype, make = EXPORT_FORMATS[file_format]
    content, rows = make(current_user, conditions)
    audit.record(audit.EXPORT, "interactions", note=f"contactmomenten ({file_format.upper()})",
                 changes={"formaat": file_format, "aantal": rows, **chosen.as_dict()})
    filename = f"contactmomenten-{local_today().isoformat()}.{file_format}"
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


@bp.route("/nieuw", methods=["GET", "POST"])
def create():
    if request.method == "GET" and "concept" in request.args:
        return draft_form(request.args["concept"])
    form = InteractionForm()
    grouped = populate_choices(form)
    if request.method == "GET":
        set_now(form)
        form.organisation_ids.data = ids_from_query("organisatie")
        form.contact_ids.data = ids_from_query("contactpersoon")
        form.priority_ids.data = ids_from_query("prioriteit")
    if not picker_searching(form) and form.validate_on_submit():
        interaction = save(form, None)
        if interaction is not FAILED:
            flash(_("Het contactmoment is vastgelegd."), "success")
            return redirect(url_for("interactions.show", interaction_id=interaction.id))
    return render_template("interactions/form.html", form=form, grouped=grouped, interaction=None,
                           upload_form=CaptureUploadForm(formdata=None))


def set_now(form: InteractionForm) -> None:
    """A new contactmoment starts at today's date and the last quarter hour."""
    now = datetime.now(local_zone())
    form.occurred_on.data = local_today()
    form.occurred_time.data = (now - timedelta(minutes=now.minute % 15)).time().replace(second=0, microsecond=0)


def render_captured(capture: Capture, *, source: str, draft_id: int | None = None,
                    upload_form: CaptureUploadForm | None = None):
    """The new-contactmoment form filled in from an invitation or e-mail, for
    the user to check: nothing is stored until they save it. `source` names
    where it came from (the file's name, or the mailbox)."""
    form = InteractionForm(formdata=None)
    set_now(form)
    unknown = prefill.fill_form(form, capture)
    form.draft_id.data = draft_id
    grouped = populate_choices(form)
    notice = {"source": source[:120], "left_out": unknown[len(form.new_contacts):],
              "future": capture.starts_at is not None and capture.starts_at > datetime.now(local_zone())}
    return render_template("interactions/form.html", form=form, grouped=grouped, interaction=None,
                           upload_form=upload_form or CaptureUploadForm(formdata=None), captured=notice)


def render_refused(upload_form: CaptureUploadForm, status: int = 200):
    """The blank new-contactmoment form, with the upload's error next to the file field."""
    form = InteractionForm(formdata=None)
    set_now(form)
    grouped = populate_choices(form)
    return render_template("interactions/form.html", form=form, grouped=grouped, interaction=None,
                           upload_form=upload_form), status


@bp.route("/inlezen", methods=["POST"])
def read_file():
    """Reads an uploaded invitation or e-mail into the form; stores nothing."""
    if "subject" in request.form and not request.files:
        # The filled-in logging form posted back here (a picker's search button
        # posts to the page's own address): it is the logging form's request.
        return create()
    upload_form = CaptureUploadForm()
    if upload_form.validate_on_submit():
        upload = upload_form.file.data
        try:
            capture = parse_file(upload.filename or "", upload.read(MAX_FILE_BYTES + 1))
        except CaptureError as error:
            upload_form.file.errors = [str(error)]
        else:
            return render_captured(capture, source=upload.filename or _("het bestand"), upload_form=upload_form)
    return render_refused(upload_form)


@bp.errorhandler(413)
def too_large(error):
    # The whole request is refused before the view runs; say so next to the file field.
    if request.endpoint != "interactions.read_file":
        return render_error(413)
    db.session.rollback()
    upload_form = CaptureUploadForm(formdata=None)
    upload_form.file.errors = [_("Het bestand is groter dan 2 MB. Sla alleen de uitnodiging of het bericht op, "
                                 "zonder grote bijlagen.")]
    return render_refused(upload_form, 413)


def draft_form(value: str):
    """/contactmomenten/nieuw?concept=<id>: a draft from the inbound mailbox, the user's own and still open."""
    draft_id = int(value) if value.isdecimal() and len(value) <= 10 and int(value) <= MAX_ID else None
    capture = drafts.capture_for(current_user, draft_id) if draft_id is not None else None
    if capture is None:
        abort(404)
    return render_captured(capture, source=_("het bericht dat u naar de postbus stuurde"), draft_id=draft_id)


@bp.route("/<int:interaction_id>")
def show(interaction_id):
    interaction = get_visible(interaction_id)
    return render_template("interactions/show.html", interaction=interaction,
                           can_edit=service.can_edit(current_user, interaction))


@bp.route("/<int:interaction_id>/bewerken", methods=["GET", "POST"])
def edit(interaction_id):
    interaction = get_visible(interaction_id)
    if not service.can_edit(current_user, interaction):
        abort(403)
    form = InteractionForm(obj=interaction if request.method == "GET" else None)
    if request.method == "GET":
        local = to_local(interaction.occurred_at)
        form.occurred_on.data, form.occurred_time.data = local.date(), local.time().replace(second=0)
        form.contact_ids.data = [contact.id for contact in interaction.contacts]
        form.organisation_ids.data = [organisation.id for organisation in interaction.organisations]
        form.participant_ids.data = [user.id for user in interaction.participants]
        form.priority_ids.data = [priority.id for priority in interaction.priorities]
        while len(form.follow_ups):
            form.follow_ups.pop_entry()
        for follow_up in [*interaction.follow_ups, None]:
            form.follow_ups.append_entry(follow_up_entry(follow_up))
    grouped = populate_choices(form)
    if not picker_searching(form) and form.validate_on_submit():
        if save(form, interaction) is not FAILED:
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("interactions.show", interaction_id=interaction.id))
    return render_template("interactions/form.html", form=form, grouped=grouped, interaction=interaction)


def follow_up_entry(follow_up: FollowUp | None) -> dict:
    if follow_up is None:
        return {}
    return {"id": follow_up.id, "description": follow_up.description, "owner_id": follow_up.owner_id,
            "due_date": follow_up.due_date}


@bp.route("/<int:interaction_id>/verwijderen", methods=["GET", "POST"])
def delete(interaction_id):
    interaction = get_visible(interaction_id)
    if not service.can_edit(current_user, interaction):
        abort(403)
    form = DeleteForm()
    if form.validate_on_submit():
        service.delete_interaction(interaction, current_user)
        db.session.commit()
        flash(_("Het contactmoment is verwijderd."), "success")
        return redirect(url_for("main.home"))
    return render_template("interactions/delete.html", interaction=interaction, form=form)


@bp.route("/acties/<int:follow_up_id>/afgerond", methods=["POST"])
def complete_follow_up(follow_up_id):
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None:
        abort(404)
    if not DeleteForm().validate_on_submit():
        abort(400)
    try:
        service.complete_follow_up(follow_up, current_user)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    db.session.commit()
    flash(_("De actie is afgerond."), "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("main.home"))
