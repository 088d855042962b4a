from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import db


class OrganisationKind(StrEnum):
    MINISTRY = "ministerie"
    PARLIAMENT = "parlement"
    ASSOCIATION = "vereniging"
    COMMITTEE = "commissie"
    THEME_GROUP = "themagroep"
    PLATFORM = "platform"
    CONSULTATION = "overleg"
    BOARD = "bestuur"
    NETWORK = "netwerk"
    MUNICIPALITY = "gemeente"
    PROVINCE = "provincie"
    REGION = "regio"
    PARTNERSHIP = "samenwerkingsverband"
    EUROPEAN_INSTITUTION = "europese-instelling"
    OTHER = "overig"


class Organisation(db.Model):
    """A ministry, committee, platform or other gremium Zaanstad deals with."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    abbreviation: Mapped[str | None] = mapped_column(String(50))
    kind: Mapped[OrganisationKind] = enum_column(OrganisationKind, default=OrganisationKind.OTHER)
    arena_id: Mapped[int | None] = mapped_column(ForeignKey("arenas.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    cadence_days: Mapped[int | None]
    cadence_disabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    arena: Mapped["Arena | None"] = relationship(back_populates="organisations")
    owner: Mapped["User | None"] = relationship()
    parent: Mapped["Organisation | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Organisation"]] = relationship(back_populates="parent", order_by="Organisation.name")
    contacts: Mapped[list["Contact"]] = relationship(back_populates="organisation", order_by="Contact.name")
    engagements: Mapped[list["Engagement"]] = relationship(
        secondary="engagement_organisations", back_populates="organisations")
    positions: Mapped[list["Position"]] = relationship(back_populates="organisation")

    @property
    def display_name(self) -> str:
        if self.abbreviation and self.abbreviation not in self.name:
            return f"{self.name} ({self.abbreviation})"
        return self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


# Words in a function that make its holder a public figure: politicians and bestuurders.
PUBLIC_OFFICES = ("minister", "staatssecretaris", "kamerlid", "wethouder", "burgemeester", "gedeputeerde",
                  "commissaris van de koning", "statenlid", "raadslid", "europarlement", "eurocommissaris",
                  "dijkgraaf", "heemraad", "fractievoorzitter", "bestuurder")


def is_public_office(function: str | None) -> bool:
    text = (function or "").lower()
    return any(word in text for word in PUBLIC_OFFICES)


def public_figure_by_function(context) -> bool:
    """The column default: a contact created without the flag gets it from its function."""
    return is_public_office(context.get_current_parameters().get("function"))


class Contact(db.Model):
    """An external person: a minister, Kamerlid, wethouder elsewhere, official."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    function: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)
    cadence_days: Mapped[int | None]
    cadence_disabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A politician or bestuurder: named in a Woo export. Unless set, it
    # follows the function the contact is created with.
    public_figure: Mapped[bool] = mapped_column(default=public_figure_by_function, server_default=false())
    # Set when the person's data were removed under the AVG; the record stays
    # so that the contactmomenten keep their participant.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="contacts")
    owner: Mapped["User | None"] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.function}" if self.function else self.name

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.name}>"
