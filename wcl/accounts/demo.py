"""Demo labs and one user per role, with known passwords (demo only)."""

from wcl.accounts.models import User
from wcl.accounts.permissions import Role
from wcl.accounts.services import create_user, get_user_by_email
from wcl.extensions import db
from wcl.labs.services import ensure_seed_labs

DEMO_PASSWORD = "wcl-demo-2026"

DEMO_USERS = (
    ("admin@wcl.example", "Aizada Admin", [Role.ADMIN, Role.STAFF]),
    ("staff@wcl.example", "Nurgul Staff", [Role.STAFF]),
    ("reviewer@wcl.example", "Cholpon Reviewer", [Role.REVIEWER]),
    ("reviewer2@wcl.example", "Elmira Reviewer", [Role.REVIEWER]),
    ("mentor@wcl.example", "Gulnara Mentor", [Role.MENTOR]),
    ("participant@wcl.example", "Aigerim Participant", [Role.APPLICANT, Role.PARTICIPANT]),
    ("applicant@wcl.example", "Begimai Applicant", [Role.APPLICANT]),
)


def demo_user(email):
    """A demo user by email (loaders of other domains use this)."""
    return db.session.scalar(db.select(User).where(User.email == email))


def load():
    """Create the labs and demo users if missing."""
    ensure_seed_labs()
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for email, name, roles in DEMO_USERS:
        if get_user_by_email(email) is None:
            create_user(email, DEMO_PASSWORD, name, roles)
        lines.append(f"  {email:<28} {', '.join(r.value for r in roles)}")
    return lines
