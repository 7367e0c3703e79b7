"""Object rules for campaigns and their money: pledges, pools, payments, receipts,
bank accounts and grant funds.

A campaign's lab is ``campaigns.queries.campaign_lab`` (the lab's own campaign, a
community project's lab, else its owner's cohort's lab); staff scoped to a lab act
on that lab's money only (``in_own_lab``).
"""

from wcl.accounts.rules.roles import S, has_role, in_own_lab, is_unscoped
from wcl.campaigns.queries import campaign_lab_id, pool_lab_id
from wcl.grants.queries import grant_lab_id, grant_recipient_id


def own_campaign(user, campaign):
    return campaign is not None and getattr(campaign, "owner_id", None) == user.id


def may_comment(user, campaign):
    # Any signed-in person with a confirmed email, whatever her roles (a
    # backer's account may hold none), on a public campaign.
    return user.email_verified_at is not None and bool(getattr(campaign, "is_public", False))


def own_comment(user, comment):
    return comment is not None and getattr(comment, "author_id", None) == user.id


def _campaign_id_of(obj):
    # campaigns themselves; pledges and receipts through their campaign
    return obj.id if obj.__tablename__ == "campaigns" else obj.campaign_id


def pool_in_lab(user, pool):
    # A pool belongs to the one lab of the campaigns it matches and of a lab campaign
    # feeding it; one matching none yet, to its creator's lab (``pool_lab_id``, which
    # the lab campaign's services read too).
    return in_own_lab(user, pool_lab_id(pool))


def campaign_staff(user, obj):
    # Staff act on the money of their lab's campaigns (a campaign's lab is its
    # owner's cohort's lab): pledges, refunds, offline payments, receipts, pools.
    if not has_role(user, S):
        return False
    if is_unscoped(user):
        return True
    if obj.__tablename__ == "matching_pools":
        return pool_in_lab(user, obj)
    # A community project's campaign carries its project's lab (``campaign_lab`` reads it).
    return in_own_lab(user, campaign_lab_id(_campaign_id_of(obj)))


def lab_campaign_staff(user, obj):
    # The lab's own campaign: staff of that lab (or unscoped staff) create and
    # launch it. ``obj`` is the lab, or the lab campaign itself.
    lab_id = obj.id if obj.__tablename__ == "labs" else getattr(obj, "lab_id", None)
    return has_role(user, S) and lab_id is not None and in_own_lab(user, lab_id)


def own_receipt(user, receipt):
    # Her account's receipts, and guest ones made with her confirmed email
    # (as "My pledges" does).
    if receipt is None:
        return False
    if receipt.backer_id is not None:
        return receipt.backer_id == user.id
    return (
        user.email_verified_at is not None and bool(receipt.donor_email) and receipt.donor_email == user.email
    )


def bank_staff(user, obj):
    # A lab's bank account, its statements and their lines: staff of that lab;
    # the organisation's own account (no lab): unscoped staff.
    account = getattr(obj, "account", None) or obj
    return has_role(user, S) and in_own_lab(user, getattr(account, "lab_id", None))


def grant_staff(user, obj):
    # Staff act on their lab's grant funds and everything in them; a fund
    # belongs to exactly one lab (``in_own_lab``: unscoped staff see every lab).
    return has_role(user, S) and in_own_lab(user, grant_lab_id(obj))


def own_grant(user, obj):
    return obj is not None and grant_recipient_id(obj) == user.id
