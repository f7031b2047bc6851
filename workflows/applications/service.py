"""The applications workflow in one import (B2–B13), for the callers outside the area (the demo
data, the documents area, the tests of other areas): each name lives in the module of its use
case — drafts, transitions, attachments, messages, progress — and the page-level use cases are
the commands in workflows/applications/commands/.

Every function flushes and leaves the commit to the request, CLI command or job. Each change
appends an ApplicationEvent (history.py), writes an audit record and queues the notifications
of B11 in the same transaction.
"""
from workflows.applications.attachments import add_attachment, removal_refusal, remove_attachment, used_bytes
from workflows.applications.calendar import add_working_days
from workflows.applications.dictionaries import (
    active_types,
    document_types,
    fields_for,
    required_documents,
    status_by_flag,
    transitions_from,
)
from workflows.applications.drafts import (
    clean_value,
    delete_draft,
    drafts_limit,
    drafts_of,
    missing_documents,
    missing_fields,
    open_draft,
    save_data,
    submit,
)
from workflows.applications.guards import ApplicationError, InvalidTransition, StaleForm, ensure_version
from workflows.applications.messages import mark_messages_read, post_message
from workflows.applications.progress import add_stage_note, update_tracker
from workflows.applications.rules import (
    CONSUMER_SIDE,
    ORGANIZATION_SIDE,
    consumer_link,
    is_editable_by_consumer,
    is_overdue,
    live_attachments,
    parse_decimal,
    plain_text,
    sanitize_html,
    staff_link,
    today,
)
from workflows.applications.transitions import apply_transition, assign_number, next_number, set_free_status

__all__ = [
    "ApplicationError", "CONSUMER_SIDE", "InvalidTransition", "ORGANIZATION_SIDE", "StaleForm",
    "active_types", "add_attachment", "add_stage_note", "add_working_days", "apply_transition",
    "assign_number", "clean_value", "consumer_link", "delete_draft", "document_types", "drafts_limit",
    "drafts_of", "ensure_version", "fields_for", "is_editable_by_consumer", "is_overdue", "live_attachments",
    "mark_messages_read", "missing_documents", "missing_fields", "next_number", "open_draft",
    "parse_decimal", "plain_text", "post_message", "removal_refusal", "remove_attachment",
    "required_documents", "sanitize_html", "save_data", "set_free_status", "staff_link", "status_by_flag",
    "submit", "today", "transitions_from", "update_tracker", "used_bytes",
]
