"""Teams and organisations applying (issue 20).

A team application is an ``Application`` whose applicant is the team's lead; every
person in the team, the lead included, is a ``TeamMember`` row. The lead invites
members by email with a signed, expiring link; each member accepts with her consent
and may give her own (optional) demographics. A team is submitted only when it has
at least the call's minimum of people, all of whom accepted, and never more than its
maximum. An organisation applies through its representative.

The database keeps one person in one team per call (partial unique indexes on
``team_members``), so two racing requests cannot both place her.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from wcl.accounts import tokens
from wcl.accounts.models import User
from wcl.accounts.permissions import can, ensure
from wcl.accounts.services import CONSENT_VERSION, normalise_email, save_demographics
from wcl.applications.models import (
    ApplicantKind,
    Application,
    TeamMember,
    TeamMemberStatus,
    TeamRole,
)
from wcl.applications.services._common import S, clean_text, fail, new_draft
from wcl.audit.services import record
from wcl.extensions import db
from wcl.i18n import LANGUAGE_NAMES, user_locale
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.time import utcnow

TEAM_INVITE = "team-invite"
DEFAULT_INVITE_MAX_AGE = int(timedelta(days=14).total_seconds())
ALREADY_IN_A_TEAM = _l("This person is already in another team of this call.")


def _invite_max_age():
    return current_app.config.get("TEAM_INVITE_MAX_AGE", DEFAULT_INVITE_MAX_AGE)


def _active_members(application):
    return [m for m in application.team_members if m.status in TeamMemberStatus.ACTIVE]


def in_a_team(call_id, user=None, email=None, except_application_id=None):
    """Is the person (by account or by address) in a team of the call, invited or accepted?"""
    conditions = []
    if user is not None:
        conditions.append((TeamMember.user_id == user.id) & (TeamMember.status == TeamMemberStatus.ACCEPTED))
        email = email or user.email
    if email:
        conditions.append(TeamMember.email == normalise_email(email))
    stmt = db.select(TeamMember.id).where(
        TeamMember.call_id == call_id,
        TeamMember.status.in_(TeamMemberStatus.ACTIVE),
        db.or_(*conditions),
    )
    if except_application_id is not None:
        stmt = stmt.where(TeamMember.application_id != except_application_id)
    return db.session.scalar(stmt.limit(1)) is not None


def _own_application_in(call_id, user_id):
    return db.session.scalar(
        db.select(Application.id).where(Application.call_id == call_id, Application.applicant_id == user_id)
    )


def _ensure_may_start(actor, call):
    ensure("applications.apply", user=actor)
    if _own_application_in(call.id, actor.id) is not None:
        fail(_l("You already have an application to this call."))
    if in_a_team(call.id, user=actor):
        fail(_l("You are already in a team of this call."))
    if not call.is_open():
        fail(_l("This call is not open for applications."))


def start_team_application(actor, call, team_name, consent=False):
    """The lead opens a team's draft; she is its first member (with her consent)."""
    if not call.accepts_teams:
        fail(_l("This call does not take applications from teams."))
    try:
        name = clean_text(team_name, 120, False)
    except ValueError as exc:
        fail(str(exc), field="team_name")
    if not name:
        fail(_l("Please give your team a name."), field="team_name")
    if not consent:
        fail(_l("Please tick the box to agree to take part in the team."), field="consent")
    _ensure_may_start(actor, call)
    now = utcnow()
    application = Application(
        call=call,
        applicant_id=actor.id,
        applicant_kind=ApplicantKind.TEAM,
        team_name=name,
        status=S.DRAFT,
        contact_name=actor.full_name,
        contact_phone=actor.phone,
    )
    application.team_members.append(
        TeamMember(
            call_id=call.id,
            email=actor.email,
            user_id=actor.id,
            role=TeamRole.LEAD,
            status=TeamMemberStatus.ACCEPTED,
            invited_at=now,
            accepted_at=now,
            consent_version=CONSENT_VERSION,
            consent_at=now,
        )
    )
    db.session.add(application)
    _flush_or_refuse(_l("You are already in a team of this call."))
    record("application.started", application, actor=actor, call_id=call.id, kind=ApplicantKind.TEAM)
    db.session.commit()
    return application


