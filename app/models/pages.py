"""Information pages (F1): the admin-edited texts of the portal, with every version kept.

A page points at its published version; saving in the editor appends a draft version,
publishing moves the pointer. Versions are never overwritten, so an earlier text can be
viewed and restored at any time.
"""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, utcnow


class InfoPage(TimestampMixin, Model):
    """One information page at /page/<slug> («Информация», «Помощь», policy …)."""

    __tablename__ = "info_page"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    #: shown in the list of pages («Информация», «Помощь», extra pages)
    show_in_menu: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    #: built-in pages other areas link to; they cannot be deleted or renamed
    is_system: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    published_version_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("info_page_version.id", use_alter=True, name="fk_info_page_published")
    )

    # E6: an entry of a section (workflows/pages/sections.py) — its title and body are the
    # versioned text (question and answer, promotion, organization, catalogue item); the
    # section's own fields below are page settings, audited on change. NULL: an ordinary page.
    #: faq | promotion | energy_org | catalogue
    section: Mapped[Optional[str]] = mapped_column(String(16))
    #: «Вопросы и ответы»: the category the question is listed under
    category: Mapped[Optional[str]] = mapped_column(String(200))
    #: «Акции»: shown from starts_on to ends_on inclusive (Moscow dates)
    starts_on: Mapped[Optional[date]] = mapped_column(Date)
    ends_on: Mapped[Optional[date]] = mapped_column(Date)
    #: «Интернет-магазин»: the price of a good or service, roubles
    price: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    #: organizations of the power industry: гарантирующий поставщик, сетевая организация …
    org_role: Mapped[Optional[str]] = mapped_column(String(200))
    phone: Mapped[Optional[str]] = mapped_column(String(64))
    site: Mapped[Optional[str]] = mapped_column(String(300))
    address: Mapped[Optional[str]] = mapped_column(String(500))

    published_version = relationship("InfoPageVersion", foreign_keys=[published_version_id], post_update=True)
    versions = relationship(
        "InfoPageVersion",
        foreign_keys="InfoPageVersion.page_id",
        back_populates="page",
        order_by="InfoPageVersion.number.desc()",
    )

    __table_args__ = (Index("ix_info_page_section", "section", "sort_order"),)

    def __repr__(self) -> str:
        return self.title


class InfoPageVersion(Model):
    """An append-only version of a page's text; body_html is sanitized (nh3) on save."""

    __tablename__ = "info_page_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("info_page.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body_html: Mapped[str] = mapped_column(Text, default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    author_name: Mapped[Optional[str]] = mapped_column(String(300))
    #: set when this version was (last) published
    published_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    #: «восстановлена из версии N» and similar
    note: Mapped[Optional[str]] = mapped_column(String(300))

    page = relationship("InfoPage", foreign_keys=[page_id], back_populates="versions")

    __table_args__ = (
        UniqueConstraint("page_id", "number"),
        Index("ix_info_page_version_page", "page_id", "number"),
    )


class PublicAsset(Model):
    """An uploaded image anyone may see: pictures in information pages, the logo (F1, F2).

    Only files registered here are served at /page/asset/<key>; every other stored file
    stays behind its own access check.
    """

    __tablename__ = "public_asset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), unique=True, nullable=False)
    #: page_image | logo
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    file = relationship("StoredFile")
