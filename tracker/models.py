"""Imports every model, so that SQLAlchemy and Alembic see the whole schema."""

from .auth.models import Role, User
from .interactions.models import FollowUp, Interaction, InteractionKind, Level
from .relations.models import Contact, Organisation, OrganisationKind
from .strategy.models import (
    Arena, BidStatus, Engagement, EngagementLevel, FundingStream, IntendedRole, KeyMoment, Position,
    PositionStatus, Priority, Scale, Theme,
)

__all__ = [
    "Arena", "BidStatus", "Contact", "Engagement", "EngagementLevel", "FollowUp", "FundingStream",
    "IntendedRole", "Interaction", "InteractionKind", "KeyMoment", "Level", "Organisation",
    "OrganisationKind", "Position", "PositionStatus", "Priority", "Role", "Scale", "Theme", "User",
]
