"""The year-end work summary (工作总结) in the reference's form, with every figure computed.

The document is a list of sections; a section holds generated paragraphs —
sentences in the reference's register whose figures come from the indicators
(each figure knows its indicator, so the page links it to the records it
counts) — and the narrative the organization writes (``SummaryNarrative``):
the opening's own words, free text inside each sub-section, the experiences,
problems and plans.  A clause whose figure sums entered data names the
organizations that have not submitted instead of leaving a blank; a rate is
printed only beside the two counts it comes from, and left out when its
denominator is 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from .indicators import INDICATORS
from .periods import Period


@dataclass(frozen=True)
class Figure:
    key: str
    text: str
    link: str | None = None

    @property
    def definition(self) -> str:
        return INDICATORS[self.key].definition if self.key in INDICATORS else ""


Part = str | Figure


@dataclass
class Paragraph:
    parts: list[Part]

    @property
    def text(self) -> str:
        return "".join(p.text if isinstance(p, Figure) else p for p in self.parts)


@dataclass
class Section:
    key: str
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    narrative: str = ""  # what the organization wrote for this section
    level: int = 2  # 1: 一、…; 2: (一)…


@dataclass
class Summary:
    title: str
    org: Any
    period: Period
    sections: list[Section]
    missing: list[str]

    @property
    def missing_note(self) -> str:
        """The closing note's 尚未报送 list: every name, or the first 30 of a long list and the count."""
        if len(self.missing) <= NAMED_IN_NOTE + 1:
            return "、".join(self.missing)
        return named(self.missing, NAMED_IN_NOTE) + "（完整名单见“数据报送”页面）"

    def figures(self) -> list[Figure]:
        return [
            p for s in self.sections for para in s.paragraphs for p in para.parts if isinstance(p, Figure)
        ]


#: Organizations named in a sentence's 尚未报送 clause; more are summed up ("…等N个党组织").
NAMED_IN_CLAUSE = 5
#: … and in the closing note.
NAMED_IN_NOTE = 30


def named(missing: list[str], limit: int = NAMED_IN_CLAUSE) -> str:
    """The 尚未报送 organizations as a sentence names them: all of a few, the first few of many.

    A clause repeated under every figure must stay readable when most of a county has
    not submitted yet; the full list is in the note at the end and on the 报送 page.
    """
    if len(missing) <= limit + 1:
        return "、".join(missing)
    return f"{'、'.join(missing[:limit])}等{len(missing)}个党组织"


#: The narrative parts the organization writes, in document order: (key, heading, level, prompt).
NARRATIVE: tuple[tuple[str, str, int, str], ...] = (
    ("opening", "", 0, "开篇：本年度工作的总体情况"),
    ("practice", "一、主要做法和成效", 1, ""),
    ("research", "（一）加强调查研究，理清党组织建设思路", 2, "调查研究的做法与典型经验"),
    ("teams", "（二）加强班子建设，增强凝聚力和战斗力", 2, "班子建设的做法"),
    ("systems", "（三）健全和完善党组织制度，规范工作程序", 2, "制度建设的做法"),
    ("education", "（四）加强教育培训，强化目标管理，发挥党员先锋模范作用", 2, "教育培训、目标管理的做法"),
    ("development", "（五）抓好组织发展，夯实党的根基，增强队伍活力", 2, "发展党员工作的做法"),
    ("affairs", "（六）抓好党组织事务管理工作", 2, "组织关系、党费、党内统计等事务管理的做法"),
    ("experience", "二、几点体会", 1, "几点体会"),
    ("problems", "三、存在问题", 1, "存在的问题"),
    ("plans", "四、下步工作打算", 1, "下步工作打算"),
)
NARRATIVE_KEYS = tuple(key for key, *_ in NARRATIVE)


def _number(value: Any, key: str) -> str:
    if isinstance(value, Decimal) and INDICATORS[key].unit == "元":
        if value >= 10000 and value % 100 == 0:
            return f"{(value / 10000).normalize():f}万"
        return f"{value:.2f}"
    if isinstance(value, Decimal):
        return f"{value:.2f}".rstrip("0").rstrip(".") if INDICATORS[key].kind == "rate" else f"{value}"
    return str(value)


