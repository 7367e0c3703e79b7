"""Object rules for people and the community around the programme: demographics,
Ashar community projects, events, organisations and community members.
"""

from wcl.accounts.rules.roles import S, has_role, in_lab_scope, in_own_lab
from wcl.ashar.queries import community_campaign_admitted, project_lab_id, project_lead_id
from wcl.orgs.queries import is_community_member, is_representative


def own_demographics(user, demographics):
    return demographics is not None and demographics.user_id == user.id


def ashar_staff(user, obj):
    # A community project (or its in-kind pledges): staff of the project's lab; a
    # project of no lab is for unscoped staff, as money of no lab is.
    return has_role(user, S) and in_own_lab(user, project_lab_id(obj))


def project_lead(user, obj):
    return obj is not None and project_lead_id(obj) == user.id


def campaign_may_launch(campaign):
    """The launch gate's one exception: a community project's campaign goes to review
    only once staff admitted the project (its lead needs no cohort); any other campaign
    passed the cohort gate when it was created."""
    return community_campaign_admitted(campaign.id) is not False


def event_staff(user, event):
    # Staff act on their lab's events; an event of no lab (a city-wide festival) is
    # for unscoped staff, as money and letters of no lab are.
    return has_role(user, S) and in_own_lab(user, getattr(event, "lab_id", None))


def org_staff(user, obj):
    # Organisations belong to the whole programme; a partnership (or its document)
    # set to one lab is for that lab's staff and unscoped staff.
    partnership = getattr(obj, "partnership", None) or obj
    return has_role(user, S) and in_lab_scope(user, getattr(partnership, "lab_id", None))


def org_representative(user, org):
    return org is not None and is_representative(org.id, user.id)


def community_member(user, _resource):
    # Members-only resources: anyone who joined the community, herself or through
    # an organisation she belongs to (people in the programme hold the roles).
    return user.email_verified_at is not None and is_community_member(user.id)
