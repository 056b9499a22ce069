"""Sample figures for 2022–2025 and the demo accounts, invented (every note says 示例数据): the season in early
2026, with every 2025 status (``STATES_2025``) and a contribution supplied and one asked for.  Organisations:
the high-tech zone, a second zone (鹿寨经济开发区) whose plan is imported from ``fixtures/luzhai_2022_2025.xlsx``,
and the city above both, with logins for each.  Running the command again changes nothing: existing
organisations, accounts and figures are left exactly as they are.
"""

from decimal import Decimal
from pathlib import Path

from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from indicators import roles
from indicators.excel.plan_import import PlanDetails, import_plan
from indicators.excel.plan_table import read_plan_table
from indicators.models import Actual, ActualStatus, Contribution, Department, Indicator, Organisation, Plan, PlanStatus, User
from indicators.plans import publish

PLAN_CODE = "柳高新〔2022〕2号"
CITY = {"code": "liuzhou", "name": "柳州市"}
SECOND_ZONE = {"code": "luzhai", "name": "鹿寨经济开发区"}
SECOND_PLAN = {"code": "鹿开〔2022〕5号", "title": "鹿寨经济开发区知识产权试点园区建设工作方案（2022-2025年）（示例数据）",
               "issuer": "鹿寨经济开发区管理委员会", "issue_date": date(2022, 11, 15), "first_year": 2022, "last_year": 2025}
SECOND_TABLE = Path(settings.BASE_DIR) / "fixtures" / "luzhai_2022_2025.xlsx"
SECOND_DEPARTMENTS = {"鹿寨县市场监督管理局": "lzscjg", "园区科技创新服务中心": "kjcx", "园区财政金融局": "czjr",
                      "园区经济发展局": "jjfz", "园区党群工作部": "dqgz"}
# The second zone's figures (table order -> 2022–2025) and the comparison codes both zones give (table order -> code).
SECOND_VALUES = {1: (2, 3, 4, 4), 2: (4, 5, 6, 7), 3: ((1000, 3), (1600, 4), (2200, 6), (2600, 7)), 4: (2, 3, 4, 5),
                 5: (100, 150, 210, 260), 6: (1, 2, 3, 3)}
CODES = {"gxq": {1: "ip-cases", 7: "ip-trust", 9: "pct", 19: "patent-pledge", 27: "ip-events"},
         "luzhai": {1: "ip-cases", 2: "pct", 3: "patent-pledge", 4: "ip-trust", 6: "ip-events"}}
# Eleven characters, below the validators' minimum of 12 on purpose: the demo accounts are set with
# set_password(), which does not run the validators, so the design's documented demo password keeps
# working; demo_data refuses to run in production (DEBUG off) without --force.
PASSWORD = "ipzone-demo"
DEMO = "示例数据"
NOT_CARRIED_OUT = "n/a"

# table order -> values for 2022, 2023, 2024, 2025 (None: not reported; pairs as tuples).
VALUES = {
    1: (4, 5, 6, 7),  # 2025 achieved
    2: ("95.4", "95.6", "95.8", "95.9"),  # rate, needs acceleration
    3: (5, 8, 12, 10),  # target "/": not scored
    4: (1, 0, 2, None),  # 2025 not reported
    5: (3, 5, 8, 10),  # rate, achieved
    6: (2, 3, 4, 5),
    7: (4, 6, 8, 10),
    8: (10, 15, 20, 25),
    9: (12, 14, 16, 18),  # needs acceleration
    10: (2, 3, 3, 3),  # behind
    11: (13, 14, 12, 10),  # deteriorating
    12: (3, 5, 8, 10),
    13: (3, 4, 4, 5),
    14: (150, 260, 380, 490),  # on track
    15: (200, 300, 400, 470),  # on track
    16: (2, 4, 6, 8),
    17: (0, 1, 0, 1),
    18: (1, 2, 2, 3),
    19: ((3500, 4), (4200, 5), (5000, 7), (5600, 10)),  # pair: amount needs acceleration
    20: (NOT_CARRIED_OUT, (300, 1), (500, 2), (800, 3)),
    21: (NOT_CARRIED_OUT, NOT_CARRIED_OUT, (200, 1), (350, 2)),
    22: ((100, 1), (150, 2), (300, 3), (400, 4)),
    23: (0, 1, 0, 1),  # cumulative: 2 of 2
    24: (1, 1, 1, 1),  # cumulative: 4 of 5
    25: (0, 1, 1, 1),
    26: (22, 25, 28, None),
    27: (2, 3, 4, 2),  # behind
    28: (5, 8, 10, 12),
    29: (1, 2, 2, 0),  # behind
}

