"""The site's navigation and footer links, rendered once per kind of reader and language.

Every page carries them, and for a signed-in reader the navigation asks about twenty
permissions and builds some twenty-five links: a fifth of a signed-in campaign page's
time. What they show depends only on the language, the address the site is served
under, and, for the navigation, on what ``permissions.role_signature`` names (signed in
or not, her roles, her lab scope, what she holds through a relationship): the
navigation templates ask ``can()`` without an object only, which those decide. So each
is rendered once per such combination and kept in this process (a few dozen strings at
most). Nothing in them may depend on anything else about the reader: her name, her
CSRF token (the sign-out form stays in ``base.html``), the page she is on.
"""

from flask_login import current_user

from wcl.accounts.permissions import role_signature
from wcl.core.fragments import rendered_once

NAVIGATION = "core/_navigation.html"
FOOTER_LINKS = "core/_footer_links.html"


def site_navigation():
    """The navigation's links for the current reader, as HTML (``base.html``)."""
    return rendered_once(NAVIGATION, role_signature(current_user._get_current_object()))


def footer_links():
    """The footer's links to the lab's information pages, as HTML (``base.html``)."""
    return rendered_once(FOOTER_LINKS)