def start_organisation_application(actor, call, organisation):
    """The organisation's representative opens its draft (one per organisation and call)."""
    if not call.accepts_organisations:
        fail(_l("This call does not take applications from organisations."))
    if organisation is None:
        fail(_l("Choose an organisation."), field="organisation_id")
    ensure("applications.apply", user=actor)
    if not can("applications.apply_for_organisation", organisation, user=actor):
        fail(_l("Only a representative of the organisation can apply for it."))
    taken = db.session.scalar(
        db.select(Application.id).where(
            Application.call_id == call.id, Application.organisation_id == organisation.id
        )
    )
    if taken is not None:
        fail(_l("This organisation has already applied to this call."))
    _ensure_may_start(actor, call)
    application = new_draft(actor, call, organisation)
    db.session.commit()
    return application


def _flush_or_refuse(message):
    """Flush; a unique index saying "already in a team" refuses with ``message``."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        fail(message)


def _ensure_lead_of_draft(actor, application):
    if not application.is_team:
        fail(_l("This application is not a team's."))
    if application.applicant_id != getattr(actor, "id", None):
        fail(_l("Only the team lead can change the team."))
    if application.status != S.DRAFT:
        fail(_l("This application is already submitted and cannot be changed."))


def team_invite_token(member):
    """The signed link token of a member's invitation."""
    return tokens.make_token(TEAM_INVITE, {"m": member.id, "e": member.email})


def _queue_invitation(application, member, lead):
    locale = member.locale or "en"
    queue_email(
        member.email,
        "applications/team_invite",
        locale,
        lead=lead.public_name,
        team=application.team_name,
        call_title=application.call.title(locale),
        link=absolute_url("applications.team_invite", token=team_invite_token(member)),
        days=_invite_max_age() // 86400,
    )


def invite_member(actor, application, email, locale=None):
    """The lead invites one person by email; the invitation is emailed after commit,
    in the invitee's own language when she has an account (else ``locale``)."""
    _ensure_lead_of_draft(actor, application)
    address = normalise_email(email)
    if "@" not in address or len(address) > 254 or " " in address:
        fail(_l("Enter a valid email address."), field="email")
    call = application.call
    if any(m.email == address for m in _active_members(application)):
        fail(_l("This person is already invited to your team."), field="email")
    invitee = db.session.scalar(db.select(User).where(User.email == address))
    if in_a_team(call.id, user=invitee, email=address) or (
        invitee is not None and _own_application_in(call.id, invitee.id) is not None
    ):
        fail(ALREADY_IN_A_TEAM, field="email")
    if len(_active_members(application)) + 1 > call.team_max_size:
        fail(_l("A team in this call has at most %(n)d people.", n=call.team_max_size), field="email")
    member = TeamMember(
        call_id=call.id,
        email=address,
        role=TeamRole.MEMBER,
        status=TeamMemberStatus.INVITED,
        invited_by_id=actor.id,
        locale=user_locale(invitee)
        if invitee is not None
        else (locale if locale in LANGUAGE_NAMES else "en"),
    )
    application.team_members.append(member)
    _flush_or_refuse(ALREADY_IN_A_TEAM)
    record("team.member_invited", application, actor=actor, member_id=member.id)
    _queue_invitation(application, member, actor)
    db.session.commit()
    return member


def remove_member(actor, application, member_id):
    """The lead takes back an invitation or removes a member (never herself)."""
    _ensure_lead_of_draft(actor, application)
    member = next((m for m in _active_members(application) if m.id == member_id), None)
    if member is None or member.role == TeamRole.LEAD:
        fail(_l("This person is not a member of your team."))
    member.status = TeamMemberStatus.REMOVED
    record("team.member_removed", application, actor=actor, member_id=member.id)
    db.session.commit()


