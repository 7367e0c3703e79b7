"""Organisation and community services. Other domains call these, never the views.

Each public function that changes something is one unit of work: it checks the
actor's permission (``ensure``), validates, changes, records an audit entry and
commits once at its end. A refusal raises ``OrgError`` with a translated message
after rolling the session back, so bad input changes nothing.
"""

from wcl.orgs.errors import OrgError
from wcl.orgs.services._common import VILLAGE_REFUSED, get_or_404
from wcl.orgs.services.directory import (
    directory_page,
    join_as_organisation,
    join_community,
    leave_community,
    organisation_entry,
    own_entry,
)
from wcl.orgs.services.organisations import (
    add_member,
    create_organisation,
    delete_organisation,
    my_organisations,
    organisations_page,
    remove_member,
    update_organisation,
)
from wcl.orgs.services.partnerships import (
    add_document,
    delete_partnership,
    partnerships_page,
    save_partnership,
    visible_partnerships,
)

__all__ = [
    "VILLAGE_REFUSED",
    "OrgError",
    "add_document",
    "add_member",
    "create_organisation",
    "delete_organisation",
    "delete_partnership",
    "directory_page",
    "get_or_404",
    "join_as_organisation",
    "join_community",
    "leave_community",
    "my_organisations",
    "organisation_entry",
    "organisations_page",
    "own_entry",
    "partnerships_page",
    "remove_member",
    "save_partnership",
    "update_organisation",
    "visible_partnerships",
]
