"""Imports every model, so that SQLAlchemy and Alembic see the whole schema."""

from .admin.models import Setting
from .agenda.models import CalendarFeed
from .api.models import ApiToken
from .audit.models import AuditEvent
from .auth.models import Role, User
from .capture.models import CaptureDraft, DraftStatus
from .dashboards import models as dashboards_models  # noqa: F401  (indexes on the contactmomenten)
from .avg.models import AvgAction, InformationRequest, RetentionReview
from .digest.models import OutboxMessage, OutboxStatus
from .imports.models import ImportKind, PendingImport
from .interactions.models import FollowUp, Interaction, InteractionKind, Level
from .neglect.models import FlagAction, FlagStatus, FlagSubject, NeglectFlag, NeglectFlagEvent
from .relations.models import Contact, Organisation, OrganisationKind
from .scheduler.models import JobRun, SchedulerLock
from .stakeholders.models import Attitude, Influence, Stakeholder, StakeholderAction, StakeholderChange
from .woo.models import WooExport
from .strategy.models import (
    Arena, BidStatus, Engagement, EngagementLevel, FundingStream, IntendedRole, KeyMoment, Position,
    PositionStatus, Priority, PriorityStatus, PriorityStatusChange, Scale, Theme,
)

__all__ = [
    "Attitude", "Influence", "Stakeholder", "StakeholderAction", "StakeholderChange",
    "AvgAction", "InformationRequest", "RetentionReview", "WooExport",
    "ImportKind", "PendingImport",
    "CalendarFeed",
    "CaptureDraft", "DraftStatus",
    "Arena", "AuditEvent", "BidStatus", "Contact", "Engagement", "EngagementLevel", "FlagAction", "FlagStatus", "FlagSubject",
    "FollowUp", "FundingStream", "IntendedRole", "Interaction", "InteractionKind", "JobRun", "KeyMoment", "Level",
    "NeglectFlag", "NeglectFlagEvent", "Organisation", "OrganisationKind", "OutboxMessage", "OutboxStatus",
    "Position", "PositionStatus", "Priority", "PriorityStatus", "PriorityStatusChange", "Role", "Scale",
    "SchedulerLock", "Setting", "Theme", "User",
]
