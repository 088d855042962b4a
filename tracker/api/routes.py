"""The reporting API: read-only JSON under /api/v1, for a personal access
token in `Authorization: Bearer <token>`.

It never looks at the session cookie: a logged-in browser without a token
gets 401 like anyone else, and no answer sets a cookie. Every answer is
JSON, errors included (tracker/main/errors.py hands those of /api/v1 here).
"""

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from ..database import WRITE_TRANSACTION, utcnow
from ..extensions import csrf, db
from ..forms import MAX_ID
from . import PREFIX, service
from .errors import json_error
from .openapi import document
from .resources import RESOURCES, BadParameter, Resource

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)  # GET only; a token, not a cookie, says who asks

PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    credentials = request.authorization
    if credentials is None or credentials.type != "bearer" or not credentials.token:
        return json_error(401)
    token = service.find_working_token(credentials.token)
    if token is None:
        return json_error(401, _l("Dit token werkt niet (meer): het is onjuist, ingetrokken of verlopen, of de "
                                  "gebruiker is uitgeschakeld. Maak een nieuw token onder Mijn instellingen."))
    # Every role reads all the API serves (nothing confidential is in it), so
    # the token's user matters only for whether it works at all.
    now = utcnow()
    if service.needs_use_recorded(token, now):
        token_id = token.id
        # A read-only request's transaction may not turn into a writing one on
        # SQLite (database.py): end it, and write in one that locks first.
        db.session.commit()
        db.session.connection(execution_options={WRITE_TRANSACTION: True})
        service.record_use(token_id, now)
        db.session.commit()
    return None


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter):
    db.session.rollback()
    return json_error(400, error.message, parameter=error.parameter)


def number(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise BadParameter(name, _l("Geef bij %(name)s een geheel getal van %(low)s tot en met %(high)s.",
                                    name=name, low=low, high=high))
    return int(text)


def page_link(**changes) -> str:
    return url_for(request.endpoint, _external=True, **{**request.args.to_dict(), **changes})


def check_parameters(known: list[str]) -> None:
    """Refuses parameters the operation does not have (a misspelt filter would
    otherwise silently give the whole list) and parameters given twice."""
    for name in request.args:
        if name not in known:
            raise BadParameter(name, _l("Onbekende parameter %(name)s. Mogelijk zijn: %(known)s.", name=name,
                                        known=", ".join(known) or _l("geen")))
        if len(request.args.getlist(name)) > 1:
            raise BadParameter(name, _l("Geef %(name)s maar één keer mee.", name=name))


def list_view(resource: Resource):
    def view():
        check_parameters(["limit", "after", *(item.name for item in resource.filters)])
        limit = number("limit", service.DEFAULT_PAGE_SIZE, 1, service.MAX_PAGE_SIZE)
        after = number("after", 0, 0, MAX_ID)
        conditions = []
        for item in resource.filters:
            text = request.args.get(item.name)
            if text is not None:
                conditions.append(item.condition(item.parse(item.name, text)))
        page = service.page_of(resource, conditions, limit, after)
        body = {
            "data": [{field.name: field.value(obj) for field in resource.fields} for obj in page.items],
            "meta": {"limit": limit, "after": after},
            "links": {"self": page_link(),
                      "next": page_link(after=page.items[-1].id) if page.has_next else None},
        }
        return jsonify(body)
    return view


def item_view(resource: Resource):
    def view(item_id: int):
        check_parameters([])
        obj = service.one_of(resource, item_id)
        if obj is None:
            abort(404)
        return jsonify({"data": {field.name: field.value(obj) for field in resource.fields}})
    return view


def endpoint_name(resource: Resource) -> str:
    return resource.path.replace("-", "_")


for _resource in RESOURCES:
    bp.add_url_rule(f"/{_resource.path}", endpoint=f"{endpoint_name(_resource)}", view_func=list_view(_resource))
    bp.add_url_rule(f"/{_resource.path}/<int:item_id>", endpoint=f"{endpoint_name(_resource)}_item",
                    view_func=item_view(_resource))


@bp.route("/openapi.json")
def openapi():
    return jsonify(document())
