"""Forms of the grant pages: amounts are ``MoneyField`` (minor units); the services validate the rest."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from wcl.forms import REQUIRED, MoneyField
from wcl.grants.models import DisbursementMethod
from wcl.i18n import LANGUAGE_NAMES
from wcl.money import CURRENCIES

CURRENCY_CHOICES = [(c, c) for c in CURRENCIES]
METHOD_CHOICES = [
    (DisbursementMethod.BANK_TRANSFER, _l("Bank transfer")),
    (DisbursementMethod.CASH, _l("Cash")),
    (DisbursementMethod.MOBILE_WALLET, _l("Mobile wallet")),
]
UPLOAD_ACCEPT = {"accept": "image/jpeg,image/png,image/webp,application/pdf"}


class FundForm(FlaskForm):
    lab_id = SelectField(_l("Lab"), coerce=int, validators=[InputRequired(REQUIRED)])
    name = StringField(_l("Name of the fund"), validators=[DataRequired(REQUIRED), Length(max=120)])
    currency = SelectField(_l("Currency"), choices=CURRENCY_CHOICES, default="KGS")
    submit = SubmitField(_l("Open the fund"))


class FundingForm(FlaskForm):
    amount = MoneyField(_l("Amount"), validators=[InputRequired(REQUIRED)])
    currency = SelectField(_l("Currency"), choices=CURRENCY_CHOICES, default="KGS")
    source = StringField(
        _l("From whom (the donor or the campaign)"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Add the money to the fund"))


class LineForm(Form):
    label = StringField(_l("What the money buys"), validators=[Optional(), Length(max=200)])
    amount = MoneyField(_l("Amount"), validators=[Optional()])


class TrancheForm(Form):
    amount = MoneyField(_l("Amount"), validators=[Optional()])
    milestone_id = SelectField(
        _l("Released when this milestone is approved"), coerce=int, validators=[Optional()]
    )
    condition_text = StringField(
        _l("or when this written condition is met"), validators=[Optional(), Length(max=500)]
    )


class AwardForm(FlaskForm):
    recipient_id = SelectField(_l("Recipient"), coerce=int, validators=[InputRequired(REQUIRED)])
    amount = MoneyField(_l("Amount of the grant"), validators=[InputRequired(REQUIRED)])
    currency = SelectField(_l("Currency"), choices=CURRENCY_CHOICES, default="KGS")
    purpose = TextAreaField(_l("Purpose"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    language = SelectField(
        _l("Language of the agreement"), choices=list(LANGUAGE_NAMES.items()), default="ru"
    )
    report_due_on = DateField(_l("Spending report due"), validators=[Optional()])
    budget_lines = FieldList(FormField(LineForm), label=_l("Budget"), min_entries=4, max_entries=8)
    tranches = FieldList(FormField(TrancheForm), label=_l("Tranches"), min_entries=3, max_entries=6)
    submit = SubmitField(_l("Award the grant"))

    def values(self):
        lines = [
            {"label": line.form.label.data, "amount": line.form.amount.data}
            for line in self.budget_lines
            if line.form.label.data or line.form.amount.data
        ]
        tranches = [
            {
                "amount": t.amount.data,
                "milestone_id": t.milestone_id.data or None,
                "condition_text": t.condition_text.data,
            }
            for t in self.tranches
            if t.amount.data or t.milestone_id.data or t.condition_text.data
        ]
        return {
            "recipient_id": self.recipient_id.data,
            "amount": self.amount.data,
            "currency": self.currency.data,
            "purpose": self.purpose.data,
            "language": self.language.data,
            "report_due_on": self.report_due_on.data,
            "budget_lines": lines,
            "tranches": tranches,
        }


class ReleaseForm(FlaskForm):
    method = SelectField(_l("Paid by"), choices=METHOD_CHOICES)
    reference = StringField(
        _l("Reference (transfer number, cash book page)"),
        validators=[DataRequired(REQUIRED), Length(max=120)],
    )
    proof = FileField(_l("Proof of payment: a photo or a PDF"), render_kw=UPLOAD_ACCEPT)
    submit = SubmitField(_l("Record the payment and release"))


class CloseForm(FlaskForm):
    unspent_returned = MoneyField(_l("Money she gave back (if any)"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Close the grant and return the unused money"))


class ReviewForm(FlaskForm):
    note = StringField(_l("Note to her (required to query)"), validators=[Optional(), Length(max=500)])


class AcceptForm(FlaskForm):
    typed_name = StringField(
        _l("Type your full name to sign"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    submit = SubmitField(_l("I accept the agreement"))


class EvidenceForm(FlaskForm):
    text = TextAreaField(_l("What you did"), validators=[DataRequired(REQUIRED), Length(max=5000)])
    upload = FileField(_l("A photo or a document (optional)"), render_kw=UPLOAD_ACCEPT)
    submit = SubmitField(_l("Send the evidence"))


class SpendingForm(FlaskForm):
    budget_line_id = SelectField(_l("Budget line"), coerce=int, validators=[InputRequired(REQUIRED)])
    amount = MoneyField(_l("Amount spent"), validators=[InputRequired(REQUIRED)])
    description = StringField(_l("What you bought"), validators=[DataRequired(REQUIRED), Length(max=300)])
    receipt = FileField(_l("Photo of the receipt"), render_kw=UPLOAD_ACCEPT)
    submit = SubmitField(_l("Send the spending report"))
