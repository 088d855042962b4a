"""Dutch labels for the values of every enum users see."""

from flask_babel import lazy_gettext as _l

from .auth.models import Role
from .interactions.models import InteractionKind, Level
from .neglect.models import FlagAction, FlagStatus, FlagSubject
from .relations.models import OrganisationKind
from .stakeholders.models import Attitude, Influence, StakeholderAction
from .strategy.models import BidStatus, EngagementLevel, IntendedRole, PositionStatus, PriorityStatus, Scale

LABELS = {
    Influence: {
        Influence.LOW: _l("Laag"),
        Influence.MEDIUM: _l("Midden"),
        Influence.HIGH: _l("Hoog"),
    },
    Attitude: {
        Attitude.AGAINST: _l("Tegen"),
        Attitude.NEUTRAL: _l("Neutraal"),
        Attitude.FOR: _l("Voor"),
        Attitude.UNKNOWN: _l("Onbekend"),
    },
    StakeholderAction: {
        StakeholderAction.ADDED: _l("Toegevoegd"),
        StakeholderAction.CHANGED: _l("Gewijzigd"),
        StakeholderAction.REMOVED: _l("Verwijderd"),
    },
    FlagStatus: {
        FlagStatus.OPEN: _l("Open"),
        FlagStatus.SNOOZED: _l("Gesnoozed"),
        FlagStatus.RESOLVED: _l("Opgelost"),
    },
    FlagSubject: {
        FlagSubject.ORGANISATION: _l("Organisatie"),
        FlagSubject.CONTACT: _l("Contactpersoon"),
        FlagSubject.FOLLOW_UP: _l("Actie"),
    },
    FlagAction: {
        FlagAction.RAISED: _l("Gesignaleerd"),
        FlagAction.SNOOZED: _l("Gesnoozed"),
        FlagAction.REOPENED: _l("Heropend"),
        FlagAction.ASSIGNED: _l("Toegewezen"),
        FlagAction.RESOLVED: _l("Opgelost"),
    },
    PriorityStatus: {
        PriorityStatus.ON_TRACK: _l("Op koers"),
        PriorityStatus.NEEDS_ATTENTION: _l("Aandacht nodig"),
        PriorityStatus.AT_RISK: _l("Risico"),
        PriorityStatus.ACHIEVED: _l("Bereikt"),
        PriorityStatus.MONITOR_ONLY: _l("Alleen monitoren"),
    },
    Role: {
        Role.EMPLOYEE: _l("Medewerker"),
        Role.MANAGER: _l("Manager"),
        Role.DIRECTOR: _l("Directeur"),
        Role.ADMINISTRATOR: _l("Beheerder"),
    },
    InteractionKind: {
        InteractionKind.MEETING: _l("Overleg"),
        InteractionKind.CALL: _l("Telefonisch"),
        InteractionKind.EMAIL: _l("E-mail"),
        InteractionKind.LETTER: _l("Brief of position paper"),
        InteractionKind.WORKING_VISIT: _l("Werkbezoek"),
        InteractionKind.EVENT: _l("Bijeenkomst"),
        InteractionKind.DEBATE: _l("Debat of rondetafel"),
        InteractionKind.INFORMAL: _l("Informeel"),
    },
    Level: {
        Level.POLITICAL: _l("Bestuurlijk"),
        Level.SENIOR_OFFICIAL: _l("Hoogambtelijk"),
        Level.OFFICIAL: _l("Ambtelijk"),
    },
    EngagementLevel: {
        EngagementLevel.POLITICAL: _l("Bestuurlijk"),
        EngagementLevel.OFFICIAL: _l("Ambtelijk"),
        EngagementLevel.SENIOR_OFFICIAL: _l("Hoogambtelijk"),
        EngagementLevel.POLITICAL_AND_OFFICIAL: _l("Bestuurlijk en ambtelijk"),
        EngagementLevel.POLITICAL_AND_SENIOR_OFFICIAL: _l("Bestuurlijk en (hoog)ambtelijk"),
    },
    IntendedRole: {
        IntendedRole.CHAIR: _l("Voorzitter"),
        IntendedRole.VICE_CHAIR: _l("Vicevoorzitter"),
        IntendedRole.PIONEER: _l("Voortrekker"),
        IntendedRole.LEAD: _l("Trekker"),
        IntendedRole.MEMBER: _l("Lid"),
        IntendedRole.ACTIVE_PARTICIPANT: _l("Actief deelnemer"),
        IntendedRole.NO_LEADING_ROLE: _l("Geen voortrekkersrol"),
        IntendedRole.MONITOR: _l("Alleen monitoren"),
    },
    PositionStatus: {
        PositionStatus.WANTED: _l("Beoogd"),
        PositionStatus.HELD: _l("Verkregen"),
        PositionStatus.NOT_OBTAINED: _l("Niet verkregen"),
        PositionStatus.ENDED: _l("Beëindigd"),
    },
    BidStatus: {
        BidStatus.EXPLORING: _l("Verkennen"),
        BidStatus.PREPARING: _l("In voorbereiding"),
        BidStatus.SUBMITTED: _l("Ingediend"),
        BidStatus.GRANTED: _l("Toegekend"),
        BidStatus.REJECTED: _l("Afgewezen"),
    },
    Scale: {
        Scale.LOCAL: _l("Lokaal"),
        Scale.REGIONAL: _l("Regionaal"),
        Scale.NATIONAL: _l("Landelijk"),
        Scale.EUROPEAN: _l("Europees"),
    },
    OrganisationKind: {
        OrganisationKind.MINISTRY: _l("Ministerie"),
        OrganisationKind.PARLIAMENT: _l("Parlement"),
        OrganisationKind.ASSOCIATION: _l("Vereniging"),
        OrganisationKind.COMMITTEE: _l("Commissie"),
        OrganisationKind.THEME_GROUP: _l("Themagroep"),
        OrganisationKind.PLATFORM: _l("Platform"),
        OrganisationKind.CONSULTATION: _l("Overleg"),
        OrganisationKind.BOARD: _l("Bestuur"),
        OrganisationKind.NETWORK: _l("Netwerk"),
        OrganisationKind.MUNICIPALITY: _l("Gemeente"),
        OrganisationKind.PROVINCE: _l("Provincie"),
        OrganisationKind.REGION: _l("Regio"),
        OrganisationKind.PARTNERSHIP: _l("Samenwerkingsverband"),
        OrganisationKind.EUROPEAN_INSTITUTION: _l("Europese instelling"),
        OrganisationKind.OTHER: _l("Overig"),
    },
}


def label(value) -> str:
    """The Dutch label of an enum value; empty for None."""
    if value is None:
        return ""
    return str(LABELS[type(value)][value])


def choices(enum_class) -> list[tuple[str, str]]:
    """(value, label) pairs for a select field, in the enum's order."""
    return list((member.value, text) for member, text in LABELS[enum_class].items())
