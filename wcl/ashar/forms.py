"""Forms of the Ashar pages: amounts are ``MoneyField`` (minor units); the services validate the rest."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, FieldList, Form, FormField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from wcl.ashar.models import InKindKind
from wcl.forms import REQUIRED, MoneyField

UPLOAD_ACCEPT = {"accept": "image/jpeg,image/png,image/webp,application/pdf"}


class MemberForm(Form):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])


class ProposeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=120)])
    summary = StringField(_l("Summary"), validators=[DataRequired(REQUIRED), Length(max=300)])
    budget = MoneyField(_l("Budget"), validators=[InputRequired(REQUIRED)])
    region = SelectField(_l("Region"), validators=[InputRequired(REQUIRED)])
    district = StringField(_l("District"), validators=[DataRequired(REQUIRED), Length(max=80)])
    village = StringField(
        _l("Village (shown to staff only)"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    group_name = StringField(_l("Initiative group"), validators=[DataRequired(REQUIRED), Length(max=80)])
    lab_id = SelectField(_l("Lab"), coerce=int, validators=[Optional()])
    members = FieldList(FormField(MemberForm), min_entries=4, max_entries=30)
    submit = SubmitField(_l("Propose the project"))

    def data_for_service(self):
        return {
            "title": self.title.data,
            "summary": self.summary.data,
            "budget": self.budget.data,
            "currency": "KGS",
            "region": self.region.data,
            "district": self.district.data,
            "village": self.village.data,
            "group_name": self.group_name.data,
            "lab_id": self.lab_id.data or None,
            "members": [{"name": m.data["name"], "email": m.data["email"]} for m in self.members],
        }


class DecisionForm(FlaskForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class MatchForm(FlaskForm):
    organisation_id = SelectField(_l("Municipality"), coerce=int, validators=[InputRequired(REQUIRED)])
    region = SelectField(_l("Region"), validators=[InputRequired(REQUIRED)])
    district = StringField(_l("District (empty: the whole region)"), validators=[Optional(), Length(max=80)])
    ratio_num = IntegerField(_l("The municipality adds"), default=1, validators=[InputRequired(REQUIRED)])
    ratio_den = IntegerField(
        _l("for every (som given by backers)"), default=1, validators=[InputRequired(REQUIRED)]
    )
    cap_per_project = MoneyField(_l("Cap per project"), validators=[InputRequired(REQUIRED)])
    total = MoneyField(_l("Total"), validators=[InputRequired(REQUIRED)])
    starts_on = DateField(_l("Starts on"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Ends on"), validators=[InputRequired(REQUIRED)])
    letter = FileField(_l("The signed commitment letter (PDF or photo)"), render_kw=UPLOAD_ACCEPT)
    submit = SubmitField(_l("Save the commitment"))


class InKindForm(FlaskForm):
    kind = SelectField(
        _l("What you give"),
        choices=[(InKindKind.LABOUR, _l("Hours of work")), (InKindKind.MATERIALS, _l("Materials"))],
        default=InKindKind.LABOUR,
    )
    hours = IntegerField(_l("Hours"), validators=[Optional()])
    description = StringField(_l("What exactly"), validators=[DataRequired(REQUIRED), Length(max=200)])
    value = MoneyField(_l("Declared value"), validators=[InputRequired(REQUIRED)])
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=120)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254)])
    submit = SubmitField(_l("Pledge my contribution"))


class BeneficiaryForm(Form):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    share_percent = IntegerField(_l("Share, %"), validators=[Optional()])


class BeneficiariesForm(FlaskForm):
    rows = FieldList(FormField(BeneficiaryForm), min_entries=6, max_entries=30)
    submit = SubmitField(_l("Save the shares"))
