"""Pieces the cohort views share (private to the views package)."""

from datetime import date

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from wcl.accounts.permissions import abort_unless, can
from wcl.cohorts import forms, services
from wcl.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from wcl.i18n import current_locale


def mentor_choices(empty_label):
    """Choices for a mentor select: an empty choice, then every active mentor."""
    return [("", empty_label)] + [(str(i), name) for i, name in services.mentor_choices()]


def load_cohort(cohort_id, permission="cohorts.view"):
    """The cohort, or 404; 403 unless the current user holds ``permission`` on it."""
    cohort = services.get_or_404(Cohort, cohort_id)
    abort_unless(permission, cohort)
    return cohort


def load_enrolment(enrolment_id, permission="cohorts.view"):
    """The enrolment, or 404; 403 unless the current user holds ``permission`` on it."""
    enrolment = services.get_or_404(Enrolment, enrolment_id)
    abort_unless(permission, enrolment)
    return enrolment


def render_enrolment(enrolment, **form_overrides):
    """One participant's page; ``form_overrides`` re-show a form with its errors."""
    staff = can("cohorts.manage", enrolment)
    mentor_form = forms.MentorForm(mentor_id=enrolment.mentor_id)
    mentor_form.mentor_id.choices = mentor_choices(_("Choose a mentor"))
    context = {
        "enrolment": enrolment,
        "cohort": enrolment.cohort,
        "staff": staff,
        "is_mentor": can("cohorts.checkin", enrolment),
        "is_self": enrolment.participant_id == current_user.id,
        "progress": services.progress_of(enrolment, current_locale()),
        "attendance": services.attendance_of(enrolment, current_locale()),
        "checkins": services.checkins_of(enrolment) if (staff or can("cohorts.mentor", enrolment)) else [],
        "problems": services.graduation_problems(enrolment)
        if enrolment.status == EnrolmentStatus.ACTIVE
        else [],
        "mentor_form": mentor_form,
        "checkin_form": forms.CheckInForm(met_on=date.today()),
        "withdraw_form": forms.WithdrawForm(),
        "evidence_form": forms.EvidenceForm(),
        "review_form": forms.ReviewForm(),
        "confirm": forms.ConfirmForm(),
        "certificate_number": services.certificate_number(enrolment),
    }
    context.update(form_overrides)
    return render_template("cohorts/enrolment.html", **context)
