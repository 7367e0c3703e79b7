"""Background work for cohorts: certificates and reminders.

Jobs take ids, are idempotent (RQ delivers at least once) and call the
services, which hold the logic. Each job has the name of the service it runs.
"""

from wcl.cohorts import services


def issue_certificate(enrolment_id):
    """Render a graduate's certificate of completion (PDF, in her language),
    store it and email her a link. Re-running after success does nothing."""
    stored = services.issue_certificate(enrolment_id)
    return getattr(stored, "id", None)


# The job's name before it matched its service: jobs already queued (or in the
# outbox) under it still resolve.
render_certificate = issue_certificate


def send_session_reminders():
    """Periodic: email participants about sessions starting in the next 24 hours;
    each session is reminded once (``reminder_sent_at``)."""
    return services.send_session_reminders()


def send_checkin_reminders():
    """Periodic: email mentors whose active participants have had no check-in for
    longer than the cohort's interval (default 14 days); at most one reminder
    per participant per interval."""
    return services.send_checkin_reminders()
