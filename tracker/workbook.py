"""Excel workbooks of the overview pages: the figures of the page, as values.

A text that starts like a formula (=, +, -, @) is stored as text with
Excel's quote prefix, so neither opening the file nor editing the cell later
runs it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from .formatting import to_local

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
AMOUNT_FORMAT = '"€" #,##0.00'
MAX_WIDTH = 60


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    # Indexes of the columns that hold amounts in euros.
    amount_columns: frozenset = frozenset()


def _put(cell, value, amount: bool) -> None:
    if isinstance(value, datetime):
        cell.value = to_local(value).replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        cell.value = value
        if amount:
            cell.number_format = AMOUNT_FORMAT
    elif value is None:
        cell.value = None
    else:
        text = str(value)
        cell.value = text
        # openpyxl takes a leading "=" for a formula; every value here is text.
        cell.data_type = "s"
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def build(sheets: list[Sheet]) -> bytes:
    """The workbook, one worksheet per Sheet, set up to print on A4 landscape."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        worksheet = book.create_sheet(sheet.title[:31])
        worksheet.append(sheet.headers)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        widths = [len(header) for header in sheet.headers]
        for row_number, values in enumerate(sheet.rows, start=2):
            for column, value in enumerate(values, start=1):
                _put(worksheet.cell(row=row_number, column=column), value, column - 1 in sheet.amount_columns)
                widths[column - 1] = max(widths[column - 1], min(MAX_WIDTH, len(str(value or ""))))
        for column, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, width + 2)
        worksheet.freeze_panes = "A2"
        worksheet.print_title_rows = "1:1"
        worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
        worksheet.page_setup.orientation = worksheet.ORIENTATION_LANDSCAPE
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0
        worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        worksheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def response(sheets: list[Sheet], filename: str) -> Response:
    return Response(build(sheets), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
