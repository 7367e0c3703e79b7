"""Template fragments that every reader of one kind sees alike, rendered once per process.

A fragment is kept under its template, the language, the address the site is served
under and whatever else its caller names (``key``); nothing in it may depend on
anything else about the reader (her name, her CSRF token, the page she is on).
Templates reloaded as they change (development) are rendered every time.
"""

from flask import current_app, render_template, request

from wcl.i18n import current_locale


def rendered_once(template, *key, context=dict):
    """``template`` rendered with ``context()`` (called only when it is rendered), as HTML,
    kept for every later call with the same language, script root and ``key``."""
    if current_app.jinja_env.auto_reload:
        return render_template(template, **context())
    kept = current_app.extensions.setdefault("wcl_fragments", {})
    full_key = (template, current_locale(), request.script_root, *key)
    html = kept.get(full_key)
    if html is None:
        html = kept[full_key] = render_template(template, **context())
    return html
