"""Imports every model, so that SQLAlchemy and Alembic see the whole schema."""

from .admin.models import Setting
from .audit.models import AuditEvent
from .auth.models import Role, User
from .digest.models import OutboxMessage, OutboxStatus
from .interactions.models import FollowUp, Interaction, InteractionKind, Level
from .neglect.models import FlagAction, FlagStatus, FlagSubject, NeglectFlag, NeglectFlagEvent
from .relations.models import Contact, Organisation, OrganisationKind
from .scheduler.models import JobRun, SchedulerLock
from .strategy.models import (
    Arena, BidStatus, Engagement, EngagementLevel, FundingStream, IntendedRole, KeyMoment, Position,
    PositionStatus, Priority, PriorityStatus, PriorityStatusChange, Scale, Theme,
)

__all__ = [
    "Arena", "AuditEvent", "BidStatus", "Contact", "Engagement", "EngagementLevel", "FlagAction", "FlagStatus", "FlagSubject",
    "FollowUp", "FundingStream", "IntendedRole", "Interaction", "InteractionKind", "JobRun", "KeyMoment", "Level",
    "NeglectFlag", "NeglectFlagEvent", "Organisation", "OrganisationKind", "OutboxMessage", "OutboxStatus",
    "Position", "PositionStatus", "Priority", "PriorityStatus", "PriorityStatusChange", "Role", "Scale",
    "SchedulerLock", "Setting", "Theme", "User",
]
