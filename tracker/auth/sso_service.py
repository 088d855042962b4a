"""Single sign-on: from the identity provider's verified claims to an account.

The views in `sso.py` talk to the provider; this module only decides, from
plain values, who logs in and with which role.
"""

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..database import utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from .models import Role, User
from .service import find_by_email, normalise_email

# Highest first: a member of several groups gets the first role that matches.
ROLE_ORDER = (Role.ADMINISTRATOR, Role.DIRECTOR, Role.MANAGER, Role.EMPLOYEE)


def parse_role_groups(setting: str | Mapping[str, str | Iterable[str]] | None) -> dict[Role, frozenset[str]]:
    """`OIDC_ROLE_GROUPS` as {role: groups}.

    The setting is `role=group;role=group2,group3` (or a dict in
    `instance/config.py`); an unknown role fails fast, naming it.
    """
    if not setting:
        return {}
    if isinstance(setting, str):
        pairs = []
        for part in setting.split(";"):
            if not part.strip():
                continue
            role, separator, groups = part.partition("=")
            if not separator:
                raise ValueError(f"expected role=group, got {part.strip()!r}")
            pairs.append((role, groups.split(",")))
    else:
        pairs = [(role, [groups] if isinstance(groups, str) else list(groups)) for role, groups in setting.items()]
    mapping: dict[Role, frozenset[str]] = {}
    for role_name, groups in pairs:
        try:
            role = Role(role_name.strip().lower())
        except ValueError:
            raise ValueError(f"unknown role {role_name.strip()!r}; use one of "
                             + ", ".join(role.value for role in Role)) from None
        names = frozenset(group.strip() for group in groups if group.strip())
        if not names:
            raise ValueError(f"no group for role {role.value!r}")
        mapping[role] = mapping.get(role, frozenset()) | names
    return mapping


def claimed_groups(claims: Mapping, groups_claim: str) -> set[str]:
    value = claims.get(groups_claim)
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, (list, tuple, set, frozenset)):
        return {str(group) for group in value}
    return set()


def role_for_groups(groups: Iterable[str], role_groups: Mapping[Role, frozenset[str]]) -> Role | None:
    """The highest role any of these groups gives, or None."""
    groups = set(groups)
    for role in ROLE_ORDER:
        if groups & role_groups.get(role, frozenset()):
            return role
    return None


def claimed_email(claims: Mapping) -> str | None:
    """The e-mail address in the claims: `email`, else a UPN that looks like
    one (Entra ID sends `preferred_username` when `email` is not configured)."""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value and value.strip():
            return normalise_email(value)
    return None


def claimed_name(claims: Mapping, fallback: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:200]
    parts = [claims.get(key) for key in ("given_name", "family_name")]
    joined = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return (joined or fallback)[:200]


def find_by_subject(subject: str) -> User | None:
    return db.session.scalar(select(User).where(User.oidc_subject == subject))


def sign_in_with_claims(claims: Mapping, *, groups_claim: str,
                        role_groups: Mapping[Role, frozenset[str]]) -> User:
    """The account for these verified ID-token claims, ready to log in.

    Found by the provider's subject, else linked by e-mail address to an
    existing account, else created. The role follows the groups at every
    login, so a colleague taken out of a group loses the role at the next
    one. Raises NotAllowed for someone in none of the groups or whose
    account is switched off.
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise DomainError(_l("De inlogdienst gaf geen geldige identiteit door."))
    role = role_for_groups(claimed_groups(claims, groups_claim), role_groups)
    if role is None:
        raise NotAllowed(_l("U heeft geen toegang tot de Lobbytracker: uw gemeenteaccount zit niet in een van de "
                            "groepen die toegang geven. Vraag uw leidinggevende of de servicedesk om toegang."))
    email = claimed_email(claims)

    user = find_by_subject(subject)
    if user is None:
        if email is None:
            raise DomainError(_l("Uw gemeenteaccount geeft geen e-mailadres door; daarom kunt u niet inloggen. "
                                 "Neem contact op met de servicedesk."))
        user = find_by_email(email)
        if user is not None:
            if user.oidc_subject is not None:
                # The address belongs to another identity at the provider.
                raise NotAllowed(_l("Dit e-mailadres hoort bij een ander gemeenteaccount. "
                                    "Neem contact op met een beheerder."))
            if claims.get("email_verified") is False:
                raise NotAllowed(_l("Uw e-mailadres is bij de inlogdienst niet bevestigd; daarom koppelen we het "
                                    "niet aan uw account. Neem contact op met een beheerder."))
            user.oidc_subject = subject
        else:
            user = User(name=claimed_name(claims, email), email=email, role=role, oidc_subject=subject,
                        active=True)
            db.session.add(user)
    elif email is not None and email != user.email and not _email_taken(email, user):
        user.email = email  # the address changed at the provider

    if not user.active:
        raise NotAllowed(_l("Uw account in de Lobbytracker is uitgeschakeld. Neem contact op met een beheerder."))
    user.role = role
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def _email_taken(email: str, user: User) -> bool:
    return db.session.scalar(select(func.count()).select_from(User)
                             .where(User.email == email, User.id != user.id)) > 0
