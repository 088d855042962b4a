"""The access review: who may log in, with which role, and when they last did."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.models import Role, User
from ..auth.service import list_users
from ..errors import NotAllowed
from ..labels import label

# Excel in Dutch reads a semicolon as the column separator, and needs the
# byte order mark to read UTF-8.
DELIMITER = ";"
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AccessRow:
    user: User
    role: str
    login_method: str
    last_login_at: datetime | None


def login_method(user: User) -> str:
    methods = []
    if user.password_hash is not None:
        methods.append(_("wachtwoord"))
    if user.oidc_subject is not None:
        methods.append(_("gemeenteaccount"))
    return ", ".join(methods) or "—"


def access_review(acting: User) -> list[AccessRow]:
    """Every user, for a beheerder's periodic review of who has access."""
    if acting.role != Role.ADMINISTRATOR:
        raise NotAllowed(_l("Alleen een beheerder bekijkt wie toegang heeft."))
    return [AccessRow(user=user, role=_("Bestuurder") if user.is_official and not user.email else label(user.role),
                      login_method=login_method(user), last_login_at=user.last_login_at)
            for user in list_users()]


def safe_cell(value) -> str:
    """Text as a spreadsheet shows it, never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def access_review_csv(rows: list[AccessRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([_("Naam"), _("Functie"), _("E-mailadres"), _("Rol"), _("Actief"), _("Kan inloggen"),
                     _("Inlogwijze"), _("Laatst ingelogd")])
    for row in rows:
        user = row.user
        writer.writerow([safe_cell(value) for value in (
            user.name, user.title or "", user.email or "", row.role, _("ja") if user.active else _("nee"),
            _("ja") if user.can_log_in else _("nee"), row.login_method,
            format_datetime(row.last_login_at, "dd-MM-yyyy HH:mm") if row.last_login_at else _("nooit"))])
    return BOM + out.getvalue()
