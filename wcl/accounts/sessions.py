"""Who is signed in: Flask-Login's user loader.

Session ids are "<user id>:<password stamp>" (see ``User.get_id``): changing
the password ends every other session.
"""

from wcl.accounts.models import User
from wcl.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id):
    """The user a session id names, or None when it is stale or malformed."""
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or str(int(user.password_changed_at.timestamp())) != stamp:
        return None
    return user
