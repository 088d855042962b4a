"""A user's key moments and follow-ups as an iCalendar file (RFC 5545), for
Outlook and other calendars that subscribe to an address."""

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..auth.models import User
from ..database import utcnow
from ..formatting import to_local
from ..interactions.models import FollowUp
from ..strategy.models import KeyMoment

MOMENT_LENGTH = timedelta(hours=1)


def _uid(kind: str, number: int) -> str:
    base = current_app.config["BASE_URL"].split("//")[-1].strip("/") or "lobbytracker"
    return f"{kind}-{number}@{base}"


def _key_moment_event(moment: KeyMoment, stamp) -> Event:
    event = Event()
    event.add("uid", _uid("belangrijk-moment", moment.id))
    event.add("dtstamp", stamp)
    event.add("summary", moment.title)
    if moment.all_day:
        day = to_local(moment.starts_at).date()
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    else:
        event.add("dtstart", moment.starts_at)
        event.add("dtend", moment.starts_at + MOMENT_LENGTH)
    where = moment.organisation.display_name if moment.organisation else (moment.arena.name if moment.arena else None)
    if where:
        event.add("location", where)
    lines = [_("Prioriteit %(code)s %(title)s", code=priority.code, title=priority.title)
             for priority in moment.priorities]
    if moment.notes:
        lines.append(moment.notes)
    link = url_for("agenda.show", moment_id=moment.id, _external=True)
    lines.append(link)
    event.add("description", "\n".join(lines))
    event.add("url", link)
    event.add("categories", [_("Belangrijk moment")])
    return event


def _follow_up_event(follow_up: FollowUp, stamp) -> Event:
    """A follow-up on its due date. One from a confidential contactmoment says
    no more than that: the address of a feed travels through mail servers and
    calendar services, its text stays behind the login."""
    event = Event()
    event.add("uid", _uid("actie", follow_up.id))
    event.add("dtstamp", stamp)
    event.add("dtstart", follow_up.due_date)
    event.add("dtend", follow_up.due_date + timedelta(days=1))
    link = url_for("interactions.show", interaction_id=follow_up.interaction_id, _external=True)
    if follow_up.interaction.confidential:
        event.add("summary", _("Vertrouwelijke actie"))
        event.add("description", _("Lees de actie in de Lobbytracker: %(link)s", link=link))
        event.add("class", "CONFIDENTIAL")
    else:
        event.add("summary", _("Actie: %(text)s", text=follow_up.description))
        event.add("description", "\n".join([
            _("Uit het contactmoment %(subject)s", subject=follow_up.interaction.subject), link]))
        event.add("class", "PRIVATE")
    event.add("url", link)
    event.add("transp", "TRANSPARENT")
    event.add("categories", [_("Actie")])
    return event


def render(user: User, moments: list[KeyMoment], follow_ups: list[FollowUp]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Lobbytracker//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Lobbytracker %(municipality)s: %(name)s",
                                   municipality=current_app.config["MUNICIPALITY"], name=user.name))
    # Outlook asks again after this long (RFC 7986 REFRESH-INTERVAL, and Microsoft's own name).
    calendar.add("refresh-interval", timedelta(hours=4), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT4H")
    stamp = utcnow()
    for moment in moments:
        calendar.add_component(_key_moment_event(moment, stamp))
    for follow_up in follow_ups:
        calendar.add_component(_follow_up_event(follow_up, stamp))
    return calendar.to_ical()
