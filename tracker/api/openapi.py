"""The OpenAPI 3.1 document of the API, served at /api/v1/openapi.json.

Built from the declarations in resources.py that the routes answer from;
tests/test_api_schema.py checks that it names exactly the routes the app
has and lets Schemathesis hold every answer against it.
"""

from functools import cache

from ..forms import MAX_ID
from . import PREFIX
from .resources import RESOURCES, Resource
from .service import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

DESCRIPTION = """\
Alleen-lezen toegang tot de Lobbytracker voor rapportages, bijvoorbeeld in Excel
(Power Query) of Power BI.

**Aanmelden.** Maak onder *Mijn instellingen → API-tokens* een persoonlijk
toegangstoken en stuur het mee in elke aanvraag als de kop
`Authorization: Bearer <token>`. Het token werkt met uw rol, tot u het intrekt,
het verloopt of uw account wordt uitgeschakeld.

**Bladeren.** Lijsten komen per pagina, op volgorde van `id`: `limit` (standaard
100, hoogstens 1000) en `after` (alleen wat een hoger `id` heeft; standaard 0).
De volgende pagina vraagt u met `after` = het `id` van de laatste op deze
pagina; `links.next` is dat adres, of `null` op de laatste pagina.

**Vertrouwelijk.** Vertrouwelijke contactmomenten, en signaleringen over hun
acties, staan voor niemand in de API.

**Fouten** zijn JSON met `status`, `title` en een Nederlandse `detail`; bij
een onjuiste parameter noemt `parameter` welke.
"""

ERROR = {
    "type": "object",
    "required": ["status", "title", "detail"],
    "properties": {
        "status": {"type": "integer", "description": "De HTTP-status."},
        "title": {"type": "string", "description": "Korte omschrijving van de fout."},
        "detail": {"type": "string", "description": "Wat er mis is en wat u kunt doen, in het Nederlands."},
        "parameter": {"type": "string", "description": "De parameter die niet klopt (alleen bij 400)."},
    },
    "additionalProperties": False,
}


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fout"}}}}


RESPONSES = {
    "OngeldigVerzoek": error_response("Een parameter klopt niet; `detail` zegt wat er mis is."),
    "NietAangemeld": {
        **error_response("Geen, een onjuist, ingetrokken of verlopen token, of de gebruiker is uitgeschakeld."),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
    },
    "NietGevonden": error_response("Er is niets met dit nummer (of het is vertrouwelijk)."),
}

PAGING = [
    {"name": "limit", "in": "query", "required": False,
     "description": f"Hoeveel per pagina (standaard {DEFAULT_PAGE_SIZE}, hoogstens {MAX_PAGE_SIZE}).",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}},
    {"name": "after", "in": "query", "required": False,
     "description": "Alleen wat een hoger id heeft dan dit: het id van de laatste op de vorige pagina "
                    "(standaard 0, vanaf het begin).",
     "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0}},
]


def item_schema(resource: Resource) -> dict:
    return {"type": "object", "description": resource.summary,
            "required": [field.name for field in resource.fields],
            "properties": {field.name: field.schema() for field in resource.fields},
            "additionalProperties": False}


def list_schema(resource: Resource) -> dict:
    url = {"type": "string", "format": "uri"}
    return {
        "type": "object", "required": ["data", "meta", "links"], "additionalProperties": False,
        "properties": {
            "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{resource.singular}"}},
            "meta": {"type": "object", "required": ["limit", "after"], "additionalProperties": False,
                     "properties": {"limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                                    "after": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}},
            "links": {"type": "object", "required": ["self", "next"], "additionalProperties": False,
                      "properties": {"self": url, "next": {**url, "type": ["string", "null"]}}},
        },
    }


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def operations(resource: Resource) -> dict:
    name = resource.singular
    filters = [{"name": item.name, "in": "query", "required": False, "description": item.description,
                "schema": item.schema} for item in resource.filters]
    return {
        f"{PREFIX}/{resource.path}": {"get": {
            "operationId": f"lijst{name}",
            "summary": resource.summary,
            "tags": [resource.path],
            "parameters": [*PAGING, *filters],
            "responses": {
                "200": {"description": "Een pagina.",
                        "content": json_content({"$ref": f"#/components/schemas/{name}Lijst"})},
                "400": {"$ref": "#/components/responses/OngeldigVerzoek"},
                "401": {"$ref": "#/components/responses/NietAangemeld"},
            },
        }},
        f"{PREFIX}/{resource.path}/{{item_id}}": {"get": {
            "operationId": f"een{name}",
            "summary": f"{resource.summary}: één, op nummer",
            "tags": [resource.path],
            "parameters": [{"name": "item_id", "in": "path", "required": True, "description": "Het nummer (id).",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}],
            "responses": {
                "200": {"description": "Gevonden.", "content": json_content({
                    "type": "object", "required": ["data"], "additionalProperties": False,
                    "properties": {"data": {"$ref": f"#/components/schemas/{name}"}}})},
                "400": {"$ref": "#/components/responses/OngeldigVerzoek"},
                "401": {"$ref": "#/components/responses/NietAangemeld"},
                "404": {"$ref": "#/components/responses/NietGevonden"},
            },
        }},
    }


@cache
def document() -> dict:
    paths = {}
    schemas = {"Fout": ERROR}
    for resource in RESOURCES:
        paths.update(operations(resource))
        schemas[resource.singular] = item_schema(resource)
        schemas[f"{resource.singular}Lijst"] = list_schema(resource)
    paths[f"{PREFIX}/openapi.json"] = {"get": {
        "operationId": "openapi",
        "summary": "Dit document (zonder token te lezen)",
        "tags": ["openapi"],
        "security": [],
        "responses": {"200": {"description": "Het OpenAPI-document.", "content": json_content({"type": "object"})}},
    }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lobbytracker API", "version": "1.0.0", "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": RESPONSES,
            "securitySchemes": {"token": {
                "type": "http", "scheme": "bearer",
                "description": "Een persoonlijk toegangstoken uit Mijn instellingen → API-tokens."}},
        },
        "security": [{"token": []}],
    }
