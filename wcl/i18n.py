"""Languages: English, Russian and Kyrgyz.

The locale is chosen by the language cookie set by the switcher (a choice made
in this browser), then the user's saved setting, then the browser's
Accept-Language. Saving the setting on the profile sets the cookie too. Each domain keeps its own
catalogue in ``<package>/translations``; Flask-Babel merges them.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, has_request_context, request
from flask_babel import force_locale, get_locale, get_translations
from flask_login import current_user

LANGUAGE_COOKIE = "wcl_lang"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "ky": "Кыргызча"}
PACKAGE_DIR = Path(__file__).resolve().parent


def translation_directories():
    """Every ``translations`` folder in the package (one per domain)."""
    return sorted(str(p) for p in PACKAGE_DIR.glob("**/translations") if p.is_dir())


def select_locale():
    """Flask-Babel locale selector: cookie, user setting, then browser."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # jobs and CLI choose with force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def translations():
    """The merged catalogue of this request's (or ``force_locale``'s) language, looked up once.

    Flask-Babel looks it up again for every string a template translates (its context,
    domain, locale, the locale's name, the cache), about an eighth of a rendered campaign
    page. This keeps it in Flask-Babel's own ``babel_translations`` slot of the request,
    which ``force_locale`` empties on entry and puts back on exit and ``refresh()`` clears,
    so a forced or changed language is still read from its own catalogue.
    """
    try:
        ctx = g._flask_babel
    except (AttributeError, RuntimeError):  # no locale chosen yet in this context, or none
        return get_translations()
    found = getattr(ctx, "babel_translations", None)
    if found is None:
        found = ctx.babel_translations = get_translations()
    return found


def install_template_gettext(app):
    """Templates' ``_``, ``gettext``, ``ngettext`` and ``pgettext`` read ``translations()``
    (installed after Flask-Babel's own, which look the catalogue up on every call)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def remember_language(response, code):
    """Set (or, for ``None``/"", clear) this browser's language cookie on ``response``."""
    if not code:
        response.delete_cookie(LANGUAGE_COOKIE)
        return response
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=60 * 60 * 24 * 365,
        samesite="Lax",
        httponly=True,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def current_locale():
    """The locale of this request (or job, under ``force_locale``) as a string: en, ru or ky."""
    return str(get_locale() or "en")


def user_locale(user):
    """The language a person chose (for emails and PDFs sent to her), else English."""
    locale = getattr(user, "locale", None)
    return locale if locale in LANGUAGE_NAMES else "en"


def select_timezone():
    """Times are shown in Asia/Bishkek unless the user chose another zone."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]
    zone = getattr(current_user, "timezone", None) if current_user else None
    return zone or current_app.config["BABEL_DEFAULT_TIMEZONE"]


def warm_up():
    """Load every language's merged catalogue and locale data into this process.

    Flask-Babel and Babel cache both per process; a worker calls this before it
    forks work horses so that no job pays for reading a dozen ``.mo`` files.
    """
    from babel import Locale

    for locale in current_app.config["LANGUAGES"]:
        Locale.parse(locale).currency_formats  # noqa: B018  (loads the locale data)
        with force_locale(locale):
            get_translations()


def compile_catalogues(force=False):
    """Compile every ``.po`` under the package to ``.mo`` (when newer or forced).

    Returns the list of files written. Used by ``flask --app wcl i18n compile``,
    the README's commands and the test suite.
    """
    written = []
    for po_path in PACKAGE_DIR.glob("**/translations/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(str(mo_path))
    return written
