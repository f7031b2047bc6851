"""Notifications: notify (portal notice + outbox rows), transports (email/SMS), outbox (delivery jobs)."""
