from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from . import service
from .forms import SearchForm

bp = Blueprint("search", __name__)

# Each kind of result pages on its own: /zoeken?zoek=…&pagina_organisaties=2.
PAGE_PARAMETERS = {"interactions": "pagina_contactmomenten", "contacts": "pagina_contactpersonen",
                   "organisations": "pagina_organisaties"}
MAX_PAGE = 10000


def page_number(name: str) -> int:
    page = request.args.get(name, 1, type=int)
    return page if page and 1 <= page <= MAX_PAGE else 1


def page_links(terms: str, pages: dict, kind: str, group: service.Group) -> dict:
    """The previous and next page of one kind, the other kinds staying where they are."""
    def link(page):
        parameters = {PAGE_PARAMETERS[other]: number for other, number in pages.items() if number > 1}
        parameters[PAGE_PARAMETERS[kind]] = page
        if page == 1:
            del parameters[PAGE_PARAMETERS[kind]]
        return url_for("search.index", zoek=terms, **parameters, _anchor=kind)
    return {"previous": link(group.page - 1) if group.page > 1 else None,
            "next": link(group.page + 1) if group.has_next and group.page < MAX_PAGE else None}


@bp.route("/zoeken")
def index():
    form = SearchForm(formdata=request.args)
    groups, links = None, {}
    if request.args.get("zoek") and form.validate():
        terms = form.zoek.data
        pages = {kind: page_number(name) for kind, name in PAGE_PARAMETERS.items()}
        groups = {
            "interactions": service.search_interactions(current_user, terms, pages["interactions"]),
            "contacts": service.search_contacts(terms, pages["contacts"]),
            "organisations": service.search_organisations(terms, pages["organisations"]),
        }
        links = {kind: page_links(terms, pages, kind, group) for kind, group in groups.items()}
    return render_template("search/index.html", form=form, groups=groups, links=links,
                           page_size=service.PAGE_SIZE)
