"""The sample files of docs/billing/samples import cleanly, in order, and a second import of the
same files changes nothing (D1)."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccountPayment, Charge, Meter, MeterReading, MonthlyBalance, PersonalAccount, Tariff
from tests.billing import builders
from workflows.billing.imports import progress, run_import, start_import

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "billing" / "samples"
ORDER = ("services", "tariff_documents", "tariffs", "accounts", "account_services", "meters", "readings",
         "charges", "payments", "balances")


def import_file(kind: str, name: str, data: bytes | None = None):
    """Start and run one import synchronously, as the job would; the run, re-read."""
    run = start_import(kind, (name, data if data is not None else (SAMPLES / name).read_bytes()))
    db.session.commit()
    run_import(run.id)
    db.session.expire_all()
    return run


@pytest.fixture
def dictionaries(ctx):
    builders.branch("01")
    builders.branch("02", "Северный филиал")
    builders.supplier("ES")
    builders.supplier("VK", "МУП «Водоканал»")
    db.session.commit()


def test_every_sample_imports_without_errors_and_twice_is_a_no_op(dictionaries):
    first = {kind: progress(import_file(kind, f"{kind}.csv")) for kind in ORDER}
    for kind, counts in first.items():
        assert counts["state"] == "done", (kind, counts)
        assert counts["errors"] == 0 and counts["created"] == counts["total"] > 0, (kind, counts)
    assert db.session.scalar(select(func.count()).select_from(PersonalAccount)) == 3
    assert db.session.scalar(select(func.count()).select_from(Charge)) == first["charges"]["total"] == 219
    meter = db.session.scalar(select(Meter).where(Meter.external_id == "M-0001"))
    assert meter.zones == 2 and meter.zone_names == {"T1": "День", "T2": "Ночь"}
    reading = db.session.scalar(select(MeterReading).where(MeterReading.meter_id == meter.id).limit(1))
    assert reading.source == "billing" and reading.accepted is True
    assert db.session.scalar(select(func.count()).select_from(Tariff)) == 7
    for model in (AccountPayment, MonthlyBalance):
        assert db.session.scalar(select(func.count()).select_from(model)) > 100

    again = {kind: progress(import_file(kind, f"{kind}.csv")) for kind in ORDER}
    for kind, counts in again.items():
        assert (counts["created"], counts["updated"], counts["errors"]) == (0, 0, 0), (kind, counts)
        assert counts["unchanged"] == first[kind]["total"]
