"""Consumers (Заявитель / Потребитель) of three legal forms and their data («Мои данные»)."""
from datetime import date
from enum import Enum
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Date, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin
from app.models.search import search_key


class LegalForm(str, Enum):
    #: физическое лицо
    INDIVIDUAL = "individual"
    #: индивидуальный предприниматель
    ENTREPRENEUR = "entrepreneur"
    #: юридическое лицо
    LEGAL_ENTITY = "legal_entity"

    @property
    def label(self) -> str:
        return LEGAL_FORM_LABELS[self]

    @property
    def short(self) -> str:
        return LEGAL_FORM_SHORT[self]


LEGAL_FORM_LABELS = {
    LegalForm.INDIVIDUAL: "Физическое лицо",
    LegalForm.ENTREPRENEUR: "Индивидуальный предприниматель",
    LegalForm.LEGAL_ENTITY: "Юридическое лицо",
}
LEGAL_FORM_SHORT = {
    LegalForm.INDIVIDUAL: "ФЛ",
    LegalForm.ENTREPRENEUR: "ИП",
    LegalForm.LEGAL_ENTITY: "ЮЛ",
}


class ConsumerProfile(TimestampMixin, Model):
    """The consumer behind a login: identity, identifiers and profile data.

    Personal accounts, applications and appeals hang off this row, so a consumer
    keeps them when their phone or email changes.
    """

    __tablename__ = "consumer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), unique=True, nullable=False)
    legal_form: Mapped[str] = mapped_column(String(16), nullable=False, index=True)

    # ФИО of the person, or of the head/representative of an ИП/ЮЛ
    last_name: Mapped[str] = mapped_column(String(50), nullable=False)
    first_name: Mapped[str] = mapped_column(String(50), nullable=False)
    middle_name: Mapped[Optional[str]] = mapped_column(String(50))
    position: Mapped[Optional[str]] = mapped_column(String(200))  # должность представителя

    # identifiers, digits only; uniqueness is checked with the seed messages on registration
    snils: Mapped[Optional[str]] = mapped_column(String(11), unique=True)
    inn: Mapped[Optional[str]] = mapped_column(String(12), index=True)
    ogrn: Mapped[Optional[str]] = mapped_column(String(13), unique=True)
    ogrnip: Mapped[Optional[str]] = mapped_column(String(15), unique=True)
    kpp: Mapped[Optional[str]] = mapped_column(String(9))
    registry_date: Mapped[Optional[date]] = mapped_column(Date)  # дата внесения ОГРН/ОГРНИП
    org_name: Mapped[Optional[str]] = mapped_column(String(500))

    # passport and personal data (ФЛ; ИП and representatives optionally)
    birth_date: Mapped[Optional[date]] = mapped_column(Date)
    birth_place: Mapped[Optional[str]] = mapped_column(String(300))
    passport_series: Mapped[Optional[str]] = mapped_column(String(4))
    passport_number: Mapped[Optional[str]] = mapped_column(String(6))
    passport_issued_by: Mapped[Optional[str]] = mapped_column(String(300))
    passport_issued_on: Mapped[Optional[date]] = mapped_column(Date)
    passport_department_code: Mapped[Optional[str]] = mapped_column(String(7))

    # addresses
    registration_address: Mapped[Optional[str]] = mapped_column(String(500))  # адрес регистрации / юридический
    postal_address: Mapped[Optional[str]] = mapped_column(String(500))  # почтовый / фактический

    #: ФИО and organization name folded for the staff queue's search (app.models.search)
    search_name: Mapped[Optional[str]] = mapped_column(String(700))

    user = relationship("KabinetUser", back_populates="consumer")

    __table_args__ = (Index("ix_consumer_names", "last_name", "first_name"),)

    @property
    def form(self) -> LegalForm:
        return LegalForm(self.legal_form)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def display_name(self) -> str:
        if self.form is LegalForm.INDIVIDUAL:
            return self.full_name
        return self.org_name or self.full_name

    @property
    def identifiers(self) -> list[tuple[str, str]]:
        """(label, formatted value) pairs shown in the header and to staff."""
        from app.core.identifiers import format_snils

        pairs = []
        if self.snils:
            pairs.append(("СНИЛС", format_snils(self.snils)))
        if self.inn:
            pairs.append(("ИНН", self.inn))
        if self.ogrn:
            pairs.append(("ОГРН", self.ogrn))
        if self.ogrnip:
            pairs.append(("ОГРНИП", self.ogrnip))
        if self.kpp:
            pairs.append(("КПП", self.kpp))
        return pairs

    @property
    def header_line(self) -> str:
        """«Физическое лицо - СНИЛС: 049-114-804-49» (A5)."""
        main = self.identifiers[:1]
        if not main:
            return self.form.label
        label, value = main[0]
        if self.form is not LegalForm.INDIVIDUAL:
            label, value = next(
                ((l, v) for l, v in self.identifiers if l in ("ОГРН", "ОГРНИП")), main[0]
            )
        return f"{self.form.label} - {label}: {value}"


@event.listens_for(ConsumerProfile, "before_insert")
@event.listens_for(ConsumerProfile, "before_update")
def _fold_search_name(mapper, connection, profile: ConsumerProfile) -> None:
    """Every write of a profile refreshes its search key (a renamed consumer is found by the new name)."""
    profile.search_name = search_key(profile.full_name, profile.org_name)
