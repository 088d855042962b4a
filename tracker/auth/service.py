"""Accounts: who exists, who may log in, and creating colleagues."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..database import utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from . import passwords
from .models import Role, User

MIN_PASSWORD_LENGTH = 12


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def any_user_exists() -> bool:
    """Whether an account exists; once true it stays true, so it is cached."""
    state = current_app.extensions.setdefault("tracker", {})
    if not state.get("has_users"):
        count = db.session.scalar(select(func.count()).select_from(User).where(User.has_login()))
        state["has_users"] = bool(count)
    return state["has_users"]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The account with these credentials, if it may log in; records the
    login, and replaces an outdated password hash now that the password is
    known.

    An address without an account that logs in with a password costs the
    same hash verification as a wrong password: the timing tells nothing.
    """
    user = find_by_email(email)
    if user is None or not user.can_log_in or user.password_hash is None:
        end_read()
        passwords.waste_verification(password)
        return None
    user_id, stored = user.id, user.password_hash
    end_read()
    if not passwords.verify_password(stored, password):
        return None
    renewed = passwords.hash_password(password) if passwords.needs_rehash(stored) else None
    user = db.session.get(User, user_id)
    if user is None or not user.can_log_in or user.password_hash != stored:
        return None  # switched off or given a new password while the hash was checked
    if renewed:
        user.password_hash = renewed
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def end_read() -> None:
    """Ends the transaction that looked the account up, before the slow part:
    verifying (and renewing) a password hash takes a good part of a second, and
    on SQLite a POST's transaction holds the database's write lock from its
    first statement (tracker/database.py), which would make every other
    writer wait that long for each login. Nothing was written yet."""
    db.session.rollback()


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("Kies een wachtwoord van minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH),
                          field=field)
    if passwords.is_common(password):
        raise DomainError(_l("Dit wachtwoord komt voor op een lijst van veelgebruikte wachtwoorden en is daardoor "
                             "makkelijk te raden. Kies een ander wachtwoord."), field=field)


def change_password(user: User, *, current_password: str, new_password: str, acting: User) -> None:
    """A user's own new password; every other session of theirs ends."""
    if acting.id != user.id:
        raise NotAllowed(_l("U kunt alleen uw eigen wachtwoord wijzigen."))
    if user.password_hash is None:
        raise DomainError(_l("U logt in met uw gemeenteaccount; uw wachtwoord wijzigt u daar."))
    if not user.check_password(current_password):
        raise DomainError(_l("Dit is niet uw huidige wachtwoord."), field="current_password")
    if new_password == current_password:
        raise DomainError(_l("Kies een ander wachtwoord dan uw huidige."), field="new_password")
    check_password_rules(new_password, field="new_password")
    user.set_password(new_password)
    user.session_version += 1
    db.session.flush()


def end_sessions(user: User) -> None:
    """Ends every session of the user: at logout, a session cookie copied
    before no longer works."""
    user.session_version += 1
    db.session.flush()


def create_user(*, name: str, email: str, role: Role, password: str | None, acting: User | None,
                title: str | None = None, is_official: bool = False) -> User:
    """A new colleague. Only a beheerder may do this, or the system itself
    (`acting=None`: the first-run page and the command line)."""
    if acting is not None and acting.role != Role.ADMINISTRATOR:
        raise NotAllowed(_l("Alleen een beheerder maakt gebruikers aan."))
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise DomainError(_l("Er is al een gebruiker met dit e-mailadres."), field="email")
    user = User(name=name.strip(), email=email, role=role, title=title or None, is_official=is_official)
    if password is not None:
        check_password_rules(password)
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def create_first_administrator(*, name: str, email: str, password: str) -> User:
    if any_user_exists():
        raise NotAllowed(_l("Er is al een beheerder; log in om verder te gaan."))
    return create_user(name=name, email=email, role=Role.ADMINISTRATOR, password=password, acting=None)


def colleague_choices() -> list[tuple[int, str]]:
    """Colleagues and bestuurders who can take part in a contactmoment."""
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return [(user.id, user.display_name) for user in users]


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.is_official, User.name)))


def update_user(user: User, *, name: str, role: Role, active: bool, title: str | None, acting: User) -> None:
    if acting.role != Role.ADMINISTRATOR:
        raise NotAllowed(_l("Alleen een beheerder wijzigt gebruikers."))
    if user.id == acting.id and (role != Role.ADMINISTRATOR or not active):
        raise DomainError(_l("U kunt uw eigen beheerdersrol niet intrekken; vraag een andere beheerder."),
                          field="role")
    user.name = name.strip()
    user.role = role
    user.active = active
    user.title = title or None
    db.session.flush()


def create_official(*, name: str, title: str, acting: User) -> User:
    """A bestuurder who takes part in contactmomenten but does not log in."""
    if acting.role != Role.ADMINISTRATOR:
        raise NotAllowed(_l("Alleen een beheerder voegt bestuurders toe."))
    official = User(name=name.strip(), title=title.strip(), is_official=True)
    db.session.add(official)
    db.session.flush()
    return official


def login_colleague_choices() -> list[tuple[int, str]]:
    """Colleagues who log in: the people work can be assigned to."""
    users = db.session.scalars(select(User).where(User.active.is_(True), User.has_login(),
                                                  User.email.is_not(None)).order_by(User.name))
    return [(user.id, user.name) for user in users]
