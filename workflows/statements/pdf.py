"""The filled statement as PDF (E2 with C1): the statement type's current template (.docx, admin
editable) filled with the statement's values, then turned into PDF — by LibreOffice where the
server has it (the same document, to the pixel), otherwise by WeasyPrint from the filled
document's paragraphs and tables, so the PDF always exists and says what the template says.
"""
from html import escape
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table
from docx.text.paragraph import Paragraph

from app.core.files import read_stored
from app.models import Application
from workflows.documents.placeholders import application_context
from workflows.documents.statements import docx_to_pdf, pdf_converter
from workflows.documents.templates import current_template, render_docx
from workflows.payments.receipts import font_config

PDF_MIME = "application/pdf"
STYLE = """
@page { size: A4; margin: 20mm 15mm 20mm 25mm; }
body { font-family: "Liberation Serif", "DejaVu Serif", serif; font-size: 12pt; }
p { margin: 0 0 4pt; min-height: 12pt; }
.right { text-align: right; } .center { text-align: center; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; }
td { border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; }
"""
ALIGN = {WD_ALIGN_PARAGRAPH.RIGHT: "right", WD_ALIGN_PARAGRAPH.CENTER: "center"}


def filled_docx(application: Application) -> bytes:
    """The statement type's current template filled with the statement's values."""
    template = current_template(application.application_type)
    return render_docx(read_stored(template.file), application_context(application))


def statement_pdf(application: Application) -> bytes:
    """The filled statement as PDF."""
    document = filled_docx(application)
    if pdf_converter() is not None:
        converted = docx_to_pdf(document)
        if converted:
            return converted
    return docx_as_pdf(document)


def docx_as_pdf(document: bytes) -> bytes:
    """A .docx's paragraphs (alignment, bold) and tables, in order, printed by WeasyPrint."""

    from weasyprint import HTML

    parsed = Document(BytesIO(document))
    parts = []
    for element in parsed.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(_paragraph(Paragraph(element, parsed)))
        elif tag == "tbl":
            parts.append(_table(Table(element, parsed)))
    html = f"<html><head><meta charset='utf-8'><style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    return HTML(string=html).write_pdf(font_config=font_config())


def _paragraph(paragraph: Paragraph) -> str:
    runs = "".join(f"<b>{escape(run.text)}</b>" if run.bold else escape(run.text) for run in paragraph.runs)
    css = ALIGN.get(paragraph.alignment)
    return f"<p class='{css}'>{runs}</p>" if css else f"<p>{runs}</p>"


def _table(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells = "".join(f"<td>{'<br>'.join(escape(p.text) for p in cell.paragraphs)}</td>" for cell in row.cells)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table>{''.join(rows)}</table>"
