"""The shipped fixture is the plan's table, row for row (柳高新〔2022〕2号, （三）量化指标)."""

from datetime import date
from decimal import Decimal as D

import pytest

from indicators.models import Department, Indicator

S, SHSWJ, SHZLB, DQGZB, TZCJJ, GXJ, KJJ, ZLJJJ, JYJ, CZJ, GAFJ, SMWLJ, FGC = (
    "柳州市市场监督管理局柳东新区分局",
    "社会事务局",
    "社会综合治理办公室",
    "党群工作部",
    "投资促进局",
    "工业和信息化局",
    "科技和大数据发展局",
    "战略和经济发展局",
    "教育局",
    "财政局",
    "柳州市公安局柳东分局",
    "商贸文化旅游局",
    "法规处",
)
N = None
# order, task, name, baseline printed, target printed, (baseline numbers), (target numbers), departments, measure, basis
ROWS = [
    (1, 1, "查处假冒知识产权行政案件（起）", "3", "6", ("", D(3), N), ("", D(6), N), [S, SHSWJ], "flow", "year"),
    (2, 1, "非正常专利申请主动撤回率（%）", "95.26%", "96%", ("", D("95.26"), N), ("", D(96), N), [S], "rate", "year"),
    (3, 2, "知识产权纠纷诉前调解（件）", "—", "/", ("—", N, N), ("/", N, N), [S, SHZLB], "flow", "year"),
    (4, 3, "行政裁决知识产权侵权纠纷案件（起）", "—", "/", ("—", N, N), ("/", N, N), [S, DQGZB], "flow", "year"),
    (5, 3, "压缩知识产权行政案件办理法定时限（%）", "—", "10", ("—", N, N), ("", D(10), N), [S, SHSWJ], "rate", "year"),
    (6, 4, "涉外知识产权维权纠纷服务（件次）", "—", "/", ("—", N, N), ("/", N, N), [S], "flow", "year"),
    (7, 5, "知识产权托管企业（家）", "2", "10", ("", D(2), N), ("", D(10), N), [S, TZCJJ], "stock", "year"),
    (8, 5, "“沉睡”专利唤醒运用（件）", "—", "/", ("—", N, N), ("/", N, N), [GXJ, KJJ, S], "flow", "year"),
    (9, 6, "专利（PCT）国际申请量（件）", "9", "20", ("", D(9), N), ("", D(20), N), [GXJ, KJJ, S], "flow", "year"),
    (10, 6, "中国专利奖（件）", "2", "4", ("", D(2), N), ("", D(4), N), [S], "flow", "year"),
    (11, 6, "自治区专利奖（件）", "12", "16", ("", D(12), N), ("", D(16), N), [S], "flow", "year"),
    (12, 6, "柳州市知识产权标杆企业（个）", "—", "10", ("—", N, N), ("", D(10), N), [GXJ, KJJ, S], "stock", "year"),
    (13, 7, "自治区高价值专利培育示范中心（个）", "3", "5", ("", D(3), N), ("", D(5), N), [S], "stock", "year"),
    (14, 7, "战略性新兴产业发明专利拥有量（件）", "—", "500", ("—", N, N), ("", D(500), N),
     [ZLJJJ, GXJ, JYJ, KJJ, S], "stock", "year"),
    (15, 7, "10年以上高维持发明专利保有量（件）", "122", "480", ("", D(122), N), ("", D(480), N),
     [ZLJJJ, GXJ, JYJ, KJJ, S], "stock", "year"),
    (16, 7, "高价值发明专利组合（件）", "—", "10", ("—", N, N), ("", D(10), N), [S], "stock", "year"),
    (17, 8, "新增地理标志保护产品", "—", "/", ("—", N, N), ("/", N, N), [S], "flow", "year"),
    (18, 9, "柳州市知识产权服务业品牌机构（个）", "—", "/", ("—", N, N), ("/", N, N), [ZLJJJ, S], "stock", "year"),
    (19, 10, "专利质押融资金额（万元）/笔", "2868/2", "6000/10", ("", D(2868), D(2)), ("", D(6000), D(10)),
     [CZJ, S], "flow", "year"),
    (20, 10, "商标质押融资金额（万元）/件", "—", "/", ("—", N, N), ("/", N, N), [CZJ, S], "flow", "year"),
    (21, 10, "其他知识产权质押融资金额（万元）/件", "—", "以实际业务开展为准", ("—", N, N), ("以实际业务开展为准", N, N),
     [CZJ, SHSWJ, DQGZB, S], "flow", "year"),
    (22, 10, "知识产权保险投保金额（万元）/笔", "—", "以实际业务开展为准", ("—", N, N), ("以实际业务开展为准", N, N),
     [CZJ, S], "flow", "year"),
    (23, 11, "产业规划类专利导航项目（个）", "—", "2", ("—", N, N), ("", D(2), N), [GXJ, KJJ, S], "flow", "cumulative"),
    (24, 11, "企业运营类专利导航项目（个）", "—", "5", ("—", N, N), ("", D(5), N), [GXJ, KJJ, S], "flow", "cumulative"),
    (25, 12, "产业高价值知识产权创造保护联盟", "/", "/", ("/", N, N), ("/", N, N), [S], "stock", "year"),
    (26, 13, "广西知识产权“十百千”人才", "19", "30", ("", D(19), N), ("", D(30), N), [S], "stock", "year"),
    (27, 14, "各类知识产权工作学习、培训、交流活动", "1", "5", ("", D(1), N), ("", D(5), N), [S], "flow", "year"),
    # Row 15 prints 柳州市市场监督管理局柳东新区分局 twice; it is kept once, at its first place.
    (28, 15, "省部级以上媒体知识产权工作宣传（篇次）", "/", "/", ("/", N, N), ("/", N, N),
     [ZLJJJ, GXJ, JYJ, KJJ, S, GAFJ, SHSWJ, SMWLJ, DQGZB, SHZLB], "flow", "year"),
    (29, 16, "知识产权文化法律“四进”活动（次）", "/", "2", ("/", N, N), ("", D(2), N),
     [FGC, JYJ, GAFJ, SHSWJ, SMWLJ, S, DQGZB, SHZLB], "flow", "year"),
]


