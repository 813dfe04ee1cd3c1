"""Calendar months as dates (the first day of the month), the unit demand is counted in."""

import datetime


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def days_of_month(month: datetime.date) -> list[datetime.date]:
    first, following = month_start(month), add_months(month, 1)
    return [first + datetime.timedelta(days=n) for n in range((following - first).days)]