# Table order -> workflow state of the 2025 figures not approved yet; every other figure is approved.
STATES_2025 = {order: ActualStatus.SUBMITTED for order in (2, 9, 15, 19, 23)} | {10: ActualStatus.RETURNED, 20: ActualStatus.DRAFT}
RETURN_REASON = "请补充获奖证书作为佐证材料。（示例数据）"
# Invented names (姓, 名) for the demo accounts, one per department in display order after the three below.
NAMES = {"admin": ("周", "敏"), "leader": ("李", "建国"), "reviewer": ("王", "芳")}
STAFF_NAMES = [("陈", "静"), ("刘", "洋"), ("黄", "磊"), ("赵", "婷"), ("吴", "勇"), ("孙", "丽"), ("马", "超"),
               ("朱", "琳"), ("胡", "军"), ("郭", "燕"), ("何", "涛"), ("高", "雪"), ("林", "峰"), ("罗", "颖")]


class Command(BaseCommand):
    help = "Load sample figures for 2022–2025 (marked 示例数据) and the demo accounts. Needs DEBUG or --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")
        parser.add_argument("--one-zone", action="store_true", help="Only the high-tech zone: no second zone, no city.")

    def handle(self, *args, force=False, one_zone=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("demo_data adds invented figures and known passwords; it runs only with DEBUG on or --force.")
        plan = Plan.objects.filter(organisation__code="gxq", code=PLAN_CODE).first()
        if plan is None:
            if Plan.objects.exists():  # the fixture's keys would overwrite another organisation's rows
                raise CommandError(f"This database has plans but not {PLAN_CODE}: the demo data goes into a new database only.")
            call_command("loaddata", "plan_2022_2025", verbosity=0)
            plan = Plan.objects.get(organisation__code="gxq", code=PLAN_CODE)
        with transaction.atomic():
            users = self.accounts()
            created = self.figures(plan, users)
            self.contributions(plan, users)
            if not one_zone:
                second, second_users = self.second_zone(users["admin"])
                created += self.figures(second, second_users, values=SECOND_VALUES, prefix="lz-", states={1: ActualStatus.SUBMITTED})
            for organisation, codes in CODES.items():
                for order, code in codes.items():
                    Indicator.objects.filter(plan__organisation__code=organisation, plan__status=PlanStatus.ACTIVE, order=order,
                                             code="").update(code=code)
        if options["verbosity"]:
            self.stdout.write(f"Demo figures created: {created}.")
            self.stdout.write(self.logins(plan, users))
            if not one_zone:
                self.stdout.write(self.logins(second, second_users))
                self.stdout.write(f"  city-leader, city-reviewer  {CITY['name']}: read both zones (the overview compares them).")

    @staticmethod
    def logins(plan, users) -> str:
        """Each demo login with its role, its department's name and how many of the plan's indicators that department leads."""
        departments = Department.objects.filter(organisation=plan.organisation_id).values_list("pk")
        leads = dict(departments.filter(lead_indicators__plan=plan).annotate(n=Count("lead_indicators")))
        helps = dict(departments.filter(cooperation_links__indicator__plan=plan).annotate(n=Count("cooperation_links")))
        lines = [f"Demo logins (password {PASSWORD}); reporters enter the indicators their department leads in {plan.code}:"]
        for username, user in users.items():
            role = "、".join(sorted(user.role_names))
            line = f"  {username:<13} {user.get_full_name()}  {role}"
            if user.department is not None:
                line += f"  {user.department.name}"
            if user.is_reporter:
                count = leads.get(user.department_id, 0)
                line += f" — leads {count} indicator{'' if count == 1 else 's'}"
                if helps.get(user.department_id):
                    line += f", co-operates on {helps[user.department_id]} (/contributions/)"
            lines.append(line)
        return "\n".join(lines)

    def accounts(self):
        zone = Organisation.objects.get(code="gxq")
        scjg = Department.objects.get(organisation=zone, code="scjg")
        wanted = [
            ("admin", roles.ADMINISTRATOR, None, {"is_superuser": True}),
            ("leader", roles.LEADER, None, {}),
            ("reviewer", roles.REVIEWER, scjg, {}),
        ] + [(f"staff-{d.code}", roles.REPORTER, d, {}) for d in Department.objects.filter(organisation=zone)]
        names = {**NAMES, **{username: STAFF_NAMES[index % len(STAFF_NAMES)] for index, (username, *_rest) in enumerate(wanted[3:])}}
        return self.make_accounts(zone, wanted, names)

    @staticmethod
    def make_accounts(organisation, wanted, names):
        roles.sync_groups()
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}
        users = {}
        for username, role, department, extra in wanted:
            user = User.objects.select_related("department").filter(username=username).first()
            if user is None:
                extra = {**extra, "last_name": names[username][0], "first_name": names[username][1]}
                # No is_staff: the role lets them in.  example.invalid never resolves: mails to demo
                # accounts cannot reach anybody.
                user = User(username=username, organisation=organisation, department=department,
                            email=f"{username}@example.invalid", **extra)
                user.set_password(PASSWORD)
                user.save()
                user.groups.add(groups[role])
            users[username] = user
        return users

    def figures(self, plan, users, *, values=VALUES, prefix="", states=STATES_2025):
        indicators = {i.order: i for i in plan.indicators.select_related("lead_department")}
        existing = set(Actual.objects.filter(indicator__plan=plan).values_list("indicator__order", "year"))
        reviewer = users[f"{prefix}reviewer"]
        now = timezone.now()
        created = 0
        for order, row in values.items():
            indicator = indicators[order]
            staff = users[f"{prefix}staff-{indicator.lead_department.code}"]
            for year, raw in zip(plan.years, row):
                if raw is None or (order, year) in existing:
                    continue
                status = states.get(order, ActualStatus.APPROVED) if year == 2025 else ActualStatus.APPROVED
                actual = Actual(indicator=indicator, year=year, status=status, note=f"{DEMO}。", entered_by=staff, entered_at=now)
                if raw == NOT_CARRIED_OUT:
                    actual.not_carried_out = True
                    actual.note = f"当年未开展该项工作。（{DEMO}）"
                elif isinstance(raw, tuple):
                    actual.value, actual.second_value = Decimal(raw[0]), Decimal(raw[1])
                else:
                    actual.value = Decimal(raw)
                if status != ActualStatus.DRAFT:
                    actual.submitted_by, actual.submitted_at = staff, now
                if status in (ActualStatus.APPROVED, ActualStatus.RETURNED):
                    actual.reviewed_by, actual.reviewed_at = reviewer, now
                if status == ActualStatus.RETURNED:
                    actual.return_reason = RETURN_REASON
                actual._history_user = staff
                actual._change_reason = DEMO
                actual.save()
                created += 1
        return created

    def second_zone(self, superuser):
        """The city above the high-tech zone, and a second zone below the city with its plan imported from its table
        and put in force; the city's leader and reviewer, and the second zone's accounts (``lz-``)."""
        city, _created = Organisation.objects.get_or_create(code=CITY["code"], defaults={"name": CITY["name"]})
        Organisation.objects.filter(code="gxq", parent__isnull=True).update(parent=city)
        zone, _created = Organisation.objects.get_or_create(code=SECOND_ZONE["code"], defaults={"name": SECOND_ZONE["name"], "parent": city})
        plan = Plan.objects.filter(organisation=zone, code=SECOND_PLAN["code"]).first()
        if plan is None:
            details = PlanDetails(**SECOND_PLAN, organisation_id=zone.pk)
            plan = import_plan(superuser, read_plan_table(SECOND_TABLE.read_bytes()), details, created=SECOND_DEPARTMENTS)
            publish(superuser, plan)
        departments = list(Department.objects.filter(organisation=zone))
        wanted = [("lz-admin", roles.ADMINISTRATOR, None, {}), ("lz-leader", roles.LEADER, None, {}),
                  ("lz-reviewer", roles.REVIEWER, None, {})] + [(f"lz-staff-{d.code}", roles.REPORTER, d, {}) for d in departments]
        names = {username: STAFF_NAMES[(index + 5) % len(STAFF_NAMES)] for index, (username, *_rest) in enumerate(wanted)}
        users = self.make_accounts(zone, wanted, names)
        self.make_accounts(city, [("city-leader", roles.LEADER, None, {}), ("city-reviewer", roles.REVIEWER, None, {})],
                           {"city-leader": ("蒙", "立新"), "city-reviewer": ("韦", "红")})
        return Plan.objects.get(pk=plan.pk), users

    @staticmethod
    def contributions(plan, users):
        """社会事务局's share of row 1 (2025), supplied; 党群工作部's of row 4, asked for by the lead and not supplied yet."""
        now = timezone.now()
        wanted = [
            (1, "shswj", {"share": Decimal(2), "note": f"联合执法查处 2 起。（{DEMO}）", "entered_by": users["staff-shswj"], "entered_at": now}),
            (4, "dqgzb", {"requested_by": users["staff-scjg"], "requested_at": now}),
        ]
        for order, code, fields in wanted:
            indicator = plan.indicators.get(order=order)
            if not Contribution.objects.filter(indicator=indicator, year=2025, department__code=code).exists():
                item = Contribution(indicator=indicator, year=2025, department=plan.organisation.department_set.get(code=code), **fields)
                item._history_user = fields.get("entered_by") or fields.get("requested_by")
                item.save()
