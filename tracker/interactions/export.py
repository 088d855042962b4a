"""The contactmomenten list as a file: CSV for Dutch Excel, or an Excel workbook.

Only what the user may see goes in; a cell never starts a formula.
"""

import csv
import io
from collections.abc import Iterator
from datetime import time

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..admin.access import BOM, DELIMITER, safe_cell
from ..auth.models import User
from ..extensions import db
from ..formatting import to_local
from ..labels import label
from ..strategy.models import Priority
from .models import Interaction
from .service import visible_to

# An export is read in a spreadsheet, not a database: beyond this many rows
# the user narrows the filters first.
EXPORT_LIMIT = 50_000
CHUNK = 1000


def _interactions(user: User, conditions: list) -> Iterator[Interaction]:
    query = (select(Interaction).where(visible_to(user), *conditions)
             .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(EXPORT_LIMIT)
             .options(selectinload(Interaction.author), selectinload(Interaction.participants),
                      selectinload(Interaction.contacts), selectinload(Interaction.organisations),
                      selectinload(Interaction.priorities).selectinload(Priority.theme))
             .execution_options(yield_per=CHUNK))
    yield from db.session.scalars(query)


def header() -> list[str]:
    return [_("Nummer"), _("Datum"), _("Tijd"), _("Onderwerp"), _("Soort contact"), _("Niveau"),
            _("Vertrouwelijk"), _("Vastgelegd door"), _("Collega's en bestuurders"), _("Contactpersonen"),
            _("Organisaties"), _("Strategische prioriteiten"), _("Samenvatting"), _("Uitkomst")]


def _values(item: Interaction) -> list:
    local = to_local(item.occurred_at)
    return [item.id, local.date(), local.time().replace(second=0, microsecond=0), item.subject, label(item.kind),
            label(item.level), _("ja") if item.confidential else _("nee"), item.author.name,
            ", ".join(user.display_name for user in item.participants),
            ", ".join(contact.name for contact in item.contacts),
            ", ".join(organisation.name for organisation in item.organisations),
            ", ".join(f"{priority.code} {priority.title}" for priority in item.priorities),
            item.summary or "", item.outcome or ""]


def _text(value) -> str:
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M" if isinstance(value, time) else "%d-%m-%Y")
    return safe_cell(value)


def to_csv(user: User, conditions: list) -> tuple[bytes, int]:
    """The file (UTF-8 with BOM, semicolons) and its number of contactmomenten."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(header())
    rows = 0
    for item in _interactions(user, conditions):
        writer.writerow([_text(value) for value in _values(item)])
        rows += 1
    return (BOM + out.getvalue()).encode("utf-8"), rows


def _cell(value):
    if isinstance(value, int) or hasattr(value, "strftime"):
        return value
    # Excel refuses control characters other than tab and newlines.
    return ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value))


def to_xlsx(user: User, conditions: list) -> tuple[bytes, int]:
    """An Excel workbook with one sheet, and its number of contactmomenten."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contactmomenten"))
    sheet.append(header())
    rows = 0
    for item in _interactions(user, conditions):
        values = [_cell(value) for value in _values(item)]
        values[2] = values[2].strftime("%H:%M")
        sheet.append(values)
        rows += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), rows
