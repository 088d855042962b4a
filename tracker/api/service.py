"""Personal access tokens, and reading the API's resources a page at a time."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..auth.models import User
from ..database import utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..formatting import local_today
from .models import ApiToken
from .resources import Resource

TOKEN_PREFIX = "lt_"
NAME_LENGTH = 100
# At most this many tokens a user has at once that still work.
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token: a report that pulls
# hundreds of pages in a minute does not write hundreds of times.
USE_RESOLUTION = timedelta(minutes=1)

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def works(token: ApiToken, today: date) -> bool:
    return token.revoked_at is None and (token.expires_on is None or token.expires_on >= today)


def active_tokens_condition(today: date):
    return (ApiToken.revoked_at.is_(None)) & (ApiToken.expires_on.is_(None) | (ApiToken.expires_on >= today))


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens that were not revoked, newest first; expired ones too."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create_token(user: User, name: str, expires_on: date | None, acting: User) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the secret, which is stored
    nowhere and cannot be shown again. Flushes, does not commit."""
    if acting.id != user.id:
        raise NotAllowed(_l("U maakt alleen voor uzelf een token."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Geef het token een naam, zodat u het later herkent."), field="name")
    if len(name) > NAME_LENGTH:
        raise DomainError(_l("Gebruik hoogstens %(max)d tekens.", max=NAME_LENGTH), field="name")
    today = local_today()
    if expires_on is not None and expires_on < today:
        raise DomainError(_l("Kies vandaag of een dag in de toekomst, of laat het veld leeg."), field="expires_on")
    active = db.session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, active_tokens_condition(today)))
    if active >= MAX_ACTIVE_TOKENS:
        raise DomainError(_l("U heeft al %(count)d werkende tokens. Trek er eerst een in.", count=active),
                          field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret), expires_on=expires_on)
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token: ApiToken, acting: User) -> None:
    """The token stops working at once. Flushes, does not commit."""
    if token.user_id != acting.id:
        raise NotAllowed(_l("U trekt alleen uw eigen tokens in."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def own_token(user: User, token_id: int) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id,
                                                    ApiToken.revoked_at.is_(None)))


def find_working_token(secret: str) -> ApiToken | None:
    """The token with this secret, if it works: not revoked, not expired,
    and its user can still log in (a deactivated user's tokens stop)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or not works(token, local_today()) or not token.user.is_active:
        return None
    return token


def needs_use_recorded(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION


def record_use(token_id: int, now: datetime) -> None:
    """Notes when a token was last used. A plain UPDATE, outside the audit
    log: using a token is not a change to the records."""
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
                       .execution_options(synchronize_session=False))


# --- Reading -------------------------------------------------------------------------------------------------------

@dataclass
class Page:
    items: list
    has_next: bool


def page_of(resource: Resource, conditions: list, limit: int, after: int) -> Page:
    """The first `limit` records with an id above `after`, in id order (keyset
    paging: as quick on the last page as on the first, and nothing is skipped
    or repeated when records come or go between pages). One query, plus one
    per eagerly loaded collection, whatever the page size."""
    query = (resource.query().where(resource.model.id > after, *conditions)
             .order_by(resource.model.id).limit(limit + 1))
    items = list(db.session.scalars(query))
    return Page(items[:limit], len(items) > limit)


def one_of(resource: Resource, item_id: int):
    return db.session.scalar(resource.query().where(resource.model.id == item_id))
