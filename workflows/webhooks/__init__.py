"""Signed webhooks for integrations (G2).

    events.py     emit(event, data): what the applications, meters and payments areas call where
                  the event happens; one outbox message per endpoint that asked for it, delivered
                  after the commit (app.core.notifications.webhooks signs and sends it)
    endpoints.py  the admin's commands: register an endpoint (its secret shown once), enable,
                  disable, the delivery log, «Повторить сейчас»
"""
