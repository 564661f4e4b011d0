"""The working-day calendar: deadlines over China's holidays and 调休 weekends, and its tables.

Holiday facts are checked against what the chinese-calendar package says, loaded through
`sanfu calendar load` as in production, never typed in from memory.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from sanfu.cases.calendar import (
    WorkCalendar,
    add_working_days,
    add_working_hours,
    load_calendar,
    working_days_between,
)
from sanfu.cases.management.commands.calendar import package_schedule, package_years
from sanfu.cases.models import CalendarDay, CalendarYear, DayKind
from sanfu.directory.models import User
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def plain_weeks(*known_years: int) -> WorkCalendar:
    return WorkCalendar(frozenset(), frozenset(), frozenset(known_years))


def package_calendar(*years: int) -> WorkCalendar:
    """The package's schedule without the database, for tests that run many examples."""
    days = {day: kind for year in years for day, (kind, _name) in package_schedule(year).items()}
    return WorkCalendar(
        holidays=frozenset(d for d, kind in days.items() if kind == DayKind.HOLIDAY),
        workdays=frozenset(d for d, kind in days.items() if kind == DayKind.WORKDAY),
        known_years=frozenset(years),
    )


def run_calendar(*args: str) -> str:
    """The command's output in English, so the tests hold whatever the translations say."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("calendar", *args, stdout=out)
    return out.getvalue()


def table() -> dict[str, object]:
    return {
        "days": list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name")),
        "years": list(
            CalendarYear.objects.order_by("year").values_list("year", "source", "loaded_at")
        ),
    }


def days_of(year: int) -> list[tuple[date, str, str]]:
    return list(
        CalendarDay.objects.filter(date__year=year)
        .order_by("date")
        .values_list("date", "kind", "name")
    )


# --- National Day 2025 and its 调休 weekends ---


def test_the_package_gives_national_day_2025_as_eight_days_off_and_two_weekend_days_worked():
    run_calendar("load", "--year", "2025")

    days = dict(CalendarDay.objects.filter(date__year=2025).values_list("date", "kind"))
    assert all(days[date(2025, 10, d)] == DayKind.HOLIDAY for d in range(1, 9))
    assert days[date(2025, 9, 28)] == DayKind.WORKDAY  # a Sunday
    assert days[date(2025, 10, 11)] == DayKind.WORKDAY  # a Saturday
    assert date(2025, 10, 9) not in days
    assert CalendarYear.objects.get(year=2025).source.startswith("chinese-calendar ")


def test_a_request_just_before_national_day_is_due_after_the_holiday():
    run_calendar("load", "--year", "2025")
    cal = load_calendar()

    # Received on Tuesday 30 September: 1-8 October are off, then Thursday 9, Friday 10 and
    # the 调休 Saturday 11 October are the three working days.
    deadline = add_working_days(cal, local(2025, 9, 30, 17, 30), 3)

    assert deadline.at == end_of(2025, 10, 11)
    assert deadline.unconfirmed is False


def test_a_weekend_day_declared_worked_counts_as_a_working_day():
    run_calendar("load", "--year", "2025")
    cal = load_calendar()

    assert cal.is_working_day(date(2025, 10, 11))  # 调休 Saturday
    assert not cal.is_working_day(date(2025, 10, 4))  # an ordinary Saturday inside the holiday
    assert not cal.is_working_day(date(2025, 10, 18))  # an ordinary Saturday
    assert add_working_days(cal, local(2025, 10, 10, 18), 1).at == end_of(2025, 10, 11)
    # The 调休 Sunday before the holiday counts too.
    assert add_working_days(cal, local(2025, 9, 26, 21), 2).at == end_of(2025, 9, 29)


def test_hours_skip_national_day_whole():
    run_calendar("load", "--year", "2025")

    # Tuesday 30 September after closing; 1-8 October are off; Thursday 9 opens at 08:30.
    deadline = add_working_hours(load_calendar(), local(2025, 9, 30, 20), 8)

    assert deadline.at == local(2025, 10, 9, 16, 30)
    assert deadline.unconfirmed is False


# --- ordinary weeks ---


def test_three_working_days_from_a_friday_evening_end_on_wednesday_night():
    deadline = add_working_days(plain_weeks(2025), local(2025, 11, 14, 19, 45), 3)

    assert deadline.at == end_of(2025, 11, 19)
    assert deadline.at.tzinfo is not None


def test_the_local_day_of_receipt_decides_even_when_the_time_comes_in_utc():
    # 17:00 UTC on Thursday is 01:00 on Friday in Shanghai: Friday is the day of receipt.
    deadline = add_working_days(plain_weeks(2025), datetime(2025, 11, 13, 17, tzinfo=UTC), 1)

    assert deadline.at == end_of(2025, 11, 17)


def test_hours_across_a_weekend_resume_on_monday():
    deadline = add_working_hours(plain_weeks(2025), local(2025, 11, 14, 20), 8)

    assert deadline.at == local(2025, 11, 17, 16, 30)
    assert deadline.at.utcoffset() == timedelta(hours=8)


def test_a_case_dispatched_on_friday_night_is_due_on_monday_after_opening_not_before_dawn():
    deadline = add_working_hours(plain_weeks(2025), local(2025, 11, 14, 22, 45), 4)

    assert deadline.at == local(2025, 11, 17, 12, 30)


def test_hours_left_when_the_office_closes_carry_over_to_the_next_working_morning():
    # 16:00 to 17:30 on Friday, then 2.5 hours from 08:30 on Monday.
    deadline = add_working_hours(plain_weeks(2025), local(2025, 11, 14, 16), 4)

    assert deadline.at == local(2025, 11, 17, 11)


def test_hours_that_fill_the_day_exactly_are_due_at_closing_time():
    deadline = add_working_hours(plain_weeks(2025), local(2025, 11, 14, 13, 30), 4)

    assert deadline.at == local(2025, 11, 14, 17, 30)


def test_hours_received_on_a_saturday_start_counting_when_monday_opens():
    deadline = add_working_hours(plain_weeks(2025), local(2025, 11, 15, 10), 2)

    assert deadline.at == local(2025, 11, 17, 10, 30)


def test_a_calendar_working_round_the_clock_counts_every_hour_of_a_working_day():
    cal = WorkCalendar(
        frozenset(), frozenset(), frozenset({2025}), opens=timedelta(0), closes=timedelta(hours=24)
    )

    assert add_working_hours(cal, local(2025, 11, 14, 20), 8).at == local(2025, 11, 17, 4)
    assert add_working_hours(cal, local(2025, 11, 14, 20), 4).at == local(2025, 11, 15)


@pytest.mark.parametrize(
    ("opens", "closes"),
    [(9, 9), (18, 9), (-1, 9), (8, 25)],
    ids=["empty", "reversed", "negative", "past midnight"],
)
def test_working_hours_that_leave_no_working_time_are_refused(opens: int, closes: int):
    with pytest.raises(ValueError, match="working hours"):
        WorkCalendar(
            frozenset(),
            frozenset(),
            frozenset(),
            opens=timedelta(hours=opens),
            closes=timedelta(hours=closes),
        )


def test_the_working_hours_come_from_the_settings(settings):
    settings.CASE_WORKING_HOURS = (timedelta(hours=9), timedelta(hours=12))

    cal = load_calendar()

    assert (cal.opens, cal.closes) == (timedelta(hours=9), timedelta(hours=12))
    # Three hours a day: 4 hours from Friday 10:00 end at 11:00 on Monday.
    assert add_working_hours(cal, local(2025, 11, 14, 10), 4).at == local(2025, 11, 17, 11)


def test_working_days_between_leaves_out_the_weekend():
    cal = plain_weeks(2025)

    assert working_days_between(cal, local(2025, 11, 14, 12), local(2025, 11, 17, 12)) == Decimal(
        "1.00"
    )
    # 6 hours on Friday and 9 on Monday: 15/24 = 0.625, rounded half up.
    assert working_days_between(cal, local(2025, 11, 14, 18), local(2025, 11, 17, 9)) == Decimal(
        "0.63"
    )
    assert working_days_between(cal, local(2025, 11, 15, 9), local(2025, 11, 16, 18)) == Decimal(
        "0.00"
    )


def test_working_days_between_leaves_out_national_day():
    cal = package_calendar(2025)

    elapsed = working_days_between(cal, local(2025, 9, 30, 12), local(2025, 10, 9, 12))

    assert elapsed == Decimal("1.00")


def test_it_refuses_naive_times_and_amounts_out_of_range():
    cal = plain_weeks(2025)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(cal, datetime(2025, 11, 14, 12), 1)  # noqa: DTZ001 - the point
    with pytest.raises(ValueError, match="between 1 and 3650"):
        add_working_days(cal, local(2025, 11, 14), 0)
    with pytest.raises(ValueError, match="between 1 and 3650"):
        add_working_days(cal, local(2025, 11, 14), 3651)
    with pytest.raises(ValueError, match="before start"):
        working_days_between(cal, local(2025, 11, 14), local(2025, 11, 13))


# --- years with no official schedule ---


def test_a_deadline_that_runs_into_a_year_with_no_schedule_is_unconfirmed():
    run_calendar("load", "--year", "2026")
    cal = load_calendar()
    assert 2027 not in cal.known_years

    assert add_working_days(cal, local(2026, 12, 28, 9), 2).unconfirmed is False
    assert add_working_days(cal, local(2026, 12, 28, 9), 5).unconfirmed is True
    assert add_working_hours(cal, local(2026, 12, 31, 20), 8).unconfirmed is True


def test_the_package_refuses_a_year_it_has_no_schedule_for():
    # Why chinese-calendar and not `holidays`: the latter returns a guessed schedule for any
    # year. If this package ever starts guessing too, the load would pass guesses off as
    # official, so this must keep failing loudly.
    unknown = max(package_years()) + 1
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(unknown, 10, 1))


def test_a_year_entered_in_the_admin_is_confirmed_once_its_year_row_exists():
    run_calendar("load", "--year", "2026")
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    client = login(root)
    response = client.post(
        "/admin/cases/calendarday/add/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 302
    start = local(2026, 12, 31, 9)

    before = add_working_days(load_calendar(), start, 1)
    assert before.at == end_of(2027, 1, 4)  # Friday 1 January is off, then the weekend
    assert before.unconfirmed is True

    response = client.post(
        "/admin/cases/calendaryear/add/", {"year": "2027", "source": "国办发明电〔2026〕号"}
    )
    assert response.status_code == 302
    after = add_working_days(load_calendar(), start, 1)
    assert after.at == end_of(2027, 1, 4)
    assert after.unconfirmed is False


def test_the_admin_refuses_a_weekday_marked_as_worked():
    client = login(User.objects.create_superuser(username="root", password=PASSWORD))

    response = client.post(
        "/admin/cases/calendarday/add/", {"date": "2027-01-05", "kind": "workday", "name": "x"}
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["kind"]
    assert not CalendarDay.objects.exists()


def test_the_admin_lists_a_years_weekend_working_days_with_their_weekday():
    run_calendar("load", "--year", "2025")
    client = login(User.objects.create_superuser(username="root", password=PASSWORD))

    response = client.get("/admin/cases/calendarday/", {"date__year": "2025", "kind": "workday"})

    assert response.status_code == 200
    assert [day.date for day in response.context["cl"].result_list] == sorted(
        d for d in chinese_calendar.workdays if d.year == 2025
    )
    # The interface is Chinese by default: 28 September 2025 was a Sunday.
    assert '<td class="field-weekday">星期日</td>' in response.content.decode()


# --- `sanfu calendar load` and `show` ---


def test_loading_twice_changes_nothing():
    first = run_calendar("load")
    expected_years = sorted(y for y in package_years() if y >= 2020)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == expected_years
    assert "2025: loaded from chinese-calendar" in first
    before = table()

    second = run_calendar("load")

    assert table() == before
    assert "2025: unchanged" in second
    assert "loaded" not in second


def test_loading_puts_back_a_package_day_changed_by_hand():
    run_calendar("load", "--year", "2025")
    CalendarDay.objects.filter(date=date(2025, 10, 8)).delete()

    out = run_calendar("load", "--year", "2025")

    assert "2025: loaded" in out
    assert CalendarDay.objects.get(date=date(2025, 10, 8)).kind == DayKind.HOLIDAY


def test_loading_keeps_a_year_entered_by_hand():
    # An administrator entered 2026 before the package knew it, with a local extra day off.
    CalendarYear.objects.create(year=2026, source="国办发明电〔2025〕7号")
    CalendarDay.objects.create(date=date(2026, 4, 20), kind=DayKind.HOLIDAY, name="壮族三月三")
    CalendarDay.objects.create(date=date(2026, 10, 1), kind=DayKind.HOLIDAY, name="国庆节")
    before = days_of(2026)

    out = run_calendar("load")

    assert "2026: kept as entered by hand" in out
    assert days_of(2026) == before
    assert CalendarYear.objects.get(year=2026).source == "国办发明电〔2025〕7号"
    assert CalendarYear.objects.filter(year=2025).exists()


def test_loading_keeps_days_being_entered_for_a_year_not_yet_confirmed():
    CalendarDay.objects.create(date=date(2026, 1, 2), kind=DayKind.HOLIDAY, name="元旦")

    out = run_calendar("load", "--year", "2026")

    assert "2026: kept as entered by hand" in out
    assert CalendarDay.objects.filter(date__year=2026).count() == 1
    assert not CalendarYear.objects.exists()


def test_loading_with_replace_takes_the_package_schedule_over_a_hand_entered_year():
    CalendarYear.objects.create(year=2026, source="by hand")
    CalendarDay.objects.create(date=date(2026, 4, 20), kind=DayKind.HOLIDAY, name="壮族三月三")

    run_calendar("load", "--year", "2026", "--replace")

    rows = dict(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind"))
    assert rows == {day: kind for day, (kind, _name) in package_schedule(2026).items()}
    assert CalendarYear.objects.get(year=2026).source.startswith("chinese-calendar ")


def test_loading_a_year_the_package_does_not_know_writes_nothing():
    unknown = max(package_years()) + 1

    with pytest.raises(CommandError, match=f"no official schedule for {unknown}"):
        run_calendar("load", "--year", "2025", "--year", str(unknown))

    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()


def test_show_prints_the_days_of_a_year_and_whether_it_is_confirmed():
    run_calendar("load", "--year", "2025")

    lines = run_calendar("show", "--year", "2025").splitlines()

    assert lines[0].startswith("2025: confirmed (source: chinese-calendar ")
    assert "2025-10-01 holiday 国庆节" in lines
    assert "2025-10-11 workday 国庆节" in lines
    assert run_calendar("show", "--year", "2031").splitlines() == [
        "2031: not confirmed; deadlines that reach into it are flagged"
    ]


# --- properties ---

PROPERTY_CALENDAR = package_calendar(2024, 2025, 2026)


@given(
    start=st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis attaches the zone
        max_value=datetime(2026, 11, 30),  # noqa: DTZ001
        timezones=st.sampled_from([SHANGHAI, UTC]),
    ),
    n=st.integers(min_value=1, max_value=40),
)
def test_one_more_working_day_is_always_later_and_lands_on_a_working_day(start: datetime, n: int):
    shorter = add_working_days(PROPERTY_CALENDAR, start, n)
    longer = add_working_days(PROPERTY_CALENDAR, start, n + 1)

    assert longer.at > shorter.at > start
    for deadline in (shorter, longer):
        assert PROPERTY_CALENDAR.is_working_day(deadline.at.date())
        assert deadline.at.tzinfo is not None


@given(
    start=st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis attaches the zone
        max_value=datetime(2026, 11, 30),  # noqa: DTZ001
        timezones=st.sampled_from([SHANGHAI, UTC]),
    ),
    first=st.integers(min_value=1, max_value=24 * 10),
    then=st.integers(min_value=1, max_value=24 * 10),
)
def test_hours_add_up_and_always_end_in_working_hours(start: datetime, first: int, then: int):
    whole = add_working_hours(PROPERTY_CALENDAR, start, first + then)
    part = add_working_hours(PROPERTY_CALENDAR, start, first)

    # Counting on from where the first hours ended gives the same end as counting them all.
    assert add_working_hours(PROPERTY_CALENDAR, part.at, then).at == whole.at
    assert whole.at > part.at > start
    local_end = whole.at.astimezone(SHANGHAI)
    midnight = datetime.combine(local_end.date(), datetime.min.time(), tzinfo=SHANGHAI)
    assert PROPERTY_CALENDAR.is_working_day(local_end.date())
    assert PROPERTY_CALENDAR.opens < local_end - midnight <= PROPERTY_CALENDAR.closes
