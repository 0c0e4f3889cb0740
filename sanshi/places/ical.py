"""The iCalendar feed of a place's published activities (RFC 5545, written by icalendar)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from sanshi.core import clock
from sanshi.places.models import Activity, Place

PRODID = "-//sanshi//places//ZH"


def place_calendar(place: Place, activities: Iterable[Activity], *, base_url: str) -> bytes:
    """A calendar a phone's calendar app can subscribe to: one event per activity."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", place.name)
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    stamp = clock.now()
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@sanshi")
        event.add("dtstamp", stamp)
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        event.add("summary", activity.title)
        event.add("location", activity.location)
        if activity.description:
            event.add("description", activity.description)
        event.add("url", f"{base_url}/places/activities/{activity.pk}/")
        event.add("status", "CANCELLED" if activity.cancelled_at else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
