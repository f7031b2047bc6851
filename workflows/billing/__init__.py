"""The billing area's commands (section D): personal accounts, the consumer's links to them, and
the exchange with the billing system.

- imports/ — reading billing files (CSV, JSON) and applying them row by row, as a job (D1);
- exports.py — the export stream: `record()` in the transaction of a change, cursor reads (D1);
- links.py, balance.py — «+ Добавить лицевой счет», «Удалить», the home page's figures (D2, D3);
- details.py, data_change.py — «Реквизиты лицевого счета» and the data-change statement (D4);
- delivery.py — receipt delivery (D10);
- staff.py — account search and unlinking for staff.
"""
