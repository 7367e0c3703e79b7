"""``flask --app wcl payments …``: reconciliation and the inbox sweeper by hand."""

import click
from flask.cli import with_appcontext

from wcl.payments.services import reconciliation, sweeper


@click.group("payments")
def payments_group():
    """Payments: reconcile with Stripe, sweep the webhook inbox."""


@payments_group.command("reconcile")
@click.option("--dry-run", is_flag=True, help="Only list disagreements; change nothing.")
@with_appcontext
def reconcile_command(dry_run):
    """List pledges whose state disagrees with Stripe, and fix them."""
    found = reconciliation.reconcile(fix=not dry_run)
    for pledge_id, said, outcome in found:
        click.echo(f"pledge {pledge_id}: stripe says {said} → {outcome or 'not changed'}")
    fixed = sum(1 for _p, _s, outcome in found if outcome and not outcome.startswith("reported"))
    click.echo(f"{len(found)} disagreement(s) found, {fixed} fixed")


@payments_group.command("sweep")
@with_appcontext
def sweep_command():
    """Re-enqueue webhook events left unprocessed."""
    click.echo(f"{sweeper.sweep_inbox()} event(s) re-enqueued")
