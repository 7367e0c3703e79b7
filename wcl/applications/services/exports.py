"""The staff's list of a call's applications, and its export as CSV or XLSX."""

import csv
import io

from sqlalchemy.orm import selectinload

from wcl.accounts.permissions import can, ensure
from wcl.applications.models import Application, ApplicationAnswer, Decision, QuestionKind
from wcl.applications.services._common import S, can_email
from wcl.applications.services.ranking import ranked_applications
from wcl.audit.services import record
from wcl.extensions import db
from wcl.spreadsheets import safe_cell, xlsx_bytes

BASE_COLUMNS = (
    "id",
    "status",
    "submitted_at",
    "name",
    "email",
    "phone",
    "locality",
    "paper",
    "reviews",
    "mean_score",
    "spread",
    "flagged",
    "decision_note",
)
DEMOGRAPHIC_COLUMNS = (
    "snapshot_gender",
    "snapshot_birth_year",
    "snapshot_region",
    "snapshot_settlement",
    "snapshot_creative_domain",
    "snapshot_disability",
)


def call_applications(actor, call, status=None, page=1, per_page=30):
    """The call's applications for staff, newest submission first."""
    ensure("applications.view_all", call, user=actor)
    stmt = (
        db.select(Application)
        .where(Application.call_id == call.id)
        .options(selectinload(Application.applicant))
        .order_by(Application.submitted_at.desc().nulls_last(), Application.id.desc())
    )
    if status in S.ALL:
        stmt = stmt.where(Application.status == status)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def _answers_and_notes(ids):
    """``({(application_id, question_id): answer}, {application_id: latest decision note})``."""
    answers, notes = {}, {}
    if ids:
        for answer in db.session.scalars(
            db.select(ApplicationAnswer).where(ApplicationAnswer.application_id.in_(ids))
        ):
            answers[(answer.application_id, answer.question_id)] = answer.value
        for decision in db.session.scalars(
            db.select(Decision).where(Decision.application_id.in_(ids)).order_by(Decision.decided_at)
        ):
            notes[decision.application_id] = decision.note
    return answers, notes


def _export_line(row, questions, answers, note, with_demographics):
    a = row.application
    line = [
        a.id,
        a.status,
        a.submitted_at.isoformat() if a.submitted_at else "",
        a.contact_name or a.applicant.full_name,
        "" if not can_email(a.applicant) else a.applicant.email,
        a.contact_phone or "",
        a.contact_locality or "",
        "yes" if a.is_paper else "no",
        row.reviews_done,
        row.mean if row.mean is not None else "",
        row.spread if row.spread is not None else "",
        "yes" if row.flagged else "no",
        note,
    ]
    line += [answers.get((a.id, q.id), "") for q in questions]
    if with_demographics:
        line += ["" if getattr(a, c) is None else getattr(a, c) for c in DEMOGRAPHIC_COLUMNS]
    return [safe_cell(v) for v in line]


def export_table(actor, call):
    """Header and rows of the call's applications with scores.

    Demographic snapshot columns appear only to those who may read raw
    demographics (``demographics.read_raw``: admins; they are the most
    sensitive data here).
    """
    ensure("applications.export", call, user=actor)
    with_demographics = can("demographics.read_raw", user=actor)
    questions = [q for q in call.questions if q.kind != QuestionKind.FILE]
    header = list(BASE_COLUMNS) + [f"q{q.position + 1}: {q.label_en}" for q in questions]
    if with_demographics:
        header += [c.removeprefix("snapshot_") for c in DEMOGRAPHIC_COLUMNS]
    ranked = ranked_applications(call, include_withdrawn=True)
    answers, notes = _answers_and_notes([r.application.id for r in ranked])
    rows = [
        _export_line(row, questions, answers, notes.get(row.application.id, ""), with_demographics)
        for row in ranked
    ]
    record("call.exported", call, actor=actor, rows=len(rows), demographics=with_demographics)
    db.session.commit()
    return header, rows


def export_csv(actor, call):
    """The export as CSV text (UTF-8 with BOM so spreadsheet apps read Cyrillic)."""
    header, rows = export_table(actor, call)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def export_xlsx(actor, call):
    """The export as an XLSX workbook (bytes)."""
    header, rows = export_table(actor, call)
    return xlsx_bytes("applications", [header, *rows])
