"""Ashar services, one module per use case; each public function is one unit of work and commits once.

- ``projects``: an initiative group proposes its project (and campaign draft); staff admit or reject
- ``matches``: a municipality's signed match commitment (a matching pool for its territory)
- ``inkind``: labour and materials pledged, confirmed by staff, with a certificate of contribution
- ``beneficiaries``: a group campaign's beneficiaries and their shares
"""

from wcl.ashar.errors import AsharError
from wcl.ashar.services.beneficiaries import beneficiaries_of, set_beneficiaries
from wcl.ashar.services.inkind import (
    certificate_number,
    confirm_inkind,
    decline_inkind,
    pledge_by_token,
    pledge_inkind,
    pledges_of_project,
)
from wcl.ashar.services.matches import commit_match, commitments, municipalities
from wcl.ashar.services.projects import (
    admit_project,
    my_projects,
    projects_for,
    propose_project,
    reject_project,
)

__all__ = [
    "AsharError",
    "admit_project",
    "beneficiaries_of",
    "certificate_number",
    "commit_match",
    "commitments",
    "confirm_inkind",
    "decline_inkind",
    "municipalities",
    "my_projects",
    "pledge_by_token",
    "pledge_inkind",
    "pledges_of_project",
    "projects_for",
    "propose_project",
    "reject_project",
    "set_beneficiaries",
]
