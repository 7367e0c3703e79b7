"""Import every domain's models so the metadata is complete (create_all, Alembic)."""

import wcl.reports.maintenance  # noqa: F401,E402  (keeps the money report's per-campaign table)
from wcl.accounts.models import Demographics, User, UserRole  # noqa: F401
from wcl.applications.models import Application, Call  # noqa: F401
from wcl.ashar.models import Beneficiary, CommunityProject, InKindPledge, MatchCommitment  # noqa: F401
from wcl.audit.models import AuditEntry  # noqa: F401
from wcl.campaigns.models import (  # noqa: F401
    Campaign,
    CampaignComment,
    CampaignFollower,
    ExchangeRate,
    MatchingPool,
    Pledge,
    RewardTier,
)
from wcl.cohorts.models import CheckIn, Cohort, CohortSession, Enrolment, Milestone, MilestoneProgress  # noqa: F401
from wcl.core.models import InfoPage  # noqa: F401
from wcl.events.models import Event, EventMaterial, Registration  # noqa: F401
from wcl.files.models import StoredFile  # noqa: F401
from wcl.grants.models import Grant, GrantFund  # noqa: F401
from wcl.jobs.models import OutboxJob  # noqa: F401
from wcl.knowledge.models import Resource  # noqa: F401
from wcl.labs.models import Lab  # noqa: F401
from wcl.orgs.models import DirectoryEntry, Organisation, OrgMembership, Partnership, PartnershipDocument  # noqa: F401
from wcl.outcomes.models import FollowUp, FollowUpConsent, Indicator, SupportOffer, SupportUse, SurveyRound  # noqa: F401
from wcl.payments.models import BankAccount, BankStatement, Refund, StatementLine, WebhookEvent  # noqa: F401
from wcl.pitch.models import PitchConflict, PitchDay, PitchFinalist, PitchJuror, PitchScore  # noqa: F401
from wcl.receipts.models import Receipt  # noqa: F401
from wcl.receipts.numbering import ReceiptSequence  # noqa: F401
from wcl.reports.models import ReportExport  # noqa: F401
