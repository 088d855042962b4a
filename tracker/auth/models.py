from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import generate_password_hash  # noqa: F401  (some tests patch it; new hashes are Argon2)

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import db
from . import passwords


user_themes = Table(
    "user_themes", db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Role(StrEnum):
    EMPLOYEE = "medewerker"
    MANAGER = "manager"
    DIRECTOR = "directeur"
    ADMINISTRATOR = "beheerder"


class User(UserMixin, db.Model):
    """A colleague: someone who logs in, or a bestuurder who only takes part.

    Bestuurders (burgemeester, wethouders) are internal participants in
    contactmomenten and hold positions; they have no password until someone
    gives them an account.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, default=Role.EMPLOYEE)
    is_official: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # None: the default for the role (managers receive the weekly digest).
    wants_digest: Mapped[bool | None]
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session; logging out or changing the password raises it,
    # so a session cookie captured before stops working.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The identity provider's subject for single sign-on users.
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    followed_themes: Mapped[list["Theme"]] = relationship(secondary=user_themes, order_by="Theme.number")

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        """Whether the password is right; checks Argon2 hashes and the
        Werkzeug hashes made before them."""
        return passwords.verify_password(self.password_hash, password)

    @property
    def password_needs_rehash(self) -> bool:
        return passwords.needs_rehash(self.password_hash)

    @property
    def can_log_in(self) -> bool:
        return self.active and self.email is not None and (self.password_hash is not None
                                                           or self.oidc_subject is not None)

    @classmethod
    def has_login(cls):
        """SQL: the account logs in, with a password or through single sign-on."""
        return or_(cls.password_hash.is_not(None), cls.oidc_subject.is_not(None))

    @property
    def is_active(self) -> bool:
        return self.can_log_in

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def sees_all_confidential(self) -> bool:
        return self.role in (Role.MANAGER, Role.DIRECTOR)

    @property
    def edits_all_interactions(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMINISTRATOR)

    @property
    def receives_digest(self) -> bool:
        if not self.can_log_in:
            return False
        return self.role == Role.MANAGER if self.wants_digest is None else self.wants_digest

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email or self.name}>"
