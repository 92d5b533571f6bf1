"""Calendar invitations (iCalendar, RFC 5545/5546) for a session: a request, an update or a
cancellation with a stable UID. They name the group, the time, the place and a link — never a child."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from caseflow.db import utcnow
from caseflow.meetings.models import GroupSession

REQUEST, CANCEL = "REQUEST", "CANCEL"


def _address(email: str, name: str | None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address


def session_ics(session: GroupSession, *, method: str, summary: str, description: str, url: str,
                attendee_email: str, attendee_name: str | None) -> str:
    """One invitee's calendar file for the session (METHOD:REQUEST or METHOD:CANCEL); an invited
    person (who may be the pupil) is named by address only."""
    tzid = current_app.config["TIMEZONE"]
    local = ZoneInfo(tzid)
    starts = session.starts_at.astimezone(local)
    ends = session.ends_at.astimezone(local)

    calendar = Calendar()
    calendar.add("prodid", "-//caseflow//cooperation group sessions//LV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(Timezone.from_tzid(tzid, first_date=starts.date() - timedelta(days=366),
                                              last_date=ends.date() + timedelta(days=366)))
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    location = ", ".join(part for part in (session.place, session.video_link) if part)
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    sender = current_app.config["MAIL_FROM"]
    organizer_email = sender.rsplit("<", 1)[-1].strip(" >")
    event.add("organizer", _address(organizer_email, session.group.name))
    attendee = _address(attendee_email, attendee_name)
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
    attendee.params["RSVP"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode()
