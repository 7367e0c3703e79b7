"""The info page editor: a title and a body per language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from wcl.core.info_pages import MAX_BODY


class InfoPageForm(FlaskForm):
    title_en = StringField(_l("Title (English)"), validators=[Length(max=120)])
    body_en = TextAreaField(_l("Text (English)"), validators=[Length(max=MAX_BODY)])
    title_ru = StringField(_l("Title (Russian)"), validators=[Length(max=120)])
    body_ru = TextAreaField(_l("Text (Russian)"), validators=[Length(max=MAX_BODY)])
    title_ky = StringField(_l("Title (Kyrgyz)"), validators=[Length(max=120)])
    body_ky = TextAreaField(_l("Text (Kyrgyz)"), validators=[Length(max=MAX_BODY)])
    submit = SubmitField(_l("Save"))

    def titles(self):
        return {lang: getattr(self, f"title_{lang}").data for lang in ("en", "ru", "ky")}

    def bodies(self):
        return {lang: getattr(self, f"body_{lang}").data for lang in ("en", "ru", "ky")}
