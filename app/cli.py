"""`flask kabinet …` commands: roles, reference data, demo data, outbox, worker.

A command that changes data runs in one transaction (`transactional`, the request
boundary's twin): committed once when it returns, rolled back on any error; a KabinetError
is its error message and exit status 1.
"""
import functools

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.errors import KabinetError
from app.core.transactions import unit_of_work
from app.extensions import appbuilder

kabinet_cli = AppGroup("kabinet", help="Kabinet administration commands.")


def transactional(name: str):
    """A `flask kabinet <name>` command run in unit_of_work()."""

    def register(command):
        @functools.wraps(command)
        def run(*args, **kwargs):
            try:
                with unit_of_work():
                    return command(*args, **kwargs)
            except KabinetError as exc:
                raise click.ClickException(exc.message) from None

        return kabinet_cli.command(name)(run)

    return register


@transactional("sync-roles")
def sync_roles_command():
    """Create view permissions and make each role hold exactly its configured set."""
    from app.security.roles import sync_roles

    for role, count in sync_roles(appbuilder).items():
        click.echo(f"{role}: {count} permissions")


@transactional("seed")
def seed_command():
    """Load the default reference data (application types, statuses, calendar …)."""
    from app.core.areas import seed_reference_data

    seed_reference_data()
    click.echo("reference data loaded")


@transactional("demo")
@click.option("--password", default="Demo-2026!", show_default=True)
def demo_command(password):
    """Create demo users (admin, staff, one consumer per legal form) and print their logins."""
    from app.demo import create_demo_data

    for line in create_demo_data(password):
        click.echo(line)


@kabinet_cli.command("outbox-sweep")
def outbox_sweep_command():
    """Deliver every due outbox message now (also run every minute by `rq cron`); a job, so
    each message is claimed and recorded in transactions of its own (app/core/notifications)."""
    from app.core.notifications.outbox import sweep_outbox

    click.echo(f"{sweep_outbox()} messages processed")


@kabinet_cli.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
def worker_command(burst):
    """Run an rq worker for the Kabinet queue (needs REDIS_URL)."""
    from redis import Redis
    from rq import Queue, Worker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: jobs run in-process, no worker needed")
    # its own connection: the requests' one gives up after REDIS_SOCKET_TIMEOUT, a worker waits
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    queue = Queue(current_app.config["RQ_QUEUE"], connection=connection)
    Worker([queue], connection=connection).work(burst=burst, with_scheduler=True)


@kabinet_cli.command("audit-verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def audit_verify_command(path):
    """Check an audit log export (JSON lines with a hash chain): exit 1 if a line was changed."""
    from app.core.audit import ChainBroken, verify_chain

    with open(path, encoding="utf-8") as export:
        try:
            count = verify_chain(export)
        except ChainBroken as exc:
            click.echo(f"ОШИБКА: выгрузка изменена — {exc}", err=True)
            raise SystemExit(1) from None
    click.echo(f"OK: {count} записей, цепочка не нарушена")
