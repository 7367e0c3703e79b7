"""Account commands: ``flask create-user``."""

import click
from flask.cli import with_appcontext

from wcl.accounts.errors import AccountError
from wcl.accounts.permissions import Role
from wcl.accounts.services import create_user as create


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    default=["applicant"],
    show_default=True,
    help="Role to grant (repeatable): applicant, participant, mentor, reviewer, staff, admin.",
)
@click.option("--name", default=None, help="Full name (defaults to the email's local part).")
@click.option(
    "--locale",
    type=click.Choice(["en", "ru", "ky"]),
    default=None,
    help="Language of her emails and certificates (en, ru, ky).",
)
@click.password_option(help="Password (asked for when not given).")
@with_appcontext
def create_user(email, roles, name, locale, password):
    """Create a verified account with the given roles."""
    try:
        parsed = [Role(r) for r in roles]
    except ValueError:
        raise click.BadParameter(
            f"roles must be among {', '.join(r.value for r in Role)}", param_hint="--role"
        ) from None
    try:
        user = create(email, password, name or email.split("@")[0], parsed, locale=locale)
    except AccountError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(f"created user {user.id} <{user.email}> with roles {', '.join(sorted(user.role_names))}")
