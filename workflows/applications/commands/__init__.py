"""The use cases of the applications area as commands (STYLE 6b): each takes plain values (ids,
strings, uploaded files, the acting user), loads the application through the one access check
(app/security/access.py), raises a KabinetError subclass when it refuses, flushes and never
commits. The HTML views call them; the REST API will call the same ones.

- documents.py: both sides — add a document, remove one, send a message
- consumer.py: start an application, save/submit/resubmit it, delete a draft, read the notices
- staff.py: save an item (number + document + transition + free status), stage notes, the tracker
"""
