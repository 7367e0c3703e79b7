"""Shared form pieces: a money field, an id field, safe ``next`` redirects, the one
text normalisation applied to every form's text fields, and WTForms' messages in ky."""

from pathlib import Path
from urllib.parse import urljoin, urlsplit

from babel.support import Translations
from flask import current_app, flash, redirect, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length, Optional

from wcl.core.input import MAX_INT
from wcl.errors import ServiceError
from wcl.money import DEFAULT_CURRENCY, MoneyError, parse_amount, to_major
from wcl.text import LANGUAGES, clean_text


class MoneyField(StringField):
    """A text input parsed into integer minor units (``.data`` is an int)."""

    def __init__(self, label=None, validators=None, currency=DEFAULT_CURRENCY, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.currency = currency
        self.raw_text = ""

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        if not self.raw_text.strip():
            self.data = None
            return
        try:
            self.data = parse_amount(self.raw_text, self.currency)
        except MoneyError as exc:
            self.data = None
            raise ValueError(str(exc)) from None

    def _value(self):
        if self.raw_text:
            return self.raw_text
        if isinstance(self.data, int):
            # Fixed-point: ``normalize()`` alone would show 2500 as "2.5E+3".
            return f"{to_major(self.data, self.currency).normalize():f}"
        return ""


class IdField(HiddenField):
    """A hidden id: ``.data`` is a positive int within the database's range, or
    ``None`` with an error (a huge or broken id is refused, never looked up)."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_INT:
            raise ValueError(INVALID_CHOICE)
        self.data = int(text)

    def _value(self):
        return "" if self.data is None else str(self.data)


def optional_select(label, choices, description=""):
    """A select that may be left at its empty choice and whose value the service checks
    (``validate_choice=False``), so a crafted post gets the service's own message.
    ``choices`` may be a callable, read when the form is built (in the reader's language)."""
    return SelectField(
        label, choices=choices, validators=[Optional()], validate_choice=False, description=description
    )


def required_datetime(label, message):
    """A date and time typed in the browser's own picker (``datetime-local``), required:
    ``message`` is the error when it is missing or not a date and time."""
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M", validators=[InputRequired(message)])


def optional_url(label, description="", max_length=500):
    """An optional link (phones show their address keyboard); the service checks what it accepts."""
    return StringField(
        label,
        validators=[Optional(), Length(max=max_length)],
        description=description,
        render_kw={"inputmode": "url"},
    )


class TranslationFields:
    """A form mixin for texts written in one language with optional translations
    (``wcl.text``): ``add_translation_fields`` adds ``<stem>_<locale>`` fields; the page folds
    them in a closed ``<details>`` (``templates/_macros.html`` ``translations``)."""

    translated = ()  # the stems, in the order the fields are shown

    def translation_fields(self, code):
        """The fields of the translation into ``code``."""
        return [self[f"{stem}_{code}"] for stem in self.translated]

    def translation_has_errors(self):
        return any(f.errors for code in LANGUAGES for f in self.translation_fields(code))

    def fill_translations(self, translations, attributes=None):
        """Show stored translations (``{locale: row}``); ``attributes`` maps a stem to the
        row's attribute when they differ (``{"story": "story_md"}``)."""
        attributes = attributes or {}
        for code, row in translations.items():
            for stem in self.translated:
                self[f"{stem}_{code}"].data = getattr(row, attributes.get(stem, stem))

    def translation_values(self):
        """``{locale: {stem: text}}`` as ``wcl.text.typed_translations`` takes it."""
        return {code: {stem: self[f"{stem}_{code}"].data for stem in self.translated} for code in LANGUAGES}


def add_translation_fields(form_class, stem, make_field, labels):
    """Add ``<stem>_<locale>`` to ``form_class`` (a ``TranslationFields``) for each language:
    ``make_field(label)`` builds the unbound field, ``labels`` is ``{locale: label}``."""
    for code in LANGUAGES:
        setattr(form_class, f"{stem}_{code}", make_field(labels[code]))
    form_class.translated = (*form_class.translated, stem)


def apply_error(form, exc):
    """Show a refused service call on its form: under its field, or as a flash.

    ``exc`` is a :class:`wcl.errors.ServiceError`. A field the person cannot
    see (a hidden input) gets a flash instead, so the message is never lost;
    an ``errors`` mapping (several fields at once) is spread over the form.
    """
    for name, message in (getattr(exc, "errors", None) or {}).items():
        target = getattr(form, str(name), None) if form is not None else None
        if target is not None:
            target.errors = list(target.errors) + [str(message)]
    field = getattr(form, exc.field, None) if (form is not None and exc.field) else None
    if field is not None and field.type != "HiddenField":
        field.errors = list(field.errors) + [str(exc.message)]
    elif not getattr(exc, "errors", None) or exc.field:
        flash(str(exc.message), "error")


class Outcome:
    """What :func:`attempt` gives back: true when the service call went through,
    with its return value in ``.value`` (e.g. the row it created)."""

    __slots__ = ("ok", "value")

    def __init__(self, ok, value=None):
        self.ok, self.value = ok, value

    def __bool__(self):
        return self.ok


def attempt(action, form=None, success=None):
    """Run one service call for a view; the :class:`Outcome` is true when it went through.

    A refusal (any :class:`wcl.errors.ServiceError`) is shown on ``form`` by
    :func:`apply_error` (or flashed when there is no form) and gives a false
    outcome: the service has already rolled back, so nothing changed. On success
    the ``success`` message, if any, is flashed. The views' one try/except.
    """
    try:
        value = action()
    except ServiceError as exc:
        apply_error(form, exc)
        return Outcome(False)
    if success:
        flash(success, "success")
    return Outcome(True, value)


def act_then_redirect(form, action, success, target):
    """A POST-only staff action: when ``form`` validates (CSRF included), run ``action``
    through :func:`attempt` (its refusal or ``success`` is flashed); then go to ``target``
    either way. A ``404``/``403`` raised by ``action`` while loading what it acts on
    goes through unchanged."""
    if form.validate_on_submit():
        attempt(action, success=success)
    return redirect(target)


def page_arg():
    """The ``page`` query argument of a paginated list (1 when absent or not a number)."""
    return request.args.get("page", 1, type=int)


def is_safe_next(target):
    """Only same-site relative paths are followed after login (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(urljoin(request.host_url, target))
    return parts.scheme in ("http", "https") and parts.netloc == urlsplit(request.host_url).netloc


def safe_next(default):
    """The ``next`` parameter if safe, else ``default``."""
    target = request.values.get("next")
    return target if is_safe_next(target) else default


REQUIRED = _l("This field is required.")
NOT_CONFIRMED = _l("Tick the box to confirm. Nothing was changed.")
CONFIRM_FIELD = "confirm"
INVALID_CHOICE = _l("This choice is not valid. Please reload the page and try again.")
NUMBER_TOO_LARGE = _l("This number is too large.")


def confirmed():
    """Whether an irreversible action's POST carries its ticked "I understand" box
    (``confirm_button`` in ``_macros.html``); flashes ``NOT_CONFIRMED`` when not.

    The box is ``required``, so browsers stop the form without JavaScript; this
    is the server's side of the same rule."""
    if request.form.get(CONFIRM_FIELD) == "yes":
        return True
    flash(str(NOT_CONFIRMED), "error")
    return False


# --- One normalisation for every text field -------------------------------------


def _normalise_text(value):
    # A filter: ValueError becomes the field's error; validators (Length…) see the result.
    return clean_text(value) if isinstance(value, str) else value


def _bounded_number(value):
    if isinstance(value, int) and not -MAX_INT - 1 <= value <= MAX_INT:
        raise ValueError(NUMBER_TOO_LARGE)
    return value


def _extra_filters(field_class):
    if issubclass(field_class, PasswordField) or not issubclass(field_class, (StringField, IntegerField)):
        return ()
    if issubclass(field_class, IntegerField):
        return (_bounded_number,)
    return (_normalise_text,)


_flask_wtf_bind_field = FlaskForm.Meta.bind_field


def _bind_field(meta, form, unbound_field, options):
    """Every text field of every ``FlaskForm`` is normalised first (``wcl.text``);
    every integer field is bounded to the database's integer range."""
    extra = _extra_filters(unbound_field.field_class)
    if extra:
        filters = tuple(options.get("filters", unbound_field.kwargs.get("filters", ())))
        options = dict(options, filters=(*extra, *filters))
    return _flask_wtf_bind_field(meta, form, unbound_field, options)


# --- WTForms' built-in messages ------------------------------------------------
# Length, NumberRange, IntegerField, SelectField… carry English messages that
# WTForms translates from its own catalogues, which have Russian but no Kyrgyz.
# ``wcl/core/translations/<locale>/LC_MESSAGES/wtforms.po`` holds ours (compiled
# with every other catalogue); WTForms' own catalogue fills in what ours lacks.

WTFORMS_DOMAIN = "wtforms"
WTFORMS_CATALOGUES = str(Path(__file__).resolve().parent / "core" / "translations")
_wtforms_catalogues = {}


def wtforms_catalogue(locale):
    """The gettext catalogue of WTForms' messages in ``locale`` (cached per process)."""
    catalogue = _wtforms_catalogues.get(locale)
    if catalogue is None:
        catalogue = Translations.load(WTFORMS_CATALOGUES, [locale], domain=WTFORMS_DOMAIN)
        catalogue.add_fallback(Translations.load(messages_path(), [locale], domain=WTFORMS_DOMAIN))
        _wtforms_catalogues[locale] = catalogue
    return catalogue


# WTForms' "Field cannot be longer than %(max)d characters." says neither which field
# nor by how much: ours tells her how long her text is (Length fills in ``length``).
WTFORMS_TOO_LONG = "Field cannot be longer than %(max)d character."
TOO_LONG = _l("At most %(max)d characters fit here; this text has %(length)d. Please shorten it.")


class FormTranslations:
    """WTForms translations object: messages in the current Flask-Babel locale."""

    def _catalogue(self):
        return wtforms_catalogue(str(get_locale() or "en"))

    def gettext(self, string):
        return self._catalogue().ugettext(string)

    def ngettext(self, singular, plural, n):
        if singular == WTFORMS_TOO_LONG:
            return str(TOO_LONG)
        return self._catalogue().ungettext(singular, plural, n)


FORM_TRANSLATIONS = FormTranslations()
_flask_wtf_get_translations = FlaskForm.Meta.get_translations


def _get_translations(meta, form):
    if not current_app.config.get("WTF_I18N_ENABLED", True):
        return _flask_wtf_get_translations(meta, form)
    return FORM_TRANSLATIONS


def init_app(app):
    """Every ``FlaskForm`` takes WTForms' messages from ``wtforms_catalogue`` and
    normalises its text fields (``_bind_field``).

    Flask-WTF's own hook loads only WTForms' catalogues (no Kyrgyz); forms in
    every domain subclass ``FlaskForm`` directly, so its ``Meta`` is the one
    central place to point them at ours.
    """
    FlaskForm.Meta.get_translations = _get_translations
    FlaskForm.Meta.bind_field = _bind_field
