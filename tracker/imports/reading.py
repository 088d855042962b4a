"""Reading an uploaded CSV or Excel file into rows of text, refusing what is
too big, broken or not what it claims to be.

Nothing here touches the database. Every refusal is a `FileRefused` with a
Dutch message that names what to do about it.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from ..forms import clean_text

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 30
MAX_CELL = 5_000
# An .xlsx is a zip: its parts together may unpack to no more than this,
# whatever the file's size (a zip bomb unpacks a few kB into gigabytes).
MAX_UNPACKED = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
# Excel keeps formatted but empty rows; they are skipped, but not endlessly.
MAX_SCANNED_ROWS = 4 * MAX_ROWS

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls and other old Office files
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileRefused(DomainError):
    """The file as a whole cannot be imported."""

    def __init__(self, message):
        # As plain text: Jinja does not escape a lazy string (it has __html__), and messages quote the file.
        super().__init__(str(message), field="file")


@dataclass
class Sheet:
    """The file's headings and its data rows, as text, with their line numbers."""
    headings: list[str]
    rows: list[tuple[int, list[str]]]


def read_file(name: str, data: bytes) -> Sheet:
    """The sheet in an uploaded file, by its extension and checked against its contents."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_l("Het bestand is groter dan 2 MB. Splits het in kleinere bestanden."))
    if not data:
        raise FileRefused(_l("Het bestand is leeg."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xlsx":
        if not data.startswith(XLSX_MAGIC):
            raise FileRefused(_l("Dit is geen geldig Excel-bestand (.xlsx). Sla het in Excel opnieuw op als "
                                 "Excel-werkmap (.xlsx)."))
        return read_xlsx(data)
    if extension == "csv":
        if data.startswith(XLSX_MAGIC) or data.startswith(OLE_MAGIC):
            raise FileRefused(_l("Dit is een Excel-bestand met de extensie .csv. Upload het als .xlsx, of sla het "
                                 "in Excel op als CSV UTF-8."))
        return read_csv(data)
    if extension == "xls":
        raise FileRefused(_l("Oude Excel-bestanden (.xls) worden niet gelezen. Sla het bestand in Excel op als "
                             "Excel-werkmap (.xlsx) of als CSV UTF-8."))
    raise FileRefused(_l("Kies een CSV-bestand (.csv) of een Excel-bestand (.xlsx)."))


# --- CSV ---------------------------------------------------------------------------------------------------------

def read_csv(data: bytes) -> Sheet:
    if data.startswith(UTF16_BOMS):
        raise FileRefused(_l("Het bestand is opgeslagen als UTF-16 (Unicode-tekst). Sla het in Excel op als "
                             "CSV UTF-8 (door komma's gescheiden), of upload het .xlsx-bestand."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_l("Het bestand is niet in UTF-8 opgeslagen, waardoor letters als ë en é verkeerd "
                             "zouden overkomen. Kies in Excel bij Opslaan als: CSV UTF-8 (door komma's "
                             "gescheiden), of upload het .xlsx-bestand.")) from None
    if "\x00" in text:
        raise FileRefused(_l("Het bestand bevat binaire gegevens en is geen CSV-bestand."))
    first_line = text.split("\n", 1)[0]
    # Dutch Excel writes ";" (the comma is the decimal sign), others ",".
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > MAX_SCANNED_ROWS:
                raise too_many_rows()
    except csv.Error as error:
        raise FileRefused(_l("Het CSV-bestand is niet goed opgemaakt rond regel %(line)s (%(detail)s). Controleer "
                             "de aanhalingstekens.", line=reader.line_num, detail=str(error))) from None
    return sheet_from(records)


# --- Excel -------------------------------------------------------------------------------------------------------

def read_xlsx(data: bytes) -> Sheet:
    check_zip(data)
    from openpyxl import load_workbook  # a large import, needed only here

    broken = FileRefused(_l("Het Excel-bestand kon niet worden gelezen; het is beschadigd of geen echte "
                            "Excel-werkmap. Sla het in Excel opnieuw op als .xlsx."))
    records = []
    try:
        # Read-only: the sheet is streamed, never built in memory; data_only=False:
        # a formula arrives as its text ("=…") and is never calculated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        try:
            if not workbook.worksheets:
                raise broken
            sheet = workbook.worksheets[0]
            for values in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
                records.append([cell_text(value) for value in values])
                if len(records) > MAX_SCANNED_ROWS:
                    raise too_many_rows()
        finally:
            workbook.close()
    except FileRefused:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a broken file; all mean the same here
        raise broken from None
    return sheet_from(records)


def check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused(_l("Het Excel-bestand is beschadigd. Sla het in Excel opnieuw op als .xlsx.")) from None
    # zipfile reads no more of a part than its declared size, so the declared sizes bound the work.
    if len(members) > MAX_ZIP_MEMBERS or sum(member.file_size for member in members) > MAX_UNPACKED:
        raise FileRefused(_l("Het Excel-bestand is uitgepakt te groot (meer dan 50 MB). Bewaar alleen de "
                             "gegevens in een nieuw bestand, of gebruik CSV UTF-8."))


def cell_text(value) -> str:
    """A cell's value as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


# --- Both --------------------------------------------------------------------------------------------------------

def too_many_rows() -> FileRefused:
    return FileRefused(_l("Het bestand heeft meer dan %(max)s regels. Splits het in kleinere bestanden.",
                          max=f"{MAX_ROWS:,}".replace(",", ".")))


def sheet_from(records: list[list[str]]) -> Sheet:
    """Headings from the first row, data rows after it (empty ones skipped),
    each value cleaned of control characters and surrounding space."""
    if not records:
        raise FileRefused(_l("Het bestand is leeg."))
    headings = [clean_text(value) for value in records[0]]
    while headings and not headings[-1]:
        headings.pop()
    if not headings:
        raise FileRefused(_l("De eerste regel moet de kolomkoppen bevatten, zoals naam en e-mail."))
    if len(headings) > MAX_COLUMNS:
        raise FileRefused(_l("Het bestand heeft meer dan %(max)s kolommen.", max=MAX_COLUMNS))
    rows = []
    for line, record in enumerate(records[1:], start=2):
        values = [clean_text(value) for value in record]
        if not any(values):
            continue
        if any(values[len(headings):]):
            raise FileRefused(_l("Regel %(line)s heeft een waarde in een kolom zonder kolomkop.", line=line))
        if any(len(value) > MAX_CELL for value in values):
            raise FileRefused(_l("Regel %(line)s heeft een waarde van meer dan %(max)s tekens.", line=line,
                                 max=f"{MAX_CELL:,}".replace(",", ".")))
        rows.append((line, (values + [""] * len(headings))[:len(headings)]))
        if len(rows) > MAX_ROWS:
            raise too_many_rows()
    if not rows:
        raise FileRefused(_l("Het bestand bevat alleen kolomkoppen en geen gegevens."))
    return Sheet(headings, rows)