def invitation_for(token):
    """The pending invitation a link names; refuses an expired, forged or used link."""
    try:
        data = tokens.read_token(TEAM_INVITE, token, _invite_max_age())
    except tokens.TokenError as exc:
        if exc.expired:
            fail(_l("This invitation has expired. Ask the team lead for a new one."))
        fail(_l("This invitation link is not valid."))
    member = db.session.get(TeamMember, data.get("m")) if isinstance(data, dict) else None
    if member is None or member.email != data.get("e"):
        fail(_l("This invitation link is not valid."))
    if member.status != TeamMemberStatus.INVITED:
        fail(_l("This invitation is no longer open."))
    return member


def accept_invitation(actor, token, consent=False, demographics=None):
    """The invited person joins the team with her consent; ``demographics`` (the
    accounts' demographics answers, optional) are saved as her own answers."""
    member = invitation_for(token)
    if normalise_email(actor.email) != member.email:
        fail(_l("This invitation was sent to another email address. Sign in with that address's account."))
    if not consent:
        fail(_l("Please tick the box to agree to take part in the team."), field="consent")
    application = member.application
    if application.status != S.DRAFT:
        fail(_l("This team has already submitted its application."))
    call_id = application.call_id
    if in_a_team(call_id, user=actor, except_application_id=application.id) or (
        _own_application_in(call_id, actor.id) not in (None, application.id)
    ):
        fail(_l("You are already in a team of this call."))
    now = utcnow()
    member.status = TeamMemberStatus.ACCEPTED
    member.user_id = actor.id
    member.accepted_at = now
    member.consent_version = CONSENT_VERSION
    member.consent_at = now
    _flush_or_refuse(_l("You are already in a team of this call."))
    record("team.member_accepted", application, actor=actor, member_id=member.id)
    if demographics is not None:
        # The accounts service records its own audit entry and commits this unit.
        save_demographics(actor, demographics)
    else:
        db.session.commit()
    return member


def decline_invitation(actor, token):
    """The invited person says no; the lead may invite someone else."""
    member = invitation_for(token)
    if normalise_email(actor.email) != member.email:
        fail(_l("This invitation was sent to another email address. Sign in with that address's account."))
    member.status = TeamMemberStatus.DECLINED
    record("team.member_declined", member.application, actor=actor, member_id=member.id)
    db.session.commit()


def ensure_team_ready(application):
    """At submission: enough people, all of them accepted, not too many."""
    if not application.is_team:
        return
    call = application.call
    active = _active_members(application)
    if any(m.status == TeamMemberStatus.INVITED for m in active):
        fail(_l("Some invited members have not accepted yet. Wait for them or take back their invitations."))
    if len(active) < call.team_min_size:
        fail(_l("A team needs at least %(n)d people who accepted the invitation.", n=call.team_min_size))
    if len(active) > call.team_max_size:
        fail(_l("A team in this call has at most %(n)d people.", n=call.team_max_size))


def ensure_individual_allowed(actor, call):
    """An individual application: the call takes them, and she is in no team of it."""
    if not call.accepts_individuals:
        fail(_l("This call takes applications from teams or organisations only."))
    if in_a_team(call.id, user=actor):
        fail(_l("You are already in a team of this call."))


def team_of(application):
    """The team's people still in it (lead first), for its pages."""
    return sorted(_active_members(application), key=lambda m: (m.role != TeamRole.LEAD, m.id))


def my_invitations(user):
    """Open invitations sent to the user's address."""
    return db.session.scalars(
        db.select(TeamMember)
        .where(TeamMember.email == normalise_email(user.email), TeamMember.status == TeamMemberStatus.INVITED)
        .order_by(TeamMember.invited_at.desc())
    ).all()


def my_teams(user):
    """Team applications the user is an accepted member of (not as lead)."""
    return db.session.scalars(
        db.select(Application)
        .join(TeamMember, TeamMember.application_id == Application.id)
        .where(
            TeamMember.user_id == user.id,
            TeamMember.status == TeamMemberStatus.ACCEPTED,
            TeamMember.role == TeamRole.MEMBER,
        )
        .order_by(Application.id.desc())
    ).all()
