"""Seed the work calendar from the chinese-calendar package (2004–2026): only the days that
differ from the Monday–Friday rule. Later years are added by an administrator each winter when
the State Council publishes them (page: 节假日安排)."""

from django.db import migrations

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    from chinese_calendar import constants

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    days = [
        CalendarDay(date=day, is_workday=False, name=NAMES.get(str(name), str(name)))
        for day, name in constants.holidays.items()
        if day.weekday() < 5
    ]
    days += [
        CalendarDay(date=day, is_workday=True, name=f"{NAMES.get(str(name), str(name))}调休上班")
        for day, name in constants.workdays.items()
        if day.weekday() >= 5
    ]
    CalendarDay.objects.bulk_create(days, ignore_conflicts=True)
    years = sorted({d.year for d in constants.holidays})
    CalendarYear.objects.bulk_create(
        [
            CalendarYear(year=y, source="国务院办公厅节假日安排通知（chinese-calendar 1.11）")
            for y in years
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.all().delete()
    apps.get_model("core", "CalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_calendarday_calendaryear")]
    operations = [migrations.RunPython(seed, unseed)]