class Writer:
    """Builds sentences from the indicator values; ``f(key)`` is a figure, ``link`` its traced list."""

    def __init__(self, values: dict[str, Any], links: Callable[[str], str | None]) -> None:
        self.values = values
        self.links = links

    def f(self, key: str) -> Figure:
        return Figure(key, _number(self.values[key], key), self.links(key))

    def v(self, key: str) -> Any:
        return self.values.get(key)

    def share(self, count_key: str, rate_key: str, unit: str = "名") -> list[Part]:
        """ "N名（占R%）", the rate left out when it has no denominator."""
        parts: list[Part] = [self.f(count_key), unit]
        if self.v(rate_key) is not None:
            parts += ["，占", self.f(rate_key), "%"]
        return parts


def _links(org: Any, period: Period) -> Callable[[str], str | None]:
    """The scoped list that shows the records a figure counts, with the list pages' own filters."""
    end = period.end.isoformat()
    members = reverse("members:list")
    by_key: dict[str, dict[str, str]] = {
        "members.total": {},
        "members.full": {"status": "FULL"},
        "members.probationary": {"status": "PROBATIONARY"},
        "members.female": {"gender": "F"},
        "members.minority": {"ethnicity": "少数民族"},
    }
    dated = {"start": period.start.isoformat(), "end": end, "org": org.code}

    def link(key: str) -> str | None:
        if key in by_key:
            return f"{members}?{urlencode({'on': end, 'org': org.code, **by_key[key]})}"
        if key in ("care.members_visited", "care.amount"):
            return f"{reverse('members:care_list')}?{urlencode(dated)}"
        if key == "certificates.issued":
            return f"{reverse('members:certificate_list')}?{urlencode(dated)}"
        if key in ("orgs.committees", "orgs.general_branches", "orgs.branches", "orgs.village_branches"):
            return f"{reverse('organizations:tree')}?{urlencode({'q': '', 'on': end})}"
        return None

    return link


