"""The one clock: "today" and "now" for every date congvan prints, writes or stores is Vietnam time.

Asia/Ho_Chi_Minh comes from zoneinfo (the system's tz database, or the `tzdata` package); if neither
is there, a fixed UTC+7 is used, which is the same: Vietnam has no daylight saving time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZONE_NAME = "Asia/Ho_Chi_Minh"
FIXED_UTC7 = dt.timezone(dt.timedelta(hours=7), "ICT")


def vietnam_tz() -> dt.tzinfo:
    """Return the Asia/Ho_Chi_Minh zone, or a fixed UTC+7 when no time-zone database is installed."""
    try:
        return ZoneInfo(ZONE_NAME)
    except (ZoneInfoNotFoundError, ValueError):
        return FIXED_UTC7


VIETNAM_TZ = vietnam_tz()


def now() -> dt.datetime:
    """Return the current time in Vietnam, to the second, with its UTC offset."""
    return dt.datetime.now(VIETNAM_TZ).replace(microsecond=0)


def today() -> dt.date:
    """Return today's date in Vietnam (not the machine's local date)."""
    return now().date()
