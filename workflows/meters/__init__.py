"""The meters area's commands (D7–D9): readings sent in the cabinet and by staff, their rules
(the reading window, lower readings and rollover, jumps, automatic and expired meters), fault
reports, consumption statistics.

- readings.py — the one command that stores readings (consumer, bulk, staff all call it);
- rules.py — the checks as data and pure functions (testable without a database);
- faults.py — «Уведомить о неисправности»;
- history.py, statistics.py — what the pages show;
- staff.py — entering and correcting readings for staff.
"""
