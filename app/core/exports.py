"""CSV as Russian spreadsheets open it: `;`-separated UTF-8 with a byte-order mark, and no
cell that a spreadsheet would run as a formula (CSV injection). Every CSV Kabinet writes —
exports, reports, the «Опись документов» of a documents ZIP — goes through here."""
import csv
import io
import tempfile

#: what a spreadsheet treats as the start of a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel opens a UTF-8 CSV correctly only with a byte-order mark
BOM = "\ufeff"


def safe_cell(value):
    """A cell that spreadsheet programs never run as a formula; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_writer(out):
    """A writer for `;`-separated rows whose every cell is made safe."""
    writer = csv.writer(out, delimiter=";")

    class SafeWriter:
        def writerow(self, row):
            writer.writerow([safe_cell(v) for v in row])

        def writerows(self, rows):
            for row in rows:
                self.writerow(row)

    return SafeWriter()


def csv_text(header, rows) -> str:
    """A whole small CSV as text, byte-order mark first."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def spooled_text(bom: bool = True):
    """A text writer over a buffer that moves to a temporary file when an export grows large."""
    raw = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=True)
    if bom:
        out.write(BOM)
    return out
