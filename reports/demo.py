"""The demo county's reporting: this year's 报送 (all but a couple of organizations) and the county's written parts.

So the 工作总结 of the demo year shows every section with its figures, names
the organizations still to submit, and carries the narrative a clerk writes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.demo import DemoContext

from .models import NarrativeStatus, Submission, SubmissionStatus, SummaryNarrative
from .periods import Period
from .submissions import submitters

COUNTY_TEXTS = {
    "opening": "一年来，在县委的正确领导下，全县各级党组织以加强党的执政能力建设和先进性建设为主线，"
    "以建设“五个好”村党支部、“六个好”乡镇党委为目标，扎实推进党的基层组织建设各项工作。",
    "research": "各党委年初和年底分别对所属党组织的建设状况进行调查研究，总结好的经验，分析存在的问题及原因，"
    "提出工作重点和对策。",
    "experience": "1、领导重视。各级党组织书记切实履行第一责任人职责，把党建工作列入重要议事日程。\n"
    "2、部门配合。各部门坚持以党组织为政治核心，主动支持、配合党组织的自身建设。\n"
    "3、措施有力。层层签订目标管理责任书，一级抓一级，层层抓落实。",
    "problems": "1、部分党组织对党建工作重视不够，存在重业务、轻党建的现象。\n"
    "2、农村党员队伍老化，发展年轻党员难度较大。\n"
    "3、组工干部更换频繁，新手业务不熟，工作效率不高。",
    "plans": "1、继续抓好党组织班子思想政治建设。\n"
    "2、抓好党组织制度建设，各党委要做到墙上挂、有落实。\n"
    "3、安排、指导各党委开好民主生活会，做好一年一度的民主评议工作。\n"
    "4、加强党费收缴管理，做好党内统计年报。",
}


def build(ctx: DemoContext) -> None:
    period = Period(ctx.year)
    organizations = list(submitters(ctx.county, period))
    secretary = ctx.users.get("secretary")
    late = {getattr(secretary, "organization_id", None)}
    late.add(ctx.rng.choice(organizations).pk)  # one more, chosen by the seed
    submitted_at = timezone.make_aware(dt.datetime.combine(ctx.today, dt.time(17, 0)))
    Submission.objects.bulk_create(
        Submission(
            organization=org,
            period=period.key,
            status=SubmissionStatus.SUBMITTED,
            submitted_by=ctx.actor,
            submitted_at=submitted_at,
        )
        for org in organizations
        if org.pk not in late
    )
    SummaryNarrative.objects.create(
        organization=ctx.county,
        period=period.key,
        texts=COUNTY_TEXTS,
        status=NarrativeStatus.DRAFT,
        updated_by=ctx.actor,
    )


STEPS = [("reports", build)]
