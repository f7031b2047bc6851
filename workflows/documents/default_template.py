"""The built-in statement template (C1), generated with python-docx.

Every shipped application type gets it as version 1; admins replace it by uploading
their own .docx. It uses only whitelisted placeholders (see templates.PLACEHOLDERS).
"""
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from app.models import ApplicationType


def _table(document, rows: list[tuple[str, str]]):
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    return table


#: «Сведения о заявителе»: label → placeholder
APPLICANT_ROWS = [
    ("Заявитель", "{{ applicant.display_name }}"),
    ("Правовая форма", "{{ applicant.legal_form }}"),
    ("ФИО (представителя)", "{{ applicant.full_name }}{% if applicant.position %}, "
                            "{{ applicant.position }}{% endif %}"),
    ("СНИЛС", "{{ applicant.snils }}"),
    ("ИНН", "{{ applicant.inn }}"),
    ("ОГРН / ОГРНИП", "{{ applicant.ogrn }}{{ applicant.ogrnip }}"),
    ("КПП", "{{ applicant.kpp }}"),
    ("Паспорт", "{{ applicant.passport }} {{ applicant.passport_issued_by }} "
                "{{ applicant.passport_issued_on }}"),
    ("Адрес регистрации", "{{ applicant.registration_address }}"),
    ("Почтовый адрес", "{{ applicant.postal_address }}"),
    ("Телефон", "{{ applicant.phone }}"),
    ("Email", "{{ applicant.email }}"),
]


def _heading(document) -> None:
    """Addressee on the right, the application's type, number and date centred."""
    addressee = document.add_paragraph("{{ organization.name }}")
    addressee.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    right = document.add_paragraph("{{ organization.address }}")
    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("{{ application.type }}")
    run.bold = True
    run.font.size = Pt(14)
    number = document.add_paragraph("Регистрационный номер: {{ application.number }}    "
                                    "Дата подачи: {{ application.submitted }}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER


def build_default_template(application_type: ApplicationType | None = None) -> bytes:
    """A .docx template: addressee, applicant, application fields, signature line."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)

    _heading(document)

    document.add_paragraph().add_run("Сведения о заявителе").bold = True
    _table(document, APPLICANT_ROWS)

    document.add_paragraph()
    document.add_paragraph().add_run("Сведения заявки").bold = True
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "{%tr for row in field_rows %}"
    table.rows[1].cells[0].text = "{{ row.label }}"
    table.rows[1].cells[1].text = "{{ row.value }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"

    document.add_paragraph()
    document.add_paragraph("Заявитель: ____________________ / {{ applicant.full_name }} /")
    document.add_paragraph("Дата: {{ today }}")

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
