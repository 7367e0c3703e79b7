"""Open data: a public page per year (no sign-in), CSV and JSON, and the IATI file.

Only the published, protected figures are offered; a request for any other breakdown
(a query string) is refused with a clear message, never computed.
"""

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wcl.i18n import current_locale
from wcl.outcomes import services
from wcl.outcomes.charts import quarters_chart
from wcl.outcomes.services.opendata import FIRST_YEAR, MAPPING_METHOD
from wcl.outcomes.views import bp
from wcl.time import utcnow

CHART_CODES = ("women_trained", "businesses_registered", "income_up")


def _year_or_refuse(year):
    if request.args:
        message = _(
            "Only the published figures are available; other breakdowns could reveal individual women."
        )
        abort(Response(render_template("outcomes/error.html", message=message), status=400))
    if not FIRST_YEAR <= year <= utcnow().year:
        abort(404)
    return services.open_year(year, current_locale())


def _public(response):
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/open-data/")
def open_data():
    return redirect(url_for("outcomes.open_data_year", year=utcnow().year))


@bp.get("/open-data/<int:year>")
def open_data_year(year):
    data = _year_or_refuse(year)
    labels = {row["code"]: row["label"] for row in data["table"].rows}
    chart = quarters_chart(data, CHART_CODES, labels, _("Results by quarter, %(year)s", year=year))
    return _public(
        Response(
            render_template(
                "outcomes/open_data.html",
                data=data,
                chart=chart,
                methodology=[str(p) for p in services.METHODOLOGY],
                mapping_method=str(MAPPING_METHOD),
                years=range(utcnow().year, FIRST_YEAR - 1, -1),
            )
        )
    )


@bp.get("/open-data/<int:year>.csv")
def open_data_csv(year):
    response = Response(services.open_year_csv(_year_or_refuse(year)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="wcl-open-data-{year}.csv"'
    return _public(response)


@bp.get("/open-data/<int:year>.json")
def open_data_json(year):
    return _public(Response(services.open_year_json(_year_or_refuse(year)), mimetype="application/json"))


@bp.get("/open-data/<int:year>/iati.xml")
def open_data_iati(year):
    _year_or_refuse(year)
    response = Response(services.build_activity_file(year), mimetype="application/xml")
    response.headers["Content-Disposition"] = f'attachment; filename="wcl-iati-{year}.xml"'
    return _public(response)
