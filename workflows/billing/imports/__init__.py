"""The import from the billing system (D1): files of accounts, services, tariffs, meters,
readings, charges, payments and balances, keyed by the billing's own ids.

- specs.py — every kind's columns and key, as data (docs/billing/import.md in words);
- values.py — reading one cell: «1 234,56», DD.MM.YYYY, MM.YYYY, да/нет;
- reading.py — the file as rows: CSV (UTF-8 / Windows-1251) or a JSON array, streamed;
- applying.py, seen.py — a batch of rows: checks, references, bulk upsert, duplicate keys;
- accepting.py — readings rows naming a portal reading (`portal_id`) mark it accepted;
- upload.py, commands.py — keeping the file, the run as a job; status.py — progress, error file.

The interface other modules call:
    start_import(kind, upload, actor=, token=) -> ImportRun   (queues run_import after commit)
    run_import(run_id)                                         (the job)
    import_in_transaction(kind, upload)                         (now, in the caller's transaction)
    progress(run) -> dict; error_rows(run); error_file_csv(run)
"""
from workflows.billing.imports.commands import (  # noqa: F401
    apply_run,
    import_in_transaction,
    run_import,
    start_import,
)
from workflows.billing.imports.specs import SPECS  # noqa: F401
from workflows.billing.imports.status import error_file_csv, error_rows, progress  # noqa: F401
