"""The dashboards as Excel workbooks: the same figures as the pages, built
from the same data, through the app's workbook writer (tracker/workbook.py:
text is never stored as a formula, A4 print set-up)."""

from flask_babel import gettext as _

from ..formatting import to_local
from ..interactions.models import Level
from ..labels import label
from ..workbook import Sheet, build
from .service import COVERAGE_LABELS, StrategyOverview, ThemeDashboard


def _day(moment):
    return to_local(moment).date() if moment else None


def _about(title: str, filters, arena_name: str | None, viewer) -> Sheet:
    return Sheet(_("Overzicht"), [title, ""], [
        [_("Periode vanaf"), filters.period.first],
        [_("Periode tot en met"), filters.period.last],
        [_("Netwerk"), arena_name or _("Alle netwerken")],
        [_("Niveau"), label(filters.level) or _("Alle niveaus")],
        [_("Opgesteld voor"), viewer.name],
        [_("Let op"), _("De cijfers tellen de contactmomenten die %(name)s mag zien.", name=viewer.name)],
    ])


def theme_workbook(data: ThemeDashboard, viewer) -> bytes:
    theme = data.theme
    about = _about(_("Dashboard opgave %(number)s: %(name)s", number=theme.number, name=theme.name), data.filters,
                   data.arena.name if data.arena else None, viewer)

    priorities = Sheet(_("Prioriteiten"), [
        _("Code"), _("Prioriteit"), _("Status"), _("Status sinds"), _("Toelichting"), _("Laatste 4 weken"),
        _("Laatste 13 weken"), _("Laatste 52 weken"), _("In de periode"), _("Laatste contact"),
        _("Open signaleringen"), _("Open acties")])
    for priority in theme.priorities:
        activity = data.activity[priority.id]
        change = data.status_changes.get(priority.id)
        priorities.rows.append([
            priority.code, priority.title, label(priority.status), _day(priority.status_changed_at),
            change.note if change else None, *activity.counts.values(), activity.in_period,
            _day(activity.last_contact), data.flags_per_priority.get(priority.id, 0),
            data.follow_ups_per_priority.get(priority.id, 0)])

    engagements = Sheet(_("Inzet per organisatie"), [
        _("Netwerk"), _("Organisatie"), _("Beoogde rol"), _("Beoogd niveau"), _("Laatste contact"),
        _("Bestuurlijk, laatste 90 dagen"), _("Ambtelijk, laatste 90 dagen"), _("Posities"), _("Dekking"),
        _("Waarom")])
    for row in data.engagements:
        engagements.rows.append([
            row.engagement.arena.name, row.organisation.name if row.organisation else _("Geen organisatie genoemd"),
            label(row.engagement.role), label(row.engagement.level), _day(row.contact.last),
            row.contact.political, row.contact.official,
            "; ".join(f"{position.title} ({label(position.status)}"
                      + (f", {position.holder.name})" if position.holder else ")") for position in row.positions),
            str(COVERAGE_LABELS[row.coverage]) if row.coverage else None, "; ".join(row.reasons)])

    weekly = Sheet(_("Per week"), [_("Week van"), *(label(level) for level in Level), _("Totaal")])
    for index, monday in enumerate(data.weekly.starts):
        weekly.rows.append([monday, *(data.weekly.values[level][index] for level in Level), data.weekly.total(index)])

    per_arena = Sheet(_("Per netwerk"), [_("Netwerk"), *(label(level) for level in Level), _("Totaal")])
    for item in data.per_arena:
        per_arena.rows.append([item.arena.name if item.arena else _("Geen netwerk"),
                               *(item.levels[level] for level in Level), item.total])

    moments = Sheet(_("Belangrijke momenten"), [
        _("Datum"), _("Titel"), _("Organisatie of netwerk"), _("Prioriteiten"), _("Notities")])
    for moment in data.key_moments:
        moments.rows.append([
            moment.starts_at, moment.title,
            moment.organisation.name if moment.organisation else (moment.arena.name if moment.arena else None),
            ", ".join(priority.code for priority in moment.priorities), moment.notes])

    funding = Sheet(_("Geldstromen"), [
        _("Naam"), _("Verstrekker"), _("Bedrag"), _("Deadline"), _("Status aanvraag"), _("Gevraagd"), _("Toegekend"),
        _("Prioriteiten")], amount_columns=frozenset({2, 5, 6}))
    for stream in data.funding:
        funding.rows.append([
            stream.name, stream.provider.name if stream.provider else None, stream.amount, stream.deadline,
            label(stream.bid_status), stream.amount_requested, stream.amount_granted,
            ", ".join(priority.code for priority in stream.priorities)])
    return build([about, priorities, engagements, weekly, per_arena, moments, funding])


def strategy_workbook(data: StrategyOverview, viewer) -> bytes:
    matrix = data.matrix
    about = _about(_("De strategie in één oogopslag"), data.filters, None, viewer)
    cells = Sheet(_("Opgaven per netwerk"), [
        _("Opgave"), *(arena.name for arena in matrix.arenas), _("Geen netwerk"), _("Totaal")])
    for theme in matrix.themes:
        cells.rows.append([f"{theme.number}. {theme.name}",
                           *(matrix.cell(theme.id, arena.id) for arena in matrix.arenas),
                           matrix.cell(theme.id, None), matrix.theme_totals.get(theme.id, 0)])
    cells.rows.append([_("Totaal"), *(matrix.arena_totals.get(arena.id, 0) for arena in matrix.arenas),
                       matrix.arena_totals.get(None, 0), matrix.total])
    trend = Sheet(_("Per maand"), [_("Maand"), *(f"{theme.number}. {theme.name}" for theme in matrix.themes)])
    for index, month in enumerate(data.monthly.starts):
        trend.rows.append([month, *(data.monthly.values[theme.id][index] for theme in matrix.themes)])
    return build([about, cells, trend])
