"""What the API serves: per resource its query, its filters and its fields.

The routes answer from these declarations and tracker/api/openapi.py builds
the OpenAPI document from the same ones, so a field or filter cannot be
served without being described (tests/test_api_schema.py checks the rest).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from enum import Enum
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, false, or_, select
from sqlalchemy.orm import selectinload

from ..formatting import local_zone
from ..forms import MAX_ID
from ..interactions.models import (
    FollowUp, Interaction, InteractionKind, Level, interaction_organisations, interaction_priorities,
)
from ..neglect.models import FlagStatus, FlagSubject, NeglectFlag
from ..relations.models import Organisation, OrganisationKind
from ..strategy.models import (
    Engagement, EngagementLevel, IntendedRole, KeyMoment, Priority, PriorityStatus, Theme,
)

# Dates outside these years are refused: the database and the time zone
# arithmetic have limits, and no contactmoment lies there.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class BadParameter(ValueError):
    """A query parameter the API cannot use; the message says why, in Dutch."""

    def __init__(self, parameter: str, message):
        super().__init__(str(message))
        self.parameter = parameter
        self.message = message


# --- Fields --------------------------------------------------------------------------------------------------------

SCHEMAS = {
    "integer": {"type": "integer"},
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "date-time": {"type": "string", "format": "date-time"},
    "integer[]": {"type": "array", "items": {"type": "integer"}},
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str                              # a key of SCHEMAS
    description: str
    nullable: bool = False
    enum: type[Enum] | None = None
    get: Callable[[Any], Any] | None = None  # default: the attribute of the same name

    def value(self, obj):
        value = self.get(obj) if self.get else getattr(obj, self.name)
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, datetime):
            return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
        if isinstance(value, date):
            return value.isoformat()
        return value

    def schema(self) -> dict:
        schema = dict(SCHEMAS[self.kind])
        if self.enum is not None:
            schema["enum"] = [member.value for member in self.enum]
        if self.nullable:
            schema["type"] = [schema["type"], "null"]
            if "enum" in schema:
                schema["enum"] = [*schema["enum"], None]
        return {**schema, "description": self.description}


def ids(attribute: str) -> Callable:
    return lambda obj: sorted(item.id for item in getattr(obj, attribute))


# --- Filters -------------------------------------------------------------------------------------------------------

def parse_date(parameter: str, text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadParameter(parameter, _l("Geef bij %(name)s een datum als JJJJ-MM-DD, bijvoorbeeld 2026-03-31.",
                                         name=parameter)) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadParameter(parameter, _l("Geef bij %(name)s een datum tussen %(first)s en %(last)s.",
                                         name=parameter, first=FIRST_YEAR, last=LAST_YEAR))
    return day


def parse_id(parameter: str, text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise BadParameter(parameter, _l("Geef bij %(name)s een nummer (id) van 1 tot en met %(max)s.",
                                         name=parameter, max=MAX_ID))
    return int(text)


def parse_choice(enum: type[Enum]) -> Callable[[str, str], Enum]:
    def parse(parameter: str, text: str):
        try:
            return enum(text)
        except ValueError:
            raise BadParameter(parameter, _l("Kies bij %(name)s een van: %(choices)s.", name=parameter,
                                             choices=", ".join(member.value for member in enum))) from None
    return parse


def start_of(day: date) -> datetime:
    """The first UTC moment of a local day."""
    return datetime.combine(day, time(), tzinfo=local_zone()).astimezone(timezone.utc)


@dataclass(frozen=True)
class Filter:
    name: str
    description: str
    schema: dict
    parse: Callable[[str, str], Any]
    condition: Callable[[Any], Any]


def id_filter(name: str, description: str, condition: Callable[[int], Any]) -> Filter:
    return Filter(name, description, {"type": "integer", "minimum": 1, "maximum": MAX_ID}, parse_id, condition)


def choice_filter(name: str, description: str, enum: type[Enum], condition: Callable[[Enum], Any]) -> Filter:
    return Filter(name, description, {"type": "string", "enum": [member.value for member in enum]},
                  parse_choice(enum), condition)


def period_filters(column, what: str) -> list[Filter]:
    return [
        Filter("since", f"Alleen {what} op of na deze dag (JJJJ-MM-DD, in Nederlandse tijd).",
               SCHEMAS["date"], parse_date, lambda day: column >= start_of(day)),
        Filter("until", f"Alleen {what} op of vóór deze dag (JJJJ-MM-DD, in Nederlandse tijd; de dag telt mee).",
               SCHEMAS["date"], parse_date, lambda day: column < start_of(date.fromordinal(day.toordinal() + 1))),
    ]


# --- Resources -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Resource:
    path: str                   # the URL segment under /api/v1
    singular: str               # the schema's name in the OpenAPI document
    summary: str                # Dutch, for the document
    model: type
    fields: list[Field]
    filters: list[Filter] = field(default_factory=list)
    # Conditions every query carries: what the API never shows.
    scope: Callable[[], list] = lambda: []
    options: Callable[[], list] = lambda: []

    def query(self):
        return select(self.model).where(*self.scope()).options(*self.options())


def public_interaction():
    return Interaction.confidential == false()


def public_flag():
    """No flag about a follow-up of a confidential contactmoment."""
    return or_(NeglectFlag.follow_up_id.is_(None), exists().where(
        FollowUp.id == NeglectFlag.follow_up_id, Interaction.id == FollowUp.interaction_id, public_interaction()))


THEMES = Resource(
    "opgaven", "Opgave", "Opgaven: de maatschappelijke opgaven van de strategie", Theme, [
        Field("id", "integer", "Nummer van de opgave in de Lobbytracker."),
        Field("number", "integer", "Volgnummer in de strategie."),
        Field("name", "string", "Korte naam."),
        Field("title", "string", "Titel in de strategie."),
        Field("central", "boolean", "Of de opgave centraal in de strategie staat."),
    ])

PRIORITIES = Resource(
    "prioriteiten", "Prioriteit", "Strategische prioriteiten per opgave", Priority, [
        Field("id", "integer", "Nummer van de prioriteit in de Lobbytracker."),
        Field("theme_id", "integer", "De opgave waaronder de prioriteit valt."),
        Field("number", "integer", "Volgnummer binnen de opgave."),
        Field("code", "string", "Opgave en volgnummer, zoals 2.3.",
              get=lambda priority: f"{priority.theme.number}.{priority.number}"),
        Field("title", "string", "Titel."),
        Field("text", "string", "Toelichting uit de strategie."),
        Field("monitor_only", "boolean", "Alleen monitoren, geen actieve lobby."),
        Field("status", "string", "De laatst vastgestelde status.", nullable=True, enum=PriorityStatus),
        Field("status_changed_at", "date-time", "Wanneer de status het laatst is vastgesteld (UTC).",
              nullable=True),
    ],
    filters=[id_filter("theme_id", "Alleen prioriteiten van deze opgave.", lambda value: Priority.theme_id == value)],
    options=lambda: [selectinload(Priority.theme)])

ENGAGEMENTS = Resource(
    "inzet", "Inzet", "Inzet: wat de strategie per netwerk en opgave wil", Engagement, [
        Field("id", "integer", "Nummer van de inzet in de Lobbytracker."),
        Field("theme_id", "integer", "De opgave."),
        Field("arena_id", "integer", "Het netwerk (arena)."),
        Field("arena", "string", "Naam van het netwerk.", get=lambda engagement: engagement.arena.name),
        Field("number", "integer", "Volgnummer binnen de opgave."),
        Field("heading", "string", "Kop."),
        Field("text", "string", "Tekst uit de strategie."),
        Field("role", "string", "De beoogde rol van de gemeente.", nullable=True, enum=IntendedRole),
        Field("level", "string", "Het beoogde niveau.", nullable=True, enum=EngagementLevel),
        Field("organisation_ids", "integer[]", "De organisaties (gremia) van deze inzet.", get=ids("organisations")),
        Field("priority_ids", "integer[]", "De prioriteiten die deze inzet dient.", get=ids("priorities")),
    ],
    filters=[id_filter("theme_id", "Alleen inzet voor deze opgave.", lambda value: Engagement.theme_id == value)],
    options=lambda: [selectinload(Engagement.arena), selectinload(Engagement.organisations),
                     selectinload(Engagement.priorities)])

ORGANISATIONS = Resource(
    "organisaties", "Organisatie", "Organisaties en gremia", Organisation, [
        Field("id", "integer", "Nummer van de organisatie in de Lobbytracker."),
        Field("name", "string", "Naam."),
        Field("abbreviation", "string", "Afkorting.", nullable=True),
        Field("kind", "string", "Soort organisatie.", enum=OrganisationKind),
        Field("arena_id", "integer", "Het netwerk (arena) waartoe de organisatie hoort.", nullable=True),
        Field("parent_id", "integer", "De organisatie waar deze onder valt.", nullable=True),
        Field("website", "string", "Website.", nullable=True),
        Field("cadence_days", "integer", "Eigen ritme in dagen, als dat is ingesteld.", nullable=True),
    ],
    filters=[id_filter("arena_id", "Alleen organisaties in dit netwerk.",
                       lambda value: Organisation.arena_id == value)])

INTERACTIONS = Resource(
    "contactmomenten", "Contactmoment",
    "Contactmomenten; vertrouwelijke contactmomenten staan er nooit in, voor niemand", Interaction, [
        Field("id", "integer", "Nummer van het contactmoment in de Lobbytracker."),
        Field("occurred_at", "date-time", "Wanneer het plaatsvond (UTC)."),
        Field("kind", "string", "Soort contact.", enum=InteractionKind),
        Field("level", "string", "Op welk niveau de gemeente sprak.", enum=Level),
        Field("subject", "string", "Onderwerp."),
        Field("summary", "string", "Samenvatting."),
        Field("outcome", "string", "Uitkomst en afspraken."),
        Field("author_id", "integer", "De collega die het vastlegde."),
        Field("author", "string", "Naam van die collega.", get=lambda interaction: interaction.author.name),
        Field("organisation_ids", "integer[]", "De organisaties waarmee contact was.", get=ids("organisations")),
        Field("priority_ids", "integer[]", "De prioriteiten waaraan het bijdroeg.", get=ids("priorities")),
        Field("theme_ids", "integer[]", "De opgaven van die prioriteiten.",
              get=lambda interaction: sorted({priority.theme_id for priority in interaction.priorities})),
    ],
    filters=[
        *period_filters(Interaction.occurred_at, "contactmomenten"),
        id_filter("theme_id", "Alleen contactmomenten voor een prioriteit van deze opgave.",
                  lambda value: exists().where(interaction_priorities.c.interaction_id == Interaction.id,
                                               interaction_priorities.c.priority_id == Priority.id,
                                               Priority.theme_id == value)),
        id_filter("priority_id", "Alleen contactmomenten voor deze prioriteit.",
                  lambda value: exists().where(interaction_priorities.c.interaction_id == Interaction.id,
                                               interaction_priorities.c.priority_id == value)),
        id_filter("organisation_id", "Alleen contactmomenten met deze organisatie.",
                  lambda value: exists().where(interaction_organisations.c.interaction_id == Interaction.id,
                                               interaction_organisations.c.organisation_id == value)),
        choice_filter("kind", "Alleen deze soort contact.", InteractionKind, lambda value: Interaction.kind == value),
        choice_filter("level", "Alleen dit niveau.", Level, lambda value: Interaction.level == value),
    ],
    scope=lambda: [public_interaction()],
    options=lambda: [selectinload(Interaction.author), selectinload(Interaction.organisations),
                     selectinload(Interaction.priorities)])

FLAGS = Resource(
    "signaleringen", "Signalering",
    "Signaleringen: relaties die binnen hun ritme geen aandacht kregen en verlopen acties "
    "(niet die van vertrouwelijke contactmomenten)", NeglectFlag, [
        Field("id", "integer", "Nummer van de signalering."),
        Field("subject", "string", "Waarover: een organisatie, contactpersoon of actie.", enum=FlagSubject),
        Field("organisation_id", "integer", "De organisatie, bij een signalering over een organisatie.",
              nullable=True),
        Field("contact_id", "integer", "De contactpersoon, bij een signalering over een contactpersoon.",
              nullable=True),
        Field("follow_up_id", "integer", "De actie, bij een verlopen actie.", nullable=True),
        Field("status", "string", "Open, gesnoozed of opgelost.", enum=FlagStatus),
        Field("neglected_since", "date", "Sinds wanneer de relatie aandacht nodig heeft."),
        Field("days_overdue", "integer", "Dagen over het ritme heen."),
        Field("cadence_days", "integer", "Het ritme in dagen.", nullable=True),
        Field("last_contact_at", "date-time", "Het laatste contactmoment met de relatie (UTC).", nullable=True),
        Field("theme_ids", "integer[]", "De opgaven waarvoor de relatie telt.",
              get=lambda flag: sorted(flag.theme_ids or [])),
        Field("priority_ids", "integer[]", "De prioriteiten waarvoor de relatie telt.",
              get=lambda flag: sorted(flag.priority_ids or [])),
        Field("raised_on", "date", "De dag waarop de signalering ontstond."),
        Field("snoozed_until", "date", "Gesnoozed tot en met deze dag.", nullable=True),
        Field("resolved_at", "date-time", "Wanneer de signalering is opgelost (UTC).", nullable=True),
    ],
    filters=[choice_filter("status", "Alleen signaleringen met deze status.", FlagStatus,
                           lambda value: NeglectFlag.status == value),
             choice_filter("subject", "Alleen signaleringen over deze soort relatie.", FlagSubject,
                           lambda value: NeglectFlag.subject == value)],
    scope=lambda: [public_flag()])

KEY_MOMENTS = Resource(
    "belangrijke-momenten", "BelangrijkMoment",
    "Belangrijke momenten: debatten, begrotingsrondes en vergaderingen waar invloed telt", KeyMoment, [
        Field("id", "integer", "Nummer van het moment."),
        Field("starts_at", "date-time", "Wanneer het begint (UTC)."),
        Field("title", "string", "Titel."),
        Field("organisation_id", "integer", "De organisatie.", nullable=True),
        Field("arena_id", "integer", "Het netwerk.", nullable=True),
    ],
    filters=period_filters(KeyMoment.starts_at, "momenten"))

RESOURCES = [THEMES, PRIORITIES, ENGAGEMENTS, ORGANISATIONS, INTERACTIONS, FLAGS, KEY_MOMENTS]
