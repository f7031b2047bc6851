"""«Передать показания по всем лицевым счетам» (D9, seed 004 §2.12): one page with the consumer's
linked accounts whose branch takes readings today (Moscow date), each with its meters as on
«Передать показания»; offered only to a consumer with more than one linked account.

Every account is checked and stored on its own by workflows.meters.readings.submit_readings (all
or nothing per account): the accounts that passed are stored, the others come back with their
messages. The questions («Счетчик прошел через ноль?», a jump) of all accounts are answered by
one confirmation, valid only for the values they were asked about.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.core.errors import KabinetError, NotFound
from app.models import AccountLink
from app.security.access import current_consumer
from workflows.billing.links import linked
from workflows.billing.windows import local_day, reading_window, today
from workflows.meters import rules
from workflows.meters.readings import Outcome, ReadingInput, ReadingsForm, readings_form, submit_readings

#: seed 004 §2.12 «Внимание»: the section exists only with more than one account linked
MSG_ONE_ACCOUNT = ("Раздел «Передать показания по всем лицевым счетам» доступен, если к Личному кабинету "
                   "подключен не один лицевой счет")
MSG_NOTHING_TYPED = "Введите текущие показания хотя бы одного прибора учета"
MSG_CONFIRM = "Да, подтверждаю показания, по которым заданы вопросы"


@dataclass
class BulkAccount:
    """One account on the page: its meters, and what its submission came to."""

    link: AccountLink
    form: ReadingsForm
    outcome: Outcome = field(default_factory=Outcome)
    #: the account's refusal as a whole (the readings changed meanwhile, …)
    refusal: str | None = None
    #: readings of the account were stored by this submission
    stored: bool = False

    @property
    def account(self):
        return self.link.account


@dataclass
class BulkPage:
    #: the accounts whose reading window is open today, in the order they were linked
    accounts: list[BulkAccount]
    #: when none is open: the seed's message with each branch's days (one per distinct window)
    closed: list[str] = field(default_factory=list)
    #: a message for the whole form (nothing typed at all)
    refusal: str | None = None

    @property
    def asked(self) -> bool:
        return any(item.outcome.questions for item in self.accounts)

    @property
    def failed(self) -> list[BulkAccount]:
        return [item for item in self.accounts if item.refusal or not item.outcome.ok()]


def bulk_page(actor, now=None) -> BulkPage:
    """The accounts to send readings for today; NotFound when fewer than two are linked."""
    links = linked(current_consumer(actor))
    if len(links) < 2:
        raise NotFound(_(MSG_ONE_ACCOUNT))
    day = local_day(now) if now is not None else today()
    accounts, closed = [], []
    for link in links:
        window = reading_window(link.account.branch, day)
        if window is not None and window.is_open:
            accounts.append(BulkAccount(link, readings_form(link.account, now)))
            continue
        branch = link.account.branch
        message = rules.outside_window_message(branch.reading_day_from, branch.reading_day_to) \
            if window is not None else rules.NO_WINDOW
        if message not in closed:
            closed.append(message)
    return BulkPage(accounts, [] if accounts else closed)


def typed(inputs: list[ReadingInput]) -> bool:
    return any(str(v or "").strip() for item in inputs for v in (item.values or {}).values()) \
        or any(item.photo is not None for item in inputs)


def submit_all(actor, page: BulkPage, inputs: dict[int, list[ReadingInput]], confirmed: set[int],
               now=None) -> BulkPage:
    """Check and store each account's readings on its own (`inputs`: account id → its meters' inputs);
    `page.accounts` get their outcomes. An account with nothing typed is left as it is."""
    if not any(typed(items) for items in inputs.values()):
        page.refusal = _(MSG_NOTHING_TYPED)
        return page
    for item in page.accounts:
        items = inputs.get(item.account.id, [])
        if not typed(items):
            continue
        try:
            item.outcome = submit_readings(actor, item.account, items, confirmed=confirmed, now=now)
        except KabinetError as exc:  # outside the window since the page, changed meanwhile
            item.refusal = exc.message
            continue
        item.stored = bool(item.outcome.stored)
        if item.stored:  # the page shows the stored readings as this period's live ones
            item.form = readings_form(item.account, now)
    return page


def values_stamp(values: dict[str, str]) -> str:
    """The values a question was asked about, e.g. «T1=9950;T2=120»: a confirmation counts only
    for the same values (a value changed after the question is asked about anew)."""
    return ";".join(f"{zone}={''.join(str(value or '').split())}" for zone, value in sorted(values.items()))


def confirmed_meters(confirm: bool, asked: dict[int, str], inputs: dict[int, list[ReadingInput]]) -> set[int]:
    """The meters whose question the one confirmation answers: asked about these very values."""
    if not confirm:
        return set()
    return {item.meter_id for items in inputs.values() for item in items
            if asked.get(item.meter_id) == values_stamp(item.values)}
