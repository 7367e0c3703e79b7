"""Command line: ``flask --app wcl demo | create-user | i18n | jobs``.

Domain commands live with their domain (``accounts/cli.py``, ``payments/cli.py``).
"""

import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from wcl import i18n
from wcl.accounts.cli import create_user

ROOT = Path(__file__).resolve().parent.parent
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]
# Besides Babel's defaults (_, gettext, ngettext, pgettext, ...): the lazy forms used
# for labels defined at import time. ``1c,2`` = context first, message second.
EXTRACT_KEYWORDS = ["_l", "lazy_gettext", "lazy_pgettext:1c,2"]

# Catalogue domains: (translations folder, source paths). Core holds the shared
# pieces (base template, errors, helpers); each domain package holds its own.
I18N_DOMAINS = {
    "core": [
        "wcl/*.py",
        "wcl/core",
        "wcl/files",
        "templates/base.html",
        "templates/_macros.html",
        "templates/core",
    ],
    "accounts": [
        "wcl/accounts",
        "wcl/audit",
        "wcl/labs",
        "templates/accounts",
    ],
}


def register_cli(app):
    """Attach the commands to the app."""
    app.cli.add_command(demo)
    app.cli.add_command(create_user)
    app.cli.add_command(i18n_group)
    app.cli.add_command(jobs_group)
    app.cli.add_command(check_ledger)
    from wcl.payments.cli import payments_group

    app.cli.add_command(payments_group)


@click.command("demo")
@with_appcontext
def demo():
    """Load idempotent demo data and print the demo logins."""
    from wcl.demo import load_demo

    for line in load_demo():
        click.echo(line)


@click.command("check-ledger")
@with_appcontext
def check_ledger():
    """Check the money invariants (receipt numbers, refunds, pools, stock, grant funds, lab campaigns) and the stored files; exit 1 on any problem."""
    from wcl.core.ledger import check_ledger as run_checks

    problems = 0
    for name, found in run_checks().items():
        click.echo(f"{name}: {'ok' if not found else f'{len(found)} problem(s)'}")
        for line in found:
            click.echo(f"  {line}")
        problems += len(found)
    if problems:
        raise SystemExit(1)


@click.group("i18n")
def i18n_group():
    """Translation catalogues (one per domain)."""


@i18n_group.command("compile")
@click.option("--force", is_flag=True, help="Recompile every catalogue.")
def i18n_compile(force):
    """Compile .po catalogues to .mo."""
    written = i18n.compile_catalogues(force=force)
    click.echo(f"compiled {len(written)} catalogue(s)")


def domain_folder(domain):
    """The ``translations`` folder of DOMAIN's catalogues."""
    return ROOT / ("wcl/core" if domain == "core" else f"wcl/{domain}") / "translations"


def domain_sources(domain):
    """The existing source files and folders whose strings belong to DOMAIN's catalogue."""
    default = [f"wcl/{domain}", f"templates/{domain}"]
    sources = []
    for pattern in I18N_DOMAINS.get(domain, default):
        sources += [str(p) for p in sorted(ROOT.glob(pattern))] if "*" in pattern else [str(ROOT / pattern)]
    return [s for s in sources if Path(s).exists()]


def extract_template(domain, pot):
    """Write DOMAIN's message template to POT (``flask i18n extract`` and the catalogue test)."""
    subprocess.run(
        [
            *PYBABEL,
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            *(arg for keyword in EXTRACT_KEYWORDS for arg in ("-k", keyword)),
            "--no-location",
            "--omit-header",
            "-o",
            str(pot),
            *domain_sources(domain),
        ],
        check=True,
        cwd=ROOT,
    )


@i18n_group.command("extract")
@click.argument("domain")
def i18n_extract(domain):
    """Extract DOMAIN's strings and update its ru/ky catalogues."""
    if domain not in I18N_DOMAINS and not (ROOT / "wcl" / domain / "__init__.py").exists():
        raise click.BadParameter(f"no package wcl/{domain}")
    folder = domain_folder(domain)
    folder.mkdir(parents=True, exist_ok=True)
    pot = folder / "messages.pot"
    extract_template(domain, pot)
    for locale in ("ru", "ky"):
        po = folder / locale / "LC_MESSAGES" / "messages.po"
        action = "update" if po.exists() else "init"
        subprocess.run(
            [*PYBABEL, action, "-i", str(pot), "-d", str(folder), "-l", locale, "--no-wrap"],
            check=True,
            cwd=ROOT,
        )
    click.echo(f"updated {folder}")


@click.group("jobs")
def jobs_group():
    """Background jobs."""


@jobs_group.command("run-periodic")
@with_appcontext
def run_periodic():
    """Run every periodic job once, now (for the embedded default without a scheduler)."""
    from wcl.queue import run_job
    from wcl.schedule import PERIODIC_JOBS

    for job in PERIODIC_JOBS:
        click.echo(f"running {job.func_path}")
        run_job(job.func_path)
    current_app.logger.info("periodic jobs done")
