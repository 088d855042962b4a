from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import format_date, gettext as _
from flask_login import current_user

from ..audit import service as audit
from ..formatting import local_today
from ..interactions.service import visible_to
from ..labels import label
from ..stakeholders import service as stakeholders
from ..workbook import XLSX
from . import charts, service, workbook
from .forms import DashboardFilterForm
from .periods import presets

bp = Blueprint("dashboards", __name__, url_prefix="/dashboard")


def read_filters(all_arenas, with_arena: bool = True) -> tuple[DashboardFilterForm, service.Filters]:
    """The filters in the query string; a bad value falls back to its default
    and gets a Dutch message next to its field."""
    form = DashboardFilterForm(request.args, arenas=all_arenas, with_arena=with_arena)
    form.check(local_today())
    return form, service.Filters(form.period, form.arena_id, form.level)


def preset_links(filters: service.Filters) -> list[tuple[str, str, bool]]:
    """The quick periods as (label, address, current) for links above the form;
    the other filters stay as they are."""
    labels = {"4w": _("Afgelopen 4 weken"), "13w": _("Afgelopen 13 weken"), "12m": _("Afgelopen 12 maanden"),
              "jaar": _("Dit jaar"), "vorig-jaar": _("Vorig jaar")}
    return [(preset.label, url_for(request.endpoint, **request.view_args, **{
        **_query(filters), "vanaf": preset.period.first.isoformat(), "tot": preset.period.last.isoformat()}),
        preset.period == filters.period) for preset in presets(local_today(), labels)]


def export_response(content: bytes, filename: str, note: str) -> Response:
    audit.record(audit.EXPORT, "dashboards", note=note)
    return Response(content, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def load_theme(theme_id: int):
    theme = service.theme_for_dashboard(theme_id)
    if theme is None:
        abort(404)
    return theme


@bp.route("/opgaven/<int:theme_id>")
def theme(theme_id):
    found = load_theme(theme_id)
    all_arenas = service.arenas()
    form, filters = read_filters(all_arenas)
    data = service.theme_dashboard(current_user, found, filters, all_arenas)
    level_colours = charts.LEVEL_COLOURS
    weekly = charts.stacked_columns(
        [monday.strftime("%d-%m") for monday in data.weekly.starts],
        [{level: data.weekly.values[level][index] for level in level_colours}
         for index in range(len(data.weekly.starts))],
        level_colours)
    per_arena = charts.stacked_rows([item.arena.name if item.arena else _("Geen netwerk") for item in data.per_arena],
                                    [item.levels for item in data.per_arena], level_colours)
    # High-influence stakeholders on the opgave's maps not contacted within their cadence (tracker/stakeholders).
    uncontacted = stakeholders.uncontacted_high_influence(
        [priority.id for priority in found.priorities], visible_to(current_user),
        min(filters.period.last, local_today()))
    return render_template("dashboards/theme.html", data=data, theme=found, form=form, weekly_chart=weekly,
                           uncontacted=uncontacted,
                           arena_chart=per_arena, levels=list(level_colours),
                           level_items=[(label(level), colour) for level, colour in level_colours.items()],
                           coverage_labels=service.COVERAGE_LABELS,
                           presets=preset_links(filters),
                           query=_query(filters))


@bp.route("/opgaven/<int:theme_id>/export.xlsx")
def theme_export(theme_id):
    found = load_theme(theme_id)
    all_arenas = service.arenas()
    _form, filters = read_filters(all_arenas)
    content = workbook.theme_workbook(service.theme_dashboard(current_user, found, filters, all_arenas), current_user)
    period = filters.period
    return export_response(content, f"dashboard-opgave-{found.number}-{period.first}-{period.last}.xlsx",
                           f"dashboard opgave {found.number} (Excel)")


@bp.route("/strategie")
def strategy():
    all_arenas = service.arenas()
    form, filters = read_filters(all_arenas, with_arena=False)
    data = service.strategy_overview(current_user, filters, all_arenas)
    themes = data.matrix.themes
    trend = charts.lines([format_date(month, "MMM yy") for month in data.monthly.starts],
                         [(f"{theme.number}. {theme.name}", data.monthly.values[theme.id]) for theme in themes])
    return render_template("dashboards/strategy.html", data=data, form=form, trend_chart=trend,
                           heat_step=charts.heat_step, heat_ranges=charts.heat_ranges(data.matrix.largest),
                           presets=preset_links(filters), query=_query(filters),
                           list_args=list_arguments(filters), month_name=lambda month: format_date(month, "MMMM y"))


@bp.route("/strategie/export.xlsx")
def strategy_export():
    all_arenas = service.arenas()
    _form, filters = read_filters(all_arenas, with_arena=False)
    content = workbook.strategy_workbook(service.strategy_overview(current_user, filters, all_arenas), current_user)
    return export_response(content, f"strategie-{filters.period.first}-{filters.period.last}.xlsx",
                           "strategie in één oogopslag (Excel)")


def _query(filters: service.Filters) -> dict:
    """The query string that reproduces the figures shown, for the export link."""
    query = {"vanaf": filters.period.first.isoformat(), "tot": filters.period.last.isoformat()}
    if filters.arena_id is not None:
        query["netwerk"] = filters.arena_id
    if filters.level is not None:
        query["niveau"] = filters.level.value
    return query


def list_arguments(filters: service.Filters) -> dict:
    """The contactmomenten list's parameters (tracker/interactions/filters.py) for
    the period and level of the matrix: with theme_id and arena_id added, the
    list shows the contactmomenten a cell counts."""
    arguments = {"date_from": filters.period.first.isoformat(), "date_to": filters.period.last.isoformat()}
    if filters.level is not None:
        arguments["level"] = filters.level.value
    return arguments
