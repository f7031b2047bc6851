"""The provider interface (D6, D9): what every payment provider does, and which one is active.

A provider creates a payment on its side and returns where the consumer pays; it verifies a
notification (a forged or malformed one raises CallbackRefused); it fetches a payment's status
back; it refunds. Providers register themselves in REGISTRY (one line each in PROVIDER_MODULES:
the sandbox, ЮKassa); the setting "payment_provider" picks the active one.
"""
import importlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Callable, Mapping, Optional, Protocol

from flask import current_app

from app.core.errors import Invalid, NotFound
from app.core.settings import get_setting

#: the setting naming the active provider (app/core/settings.py SPECS)
SETTING = "payment_provider"


class CallbackRefused(Exception):
    """A notification the provider did not send or that says nothing usable: answered 400
    (404 when `unknown` — the payment is not ours), kept as a PaymentCallback "refused"."""

    def __init__(self, reason: str, *, unknown: bool = False):
        self.reason = reason
        self.unknown = unknown
        super().__init__(reason)


@dataclass(frozen=True)
class Created:
    """The provider accepted a new payment: its id, where the consumer pays, its state."""

    provider_payment_id: str
    confirmation_url: str
    state: str


@dataclass(frozen=True)
class CallbackEvent:
    """A verified notification: its unique key (a replay has the same one) and what it says."""

    event_key: str
    provider_payment_id: str
    state: str
    amount: Optional[Decimal] = None
    failure_reason: Optional[str] = None


@dataclass(frozen=True)
class Status:
    """A payment as the provider knows it now."""

    state: str
    amount: Optional[Decimal] = None
    failure_reason: Optional[str] = None
    paid_at: Optional[datetime] = None


class Provider(Protocol):
    #: "sandbox" | "yookassa": stored in Payment.provider, part of the callback address
    name: str

    def create(self, payment, *, return_url: str, description: str) -> Created: ...

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackEvent: ...

    def fetch(self, provider_payment_id: str) -> Status: ...

    def refund(self, payment, amount: Decimal) -> Status: ...


#: provider name → a function making it (called per use: providers read settings and config)
REGISTRY: dict[str, Callable[[], Provider]] = {}


def register(name: str, factory: Callable[[], Provider]) -> None:
    REGISTRY[name] = factory


#: the modules that register a provider on import (P5 adds "yookassa" here)
PROVIDER_MODULES = ("sandbox", "yookassa")


def _load_builtin() -> None:
    """Providers register themselves on import; importing them here keeps the registry whole
    whichever module asked first."""
    for module in PROVIDER_MODULES:
        importlib.import_module(f"workflows.payments.providers.{module}")


#: the sandbox pays without money: only where the configuration allows it (PAYMENT_SANDBOX — on in
#: development and tests, off in production unless an admin of the server turns it on)
MSG_SANDBOX_OFF = ("Онлайн-оплата не настроена: песочница платежей работает только в демонстрационной "
                   "установке. Обратитесь в организацию.")


def provider_for(name: str) -> Provider:
    """The provider called `name` (a payment's own, a callback's address); unknown → NotFound;
    the sandbox where the server does not allow it → Invalid (fail closed: no fake payment, no
    notification of one, is ever accepted in production)."""
    _load_builtin()
    factory = REGISTRY.get(name)
    if factory is None:
        raise NotFound("Неизвестный платежный сервис.")
    if name == "sandbox" and not current_app.config.get("PAYMENT_SANDBOX", False):
        raise Invalid(MSG_SANDBOX_OFF)
    return factory()


def active_provider() -> Provider:
    """The provider new payments go to (setting "payment_provider", "sandbox" by default)."""
    return provider_for(get_setting(SETTING) or "sandbox")