def build_summary(
    org: Any, period: Period, values: dict[str, Any], narrative: dict[str, str], missing: list[str]
) -> Summary:
    """The document for ``org`` and ``period`` from its indicator ``values`` and its written ``narrative``."""
    w = Writer(values, _links(org, period))
    title = f"{org.name}{period.label}党的基层组织建设工作总结"
    sections: dict[str, Section] = {
        key: Section(key, heading, narrative=narrative.get(key, ""), level=level)
        for key, heading, level, _ in NARRATIVE
    }
    intro: list[Part] = [
        f"{period.label}，{org.name}所属共有基层党委",
        w.f("orgs.committees"),
        "个（其中乡镇党委",
        w.f("orgs.township_committees"),
        "个）、党总支",
        w.f("orgs.general_branches"),
        "个、党支部",
        w.f("orgs.branches"),
        "个（其中村党支部",
        w.f("orgs.village_branches"),
        "个），党员",
        w.f("members.total"),
        "名，其中正式党员",
        w.f("members.full"),
        "名、预备党员",
        w.f("members.probationary"),
        "名，女党员",
        w.f("members.female"),
        "名，少数民族党员",
        w.f("members.minority"),
        "名，35岁及以下党员",
        w.f("members.under_35"),
        "名，60岁及以上党员",
        w.f("members.over_60"),
        "名。",
    ]
    sections["opening"].paragraphs.append(Paragraph(intro))

    teams: list[Part] = ["本期新成立党支部", w.f("orgs.branches_established"), "个、党总支"]
    teams += [
        w.f("orgs.general_branches_established"),
        "个，撤销党支部",
        w.f("orgs.branches_dissolved"),
        "个",
    ]
    if w.v("orgs.branches_merged"):
        teams += ["，合并党支部", w.f("orgs.branches_merged"), "个"]
    teams.append("，确保各级党组织有人办事、工作正常运转。")
    sections["teams"].paragraphs.append(Paragraph(teams))

    pending = f"（{named(missing)}尚未报送，以上为已报送单位的数字。）" if missing else ""
    if "lectures.sessions" in values:
        lectures: list[Part] = ["推行领导干部为基层讲党课制度，已有", w.f("lectures.units"), "个县级单位的"]
        lectures += [
            w.f("lectures.leaders"),
            "名领导干部深入基层为",
            w.f("lectures.branches"),
            "个党支部讲党课",
        ]
        lectures += [
            w.f("lectures.sessions"),
            "期，培训党员",
            w.f("lectures.person_times"),
            "人次。",
            pending,
        ]
        sections["teams"].paragraphs.append(Paragraph(lectures))
    if "regulations.items" in values:
        rules: list[Part] = ["有", w.f("regulations.committees_improved"), "个党委完善各项制度"]
        rules += [
            w.f("regulations.items"),
            "条，所属党组织建立制度",
            w.f("regulations.subordinate_items"),
            "条。",
        ]
        sections["systems"].paragraphs.append(Paragraph(rules))
    if "training.theory_sessions" in values:

        def sessions(key: str) -> list[Part]:
            return [w.f(f"training.{key}_sessions"), "期", w.f(f"training.{key}_person_times"), "人次"]

        training: list[Part] = [
            "1、加强党员理论和科技培训。全年县委举办培训",
            *sessions("county"),
            "，各党委培训",
        ]
        training += [*sessions("committee"), "，各支部培训", *sessions("branch"), "；其中理论培训"]
        training += [*sessions("theory"), "，科技培训", *sessions("technical"), "。共开展电教培训"]
        training += [*sessions("av"), "，其中理论培训", *sessions("av_theory"), "，科技培训"]
        training += [*sessions("av_technical"), "。", pending]
        sections["education"].paragraphs.append(Paragraph(training))
        av: list[Part] = [
            "为扩大电教的辐射面，本期投入",
            w.f("av.amount"),
            "元为",
            w.f("av.committees_equipped"),
        ]
        av += [
            "个党委和",
            w.f("av.branches_equipped"),
            "个党支部配备",
            w.f("av.sets_delivered"),
            "套电教设备。",
        ]
        av += ["目前电教网络已经覆盖", w.f("av.township_committees_covered"), "个乡镇党委、"]
        av += [w.f("av.village_branches_covered"), "个村党支部。"]
        sections["education"].paragraphs.append(Paragraph(av))
    if "agreements.members_signed" in values:
        signed: list[Part] = ["加强党员目标管理，层层签订党建（党员）目标管理责任书，共有"]
        signed += [w.f("agreements.members_signed"), "名党员与所在支部签订责任书"]
        if w.v("agreements.members_rate") is not None:
            signed += ["，占党员总数的", w.f("agreements.members_rate"), "%"]
        signed += ["；", w.f("agreements.committees_signed"), "个党委、", w.f("agreements.branches_signed")]
        signed += ["个党支部签订了目标管理责任书。"]
        sections["education"].paragraphs.append(Paragraph(signed))
        meetings: list[Part] = ["开好民主生活会，共有", w.f("life_meetings.committees"), "个基层党委、"]
        meetings += [w.f("life_meetings.general_branches"), "个党总支、", w.f("life_meetings.branches")]
        meetings.append("个党支部召开民主生活会")
        if w.v("life_meetings.rate") is not None:
            meetings += ["，达到", w.f("life_meetings.rate"), "%"]
        if w.v("life_meetings.leaders_expected"):
            meetings += ["，参加会议党员领导干部", w.f("life_meetings.leaders_attended"), "人"]
            meetings += ["，占", w.f("life_meetings.attendance_rate"), "%"]
        meetings += ["。", pending]
        sections["education"].paragraphs.append(Paragraph(meetings))
        if w.v("appraisal.members"):
            appraisal: list[Part] = [
                "开展民主评议党员，参加评议党员",
                w.f("appraisal.members"),
                "名，评出优秀党员",
            ]
            appraisal += [
                w.f("appraisal.excellent"),
                "名、合格党员",
                w.f("appraisal.qualified"),
                "名、基本合格党员",
            ]
            appraisal += [
                w.f("appraisal.basically_qualified"),
                "名、不合格党员",
                w.f("appraisal.unqualified"),
            ]
            appraisal += ["名。", pending]
            sections["education"].paragraphs.append(Paragraph(appraisal))
        if w.v("inspections.count"):
            checks: list[Part] = ["加强督促检查，全年开展督促检查", w.f("inspections.count"), "次。"]
            sections["education"].paragraphs.append(Paragraph(checks))

    care: list[Part] = ["关心生活困难党员，走访慰问困难党员、老党员", w.f("care.members_visited"), "名"]
    if w.v("care.members_visited"):
        care += ["，涉及", w.f("care.committees"), "个党委", w.f("care.branches"), "个党支部，发放慰问金"]
        care += [w.f("care.amount"), "元"]
    care.append("。")
    sections["education"].paragraphs.append(Paragraph(care))

    development: list[Part] = ["全年发展新党员", w.f("development.new_members"), "名"]
    if w.v("development.plan"):
        development += ["，占全年计划", w.f("development.plan"), "名的", w.f("development.plan_rate"), "%"]
    development.append("。")
    if w.v("development.new_members"):
        development.append("其中：")
        for key, label in (
            ("high_school_plus", "高中以上学历"),
            ("female", "女性"),
            ("minority", "少数民族"),
            ("under_35", "35岁及以下"),
            ("frontline", "生产一线"),
        ):
            development += [
                f"{label}",
                *w.share(f"development.new_{key}", f"development.new_{key}_rate"),
                "；",
            ]
        development[-1] = "。"
        development += ["有", w.f("development.committees_with_new"), "个党委发展了新党员。"]
    development += ["期末有入党积极分子", w.f("development.activists"), "名、发展对象"]
    development += [w.f("development.candidates"), "名"]
    if w.v("development.branches_without_new"):
        development += [
            "；仍有",
            w.f("development.branches_without_new"),
            "个党支部连续多年未发展党员，需重点督促",
        ]
    development.append("。")
    sections["development"].paragraphs.append(Paragraph(development))

    affairs: list[Part] = [
        "妥善处理党员的组织关系，全年办理",
        w.f("transfers.total"),
        "名党员的组织关系转入、转出",
    ]
    affairs += ["（转入", w.f("transfers.in"), "名、转出", w.f("transfers.out"), "名），开具党员证明"]
    affairs += [w.f("certificates.issued"), "份。"]
    sections["affairs"].paragraphs.append(Paragraph(affairs))

    if w.v("dues.levied") or w.v("dues.paid"):  # no dues on record at all: no sentence of zeros
        dues: list[Part] = [
            "加强党费收缴管理，本期应交党费",
            w.f("dues.levied"),
            "元，实交",
            w.f("dues.paid"),
            "元",
        ]
        if w.v("dues.collection_rate") is not None:
            dues += ["，收缴率", w.f("dues.collection_rate"), "%"]
        dues += ["；向上级党组织上缴党费", w.f("dues.remitted"), "元"]
        if w.v("dues.retained_spent"):
            dues += ["；使用留存党费", w.f("dues.retained_spent"), "元"]
            if w.v("dues.retained_spent_av") or w.v("dues.retained_spent_care"):
                dues += ["，其中配备电教设备", w.f("dues.retained_spent_av"), "元、走访慰问"]
                dues += [w.f("dues.retained_spent_care"), "元"]
        if w.v("dues.members_in_arrears"):
            dues += ["。期末仍有", w.f("dues.members_in_arrears"), "名党员欠交党费，已督促各支部及时收缴"]
        dues.append("。")
        if missing:
            dues.append(f"（{named(missing)}尚未报送党费数据，以上为已报送单位的数字。）")
        sections["affairs"].paragraphs.append(Paragraph(dues))

    return Summary(title=title, org=org, period=period, sections=list(sections.values()), missing=missing)
