"""Forms for organisations, partnerships and the community directory. Every label is translated."""

from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from wcl.forms import REQUIRED, optional_select
from wcl.orgs.models import MemberRole, OrgKind, PartnershipKind
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES, creative_domain_label, region_name

KIND_LABELS = {
    OrgKind.COMPANY: _l("Company"),
    OrgKind.STATE_BODY: _l("State body"),
    OrgKind.NGO: _l("Non-governmental organisation"),
    OrgKind.ACADEMIA: _l("University or research"),
    OrgKind.DONOR: _l("Donor or development partner"),
    OrgKind.MEDIA: _l("Media"),
    OrgKind.CITY_ADMIN: _l("City or local administration"),
}
ROLE_LABELS = {
    MemberRole.REPRESENTATIVE: _l("Representative"),
    MemberRole.MEMBER: lazy_pgettext("organisation role", "Member"),
    MemberRole.CONTACT: _l("Contact person"),
}
PARTNERSHIP_LABELS = {
    PartnershipKind.CO_ORGANISES_EVENTS: _l("Co-organises events"),
    PartnershipKind.SPONSORS_POOL: _l("Sponsors a matching pool"),
    PartnershipKind.HOSTS_LAB: _l("Hosts a lab"),
    PartnershipKind.MENTORS: _l("Mentors participants"),
}
DATE_INVALID = _l("Enter a date.")


def region_choices():
    locale = str(get_locale() or "en")
    return [("", _l("Not given"))] + [(c, region_name(c, locale)) for c in REGION_CODES]


def domain_choices():
    return [("", _l("Not given"))] + [(c, creative_domain_label(c)) for c in CREATIVE_DOMAIN_CODES]


class OrganisationForm(FlaskForm):
    kind = SelectField(
        _l("Kind of organisation"), choices=list(KIND_LABELS.items()), validators=[InputRequired(REQUIRED)]
    )
    name_en = StringField(_l("Organisation name (English)"), validators=[Optional(), Length(max=200)])
    name_ru = StringField(_l("Organisation name (Russian)"), validators=[Optional(), Length(max=200)])
    name_ky = StringField(_l("Organisation name (Kyrgyz)"), validators=[Optional(), Length(max=200)])
    profile_en = TextAreaField(_l("Profile (English)"), validators=[Optional(), Length(max=20000)])
    profile_ru = TextAreaField(_l("Profile (Russian)"), validators=[Optional(), Length(max=20000)])
    profile_ky = TextAreaField(_l("Profile (Kyrgyz)"), validators=[Optional(), Length(max=20000)])
    sector = StringField(
        _l("Sector"),
        validators=[Optional(), Length(max=120)],
        description=_l("e.g. banking, crafts, tourism"),
    )
    # The service says why an unknown region is refused (never a village).
    region = SelectField(_l("Region"), choices=region_choices, validators=[Optional()], validate_choice=False)
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    logo = FileField(_l("Logo: a JPEG or PNG image, up to 10 MB"))
    submit = SubmitField(_l("Save the organisation"))

    def data_for_service(self):
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("logo", "submit", "csrf_token")
        }


class MemberForm(FlaskForm):
    email = EmailField(_l("Email of her account"), validators=[DataRequired(REQUIRED), Length(max=254)])
    role = SelectField(_l("Role"), choices=list(ROLE_LABELS.items()), validators=[InputRequired(REQUIRED)])
    title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Add the person"))


class PartnershipForm(FlaskForm):
    kind = SelectField(
        _l("What the organisation does"),
        choices=list(PARTNERSHIP_LABELS.items()),
        validators=[InputRequired(REQUIRED)],
    )
    lab_id = SelectField(_l("Lab"), coerce=lambda v: int(v) if v not in (None, "", "None") else None)
    starts_on = DateField(_l("From"), validators=[InputRequired(DATE_INVALID)])
    ends_on = DateField(_l("Until"), validators=[Optional()], description=_l("Leave empty while it goes on."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save the partnership"))

    def data_for_service(self):
        return {
            "kind": self.kind.data,
            "lab_id": self.lab_id.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "notes": self.notes.data,
        }


class DocumentForm(FlaskForm):
    title = StringField(lazy_pgettext("document", "Title"), validators=[Optional(), Length(max=200)])
    upload = FileField(_l("A PDF or a photo, up to 10 MB"))
    submit = SubmitField(_l("Attach the document"))


class DirectoryForm(FlaskForm):
    display_name = StringField(
        _l("Name to show"),
        validators=[DataRequired(REQUIRED), Length(max=120)],
        description=_l("Shown to everyone in the directory."),
    )
    creative_domain = optional_select(_l("Creative domain"), domain_choices)
    region = optional_select(
        _l("Region"), region_choices, _l("Only the region is shown, never a village or address.")
    )
    about = TextAreaField(_l("A few words about your work"), validators=[Optional(), Length(max=500)])
    consent = BooleanField(
        _l("I agree to be shown in the public community directory. I can leave it at any time.")
    )
    submit = SubmitField(_l("Join the community"))

    def data_for_service(self):
        from flask import request

        data = {
            name: self[name].data
            for name in ("display_name", "creative_domain", "region", "about", "consent")
        }
        # A request to show a village (an old form, a crafted post) reaches the service, which refuses it.
        data["village"] = request.form.get("village", "")
        return data


class DirectoryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    creative_domain = SelectField(
        _l("Creative domain"), choices=domain_choices, validators=[Optional()], validate_choice=False
    )
    region = SelectField(_l("Region"), choices=region_choices, validators=[Optional()], validate_choice=False)
    submit = SubmitField(lazy_pgettext("button", "Filter"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))
