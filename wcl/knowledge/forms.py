"""Knowledge bank forms. Every label is translated."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from wcl.forms import REQUIRED
from wcl.knowledge.models import SKILLS, ResourceKind, Visibility
from wcl.reference import CREATIVE_DOMAIN_CODES, creative_domain_label

KIND_LABELS = {
    ResourceKind.ARTICLE: _l("Article"),
    ResourceKind.FILE: _l("File"),
    ResourceKind.VIDEO: _l("Video"),
    ResourceKind.TEMPLATE: _l("Template"),
}
VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Everyone"),
    Visibility.MEMBERS: _l("Members only"),
}
SKILL_LABELS = {
    "pricing": _l("Pricing"),
    "marketing": _l("Marketing"),
    "storytelling": _l("Storytelling"),
    "photography": _l("Product photography"),
    "finance": _l("Finance and accounting"),
    "legal": _l("Legal matters and registration"),
    "digital": _l("Digital tools and online sales"),
    "export": _l("Export"),
    "production": _l("Production and quality"),
    "fundraising": _l("Fundraising"),
}
LANGUAGE_LABELS = {"ky": _l("Kyrgyz"), "ru": _l("Russian"), "en": _l("English")}
assert set(SKILL_LABELS) == set(SKILLS)


def domain_choices(empty):
    return [("", empty)] + [(c, creative_domain_label(c)) for c in CREATIVE_DOMAIN_CODES]


def skill_choices(empty):
    return [("", empty)] + list(SKILL_LABELS.items())


def _domain_or_any_field():
    """A resource's creative domain, or a search's filter by it; "Any" when not given."""
    return SelectField(
        _l("Creative domain"),
        choices=lambda: domain_choices(_l("Any")),
        validators=[Optional()],
        validate_choice=False,
    )


def _skill_or_any_field():
    """A resource's skill, or a search's filter by it; "Any" when not given."""
    return SelectField(
        _l("Skill"), choices=lambda: skill_choices(_l("Any")), validators=[Optional()], validate_choice=False
    )


class ResourceForm(FlaskForm):
    kind = SelectField(
        _l("Kind of resource"), choices=list(KIND_LABELS.items()), validators=[InputRequired(REQUIRED)]
    )
    languages = SelectMultipleField(
        _l("Languages of the resource"),
        choices=list(LANGUAGE_LABELS.items()),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
    )
    title_ky = StringField(_l("Title (Kyrgyz)"), validators=[Optional(), Length(max=200)])
    title_ru = StringField(_l("Title (Russian)"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    body_ky = TextAreaField(_l("Text (Kyrgyz)"), validators=[Optional(), Length(max=50000)])
    body_ru = TextAreaField(_l("Text (Russian)"), validators=[Optional(), Length(max=50000)])
    body_en = TextAreaField(_l("Text (English)"), validators=[Optional(), Length(max=50000)])
    creative_domain = _domain_or_any_field()
    skill = _skill_or_any_field()
    visibility = SelectField(
        _l("Who may see it"), choices=list(VISIBILITY_LABELS.items()), validators=[InputRequired(REQUIRED)]
    )
    url = StringField(_l("Link (a video or a page)"), validators=[Optional(), Length(max=500)])
    upload = FileField(_l("File: a PDF, a photo, or a Word, Excel or PowerPoint file, up to 10 MB"))
    submit = SubmitField(_l("Save the resource"))

    def data_for_service(self):
        skip = ("upload", "submit", "csrf_token")
        return {name: field.data for name, field in self._fields.items() if name not in skip}


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search the knowledge bank"), validators=[Optional(), Length(max=200)])
    creative_domain = _domain_or_any_field()
    skill = _skill_or_any_field()
    language = SelectField(
        lazy_pgettext("resource", "Language"),
        choices=lambda: [("", _l("Any"))] + list(LANGUAGE_LABELS.items()),
        validators=[Optional()],
        validate_choice=False,
    )
    kind = SelectField(
        _l("Kind of resource"),
        choices=lambda: [("", _l("Any"))] + list(KIND_LABELS.items()),
        validators=[Optional()],
        validate_choice=False,
    )
    submit = SubmitField(_l("Search"))


class MaterialForm(FlaskForm):
    language = SelectField(
        _l("Language of the material"),
        choices=list(LANGUAGE_LABELS.items()),
        validators=[InputRequired(REQUIRED)],
    )
    visibility = SelectField(
        _l("Who may see it"), choices=list(VISIBILITY_LABELS.items()), default=Visibility.MEMBERS
    )
    submit = SubmitField(_l("Publish to the knowledge bank"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Publish"))