def test_the_plan_is_柳高新2022_2号_with_its_years_and_footnotes(plan):
    assert plan.title == "柳州高新技术产业开发区国家级知识产权强国建设试点园区建设工作方案（2022-2025年）"
    assert plan.issuer == "柳州高新技术产业开发区管理委员会"
    assert plan.issue_date == date(2022, 10, 27)
    assert (plan.baseline_year, plan.first_year, plan.last_year) == (2021, 2022, 2025)
    assert len(plan.footnotes) == 3
    assert plan.footnotes[1] == "2. 2021年指标值标记“—”，意为未开展该项工作。"
    assert plan.footnotes[2] == "3. 年度目标标记“/”，意为该项工作在当年不开展或不确定是否开展。"


def test_the_thirteen_departments_have_their_codes(plan):
    codes = dict(Department.objects.values_list("code", "name"))
    assert codes == {
        "scjg": S, "shswj": SHSWJ, "shzlb": SHZLB, "dqgzb": DQGZB, "tzcjj": TZCJJ, "gxj": GXJ, "kjj": KJJ,
        "zljjj": ZLJJJ, "jyj": JYJ, "czj": CZJ, "gafj": GAFJ, "smwlj": SMWLJ, "fgc": FGC,
    }


def test_the_table_has_29_indicators_in_16_task_groups(plan):
    assert plan.indicators.count() == 29
    assert sorted(set(plan.indicators.values_list("task_number", flat=True))) == list(range(1, 17))


@pytest.mark.parametrize("row", ROWS, ids=[f"row{r[0]}" for r in ROWS])
def test_each_row_matches_the_printed_table(plan, row):
    order, task, name, baseline, target, b_parsed, t_parsed, departments, measure, basis = row
    indicator = Indicator.objects.select_related("plan", "lead_department").prefetch_related("cooperation__department", "yearly_targets").get(plan=plan, order=order)
    assert indicator.task_number == task
    assert indicator.name == name
    assert indicator.baseline_printed == baseline
    assert indicator.target_printed == target
    assert (indicator.baseline.marker, indicator.baseline.amount, indicator.baseline.count) == b_parsed
    assert (indicator.target.marker, indicator.target.amount, indicator.target.count) == t_parsed
    assert [d.name for d in indicator.responsible_departments()] == departments
    assert indicator.lead_department.name == departments[0]
    assert indicator.measure == measure
    assert indicator.target_basis == basis
    assert indicator.higher_is_better
    assert indicator.is_pair == ("/" in name and "（万元）/" in name)
