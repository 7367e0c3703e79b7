"""Payment forms: the sandbox checkout buttons and the offline payment record."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from wcl.accounts.forms import GENDER_CHOICES
from wcl.campaigns.forms import PledgeForm
from wcl.forms import REQUIRED, MoneyField

METHOD_CHOICES = [
    ("cash", _l("Cash")),
    ("bank", _l("Bank transfer")),
    ("qr", _l("QR payment")),
]


class SandboxForm(FlaskForm):
    pay = SubmitField(_l("Pay (test)"))
    cancel = SubmitField(_l("Cancel"))
    fail = SubmitField(_l("Make the payment fail"))

    def outcome(self):
        for name in ("pay", "cancel", "fail"):
            if getattr(self, name).data:
                return name
        return None


class OfflinePaymentForm(FlaskForm):
    backer_name = StringField(_l("Backer's name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    backer_email = EmailField(
        _l("Backer's email (optional)"),
        validators=[Optional(), Length(max=254)],
        description=_l("If given, the backer gets a confirmation and the campaign's news."),
    )
    amount = MoneyField(_l("Amount received"), validators=[InputRequired(REQUIRED)])
    currency = HiddenField()
    tier = SelectField(_l("Reward"), validators=[Optional()], validate_choice=False)
    method = SelectField(_l("How the money came"), choices=METHOD_CHOICES)
    received_on = DateField(_l("Day received"), validators=[DataRequired(REQUIRED)])
    reference = StringField(
        _l("Reference"),
        validators=[Optional(), Length(max=120)],
        description=_l("The bank or QR transfer number; for cash, the receipt book number if any."),
    )
    proof = FileField(
        _l("Proof of payment"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        description=_l("A photo of the receipt or a screenshot/PDF of the transfer."),
        render_kw={"accept": "image/jpeg,image/png,image/webp,application/pdf"},
    )
    anonymous = BooleanField(_l("The backer wants to appear as \u201cAnonymous\u201d"))
    gender = SelectField(
        _l("Backer's gender (if she or he chose to say)"), choices=GENDER_CHOICES, validators=[Optional()]
    )
    submit = SubmitField(_l("Record the payment"))

    def tier_id(self):
        try:
            return int(self.tier.data) if self.tier.data else None
        except ValueError:
            return -1


class RefundForm(FlaskForm):
    """Staff refund: an amount (empty = everything that is left)."""

    amount = MoneyField(
        _l("Amount to refund"),
        validators=[Optional()],
        description=_l("Leave empty to refund everything that is left."),
    )
    confirm = BooleanField(
        _l("I understand: the money goes back to the backer and cannot be taken back."),
        validators=[DataRequired(_l("Tick the box to confirm. Nothing was changed."))],
    )
    submit = SubmitField(_l("Refund"))


class CheckoutForm(PledgeForm):
    """The pledge form with the choice of how to pay (the service refuses a method not offered)."""

    method = RadioField(_l("How do you want to pay?"), validators=[Optional()], validate_choice=False)

    def offer_methods(self, methods):
        self.method.choices = methods
        if not self.method.data and methods:
            self.method.data = methods[0][0]


class BankAccountForm(FlaskForm):
    """Staff: a lab's account for transfers, its QR format and its statements' columns."""

    recipient_name = StringField(_l("Recipient's name"), validators=[DataRequired(REQUIRED), Length(max=140)])
    bank_name = StringField(_l("Bank"), validators=[DataRequired(REQUIRED), Length(max=140)])
    account_number = StringField(
        _l("Account number or IBAN"), validators=[DataRequired(REQUIRED), Length(max=34)]
    )
    bic = StringField(_l("BIC"), validators=[Optional(), Length(max=11)])
    currency = SelectField(_l("Currency"), choices=[("KGS", "KGS"), ("USD", "USD"), ("EUR", "EUR")])
    qr_format = SelectField(
        _l("QR code format"),
        choices=[
            ("plain", _l("Plain transfer details (any app)")),
            ("st00012", _l("ST00012 transfer order")),
            ("epc", _l("EPC (euro, IBAN)")),
            ("kg_emvco", _l("Kyrgyz national QR standard (EMVCo, ELQR)")),
        ],
        description=_l("Ask the bank which format its app reads."),
    )
    col_date = StringField(_l("Column: date"), validators=[Optional(), Length(max=80)])
    col_amount = StringField(_l("Column: amount"), validators=[Optional(), Length(max=80)])
    col_currency = StringField(_l("Column: currency"), validators=[Optional(), Length(max=80)])
    col_purpose = StringField(_l("Column: purpose of payment"), validators=[Optional(), Length(max=80)])
    col_payer = StringField(_l("Column: payer"), validators=[Optional(), Length(max=80)])
    col_line_id = StringField(_l("Column: document number"), validators=[Optional(), Length(max=80)])
    date_format = StringField(
        _l("Date format"),
        validators=[Optional(), Length(max=20)],
        description=_l("For example %d.%m.%Y for 31.12.2026."),
    )
    submit = SubmitField(_l("Save"))

    MAPPING_FIELDS = ("date", "amount", "currency", "purpose", "payer", "line_id")

    def mapping(self):
        values = {key: getattr(self, f"col_{key}").data for key in self.MAPPING_FIELDS}
        values["date_format"] = self.date_format.data
        return values

    def fill(self, account, mapping):
        for name in ("recipient_name", "bank_name", "account_number", "bic", "currency", "qr_format"):
            getattr(self, name).data = getattr(account, name)
        for key in self.MAPPING_FIELDS:
            getattr(self, f"col_{key}").data = mapping.get(key)
        self.date_format.data = mapping.get("date_format")


class StatementUploadForm(FlaskForm):
    """Staff: a bank statement file (CSV, XLSX, MT940 or camt.053 XML)."""

    statement = FileField(
        _l("Bank statement"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        description=_l("CSV or XLSX (with the columns set for this bank), MT940, or camt.053 XML."),
        render_kw={"accept": ".csv,.txt,.xlsx,.sta,.mt940,.940,.xml"},
    )
    submit = SubmitField(_l("Import the statement"))


class AssignLineForm(FlaskForm):
    """Staff: pay a pledge with a statement line, by the pledge's reference."""

    reference = StringField(_l("Pledge reference"), validators=[DataRequired(REQUIRED), Length(max=40)])
    submit = SubmitField(_l("Assign to this pledge"))


class ConfirmForm(FlaskForm):
    """A bare form for a confirmed POST button (CSRF only; the box is checked by ``confirmed()``)."""


class FollowForm(FlaskForm):
    """ "Follow this campaign" on the thank-you page (the CSRF token is its only field)."""

    submit = SubmitField(_l("Follow this campaign"))
