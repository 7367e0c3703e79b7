"""Calls, applications, reviews and decisions: one module per use case.

Each public function is one unit of work: it checks who may act, validates,
changes, records an audit entry and commits once at its end. Refusals raise
``ApplicationError`` with a translated message; nothing is stored then.
Other domains and the views call these functions as ``services.<name>``; this
package re-exports every public name of its modules:

- ``calls``: finding calls; staff create and edit them
- ``call_form``: a call's questions and rubric criteria
- ``applying``: the applicant's draft, steps, submission and withdrawal
- ``paper``: staff type in a paper application
- ``viewing``: who sees an application how (blind review)
- ``assignments``: reviewers assigned by hand or evenly; conflicts of interest
- ``reviews``: a reviewer's scores and comment
- ``ranking``: weighted totals and the ranked list
- ``decision_templates``: the decision emails' texts
- ``decisions``: shortlist, accept, waitlist, reject
- ``labels``: translated names of statuses and audit actions
- ``teams``: teams applying (invitations by email) and organisations applying
- ``co_reviewers``: partner organisations named co-reviewers of a call; who may apply
- ``exports``: the staff's list of a call's applications and its CSV/XLSX export
"""

from wcl.applications.errors import ApplicationError
from wcl.applications.queries import is_active_reviewer
from wcl.applications.services._common import OUTCOMES, PLACEHOLDER_EMAIL_DOMAIN
from wcl.applications.services.applying import (
    MAX_ATTACHMENTS,
    STEPS,
    WITHDRAWABLE,
    add_attachment,
    find_application,
    finish_files_step,
    first_incomplete_step,
    missing_required,
    my_applications,
    remove_attachment,
    save_about,
    save_answers,
    start_application,
    step_completion,
    submit_application,
    withdraw_application,
)
from wcl.applications.services.assignments import (
    AutoAssignResult,
    assign_reviewer,
    assignments_for,
    auto_assign,
    declare_conflict,
    eligible_reviewers,
    reviewer_assignments,
)
from wcl.applications.services.call_form import (
    add_criterion,
    add_question,
    delete_criterion,
    delete_question,
    move_question,
    update_criterion,
    update_question,
)
from wcl.applications.services.calls import (
    application_counts,
    calls_for_staff,
    create_call,
    get_call_by_slug,
    list_open_calls,
    slugify,
    update_call,
)
from wcl.applications.services.co_reviewers import (
    co_reviewers_of,
    name_co_reviewer,
    remove_co_reviewer,
    set_applicant_kinds,
)
from wcl.applications.services.decision_templates import (
    DEFAULT_TEMPLATES,
    PLACEHOLDERS,
    all_decision_templates,
    decision_template,
    fill_placeholders,
    save_decision_template,
)
from wcl.applications.services.decisions import DECIDABLE, NOTE_MAX, decide, decisions_for, shortlist
from wcl.applications.services.exports import (
    DEMOGRAPHIC_COLUMNS,
    call_applications,
    export_csv,
    export_table,
    export_xlsx,
)
from wcl.applications.services.labels import audit_label, status_label
from wcl.applications.services.paper import enter_paper_application
from wcl.applications.services.ranking import (
    SPREAD_FLAG,
    RankedRow,
    application_reviews,
    ranked_applications,
    review_total,
)
from wcl.applications.services.reviews import COMMENT_MAX, review_by, save_review
from wcl.applications.services.teams import (
    accept_invitation,
    decline_invitation,
    invitation_for,
    invite_member,
    my_invitations,
    my_teams,
    remove_member,
    start_organisation_application,
    start_team_application,
    team_invite_token,
    team_of,
)
from wcl.applications.services.viewing import get_attachment, is_blind_for, viewer_role

__all__ = [
    "accept_invitation",
    "co_reviewers_of",
    "decline_invitation",
    "invitation_for",
    "invite_member",
    "my_invitations",
    "my_teams",
    "name_co_reviewer",
    "remove_co_reviewer",
    "remove_member",
    "set_applicant_kinds",
    "start_organisation_application",
    "start_team_application",
    "team_invite_token",
    "team_of",
    "COMMENT_MAX",
    "DECIDABLE",
    "DEFAULT_TEMPLATES",
    "DEMOGRAPHIC_COLUMNS",
    "MAX_ATTACHMENTS",
    "NOTE_MAX",
    "OUTCOMES",
    "PLACEHOLDERS",
    "PLACEHOLDER_EMAIL_DOMAIN",
    "SPREAD_FLAG",
    "STEPS",
    "WITHDRAWABLE",
    "ApplicationError",
    "AutoAssignResult",
    "RankedRow",
    "add_attachment",
    "add_criterion",
    "add_question",
    "all_decision_templates",
    "application_counts",
    "application_reviews",
    "assign_reviewer",
    "assignments_for",
    "audit_label",
    "auto_assign",
    "call_applications",
    "calls_for_staff",
    "create_call",
    "decide",
    "decision_template",
    "decisions_for",
    "declare_conflict",
    "delete_criterion",
    "delete_question",
    "eligible_reviewers",
    "enter_paper_application",
    "export_csv",
    "export_table",
    "export_xlsx",
    "fill_placeholders",
    "find_application",
    "finish_files_step",
    "first_incomplete_step",
    "get_attachment",
    "get_call_by_slug",
    "is_active_reviewer",
    "is_blind_for",
    "list_open_calls",
    "missing_required",
    "move_question",
    "my_applications",
    "ranked_applications",
    "remove_attachment",
    "review_by",
    "review_total",
    "reviewer_assignments",
    "save_about",
    "save_answers",
    "save_decision_template",
    "save_review",
    "shortlist",
    "slugify",
    "start_application",
    "status_label",
    "step_completion",
    "submit_application",
    "update_call",
    "update_criterion",
    "update_question",
    "viewer_role",
    "withdraw_application",
]
