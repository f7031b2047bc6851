"""The applications area's rules (B1–B13), one module per use case:

- commands/: what a page (or the REST API) asks for, one function per use case
- drafts.py: open, save, delete and submit a draft
- transitions.py: the one transition service, free statuses, registration numbers
- guards.py: the area's errors and the transition guards (other areas add theirs)
- attachments.py, messages.py, progress.py: documents, messages, stage notes and the tracker
- dictionaries.py, rules.py, history.py: what they all read and append
- queries.py: «Мои заявки», the staff queue, one application's page, the notices
- defaults.py, calendar.py, tracker.py: the shipped reference data, working days, the stages
- service.py: all of the above in one import, for callers outside the area
"""
