"""The one list idiom (core.lists): filters, sorting, page size, page jump, count and export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.filters import ScopedFilterSet
from core.lists import Column, Table, chosen_sort
from members.filters import CareVisitFilterSet, MemberFilterSet
from members.services.care import care_visit_add_members, care_visit_create

pytestmark = pytest.mark.django_db

MEMBERS = reverse("members:list")
CARE = reverse("members:care_list")


def names_on_page(response) -> list[str]:
    return [m.name for m in response.context["page_obj"].object_list]


def visit(actor, org, day, occasion="JULY_FIRST"):
    return care_visit_create(
        actor=actor,
        organization=org,
        visited_on=day,
        occasion=occasion,
        visitors="书记",
        funding="FISCAL",
        note="",
    )


# --- filters -----------------------------------------------------------------------


def test_an_invalid_filter_shows_its_error_and_no_rows(client, county_staff, member_a, member_b):
    client.force_login(county_staff)
    response = client.get(MEMBERS, {"q": "014", "gender": "M"})
    assert "至少输入后4位" in response.content.decode()
    assert names_on_page(response) == []  # not "every man": the bad filter is not silently dropped
    assert response.context["listing"].count == 0


def test_an_unknown_choice_is_an_error_not_an_ignored_filter(client, county_staff, member_a):
    client.force_login(county_staff)
    response = client.get(MEMBERS, {"gender": "X"})
    assert "gender" in response.context["filters"].errors
    assert names_on_page(response) == []


def test_the_member_filterset_lists_only_organizations_in_scope(secretary_a, tree):
    codes = {org.code for org in MemberFilterSet({}, user=secretary_a).form.fields["org"].queryset}
    assert codes == {tree.branch_a.code} | {o.code for o in tree.branch_a.children.all()}


def test_a_period_ending_before_it_starts_is_an_error(county_staff):
    filters = CareVisitFilterSet({"start": "2026-05-01", "end": "2026-04-01"}, user=county_staff)
    assert not filters.valid
    assert filters.errors["end"] == ["截止日期不能早于起始日期"]


def test_a_filterset_may_not_take_the_names_the_list_uses(county_staff):
    import django_filters

    class Clashing(ScopedFilterSet):
        page = django_filters.CharFilter()

        class Meta:
            model = None
            fields: list[str] = []

    with pytest.raises(TypeError, match="reserved"):
        Clashing({}, user=county_staff, queryset=None)


# --- sorting, page size, page jump ----------------------------------------------------


def test_sorting_by_a_column_orders_the_rows_both_ways(client, county_staff, member_a, member_b, member_c):
    client.force_login(county_staff)
    # member_b born 1880, member_a 1949, member_c 1982
    assert names_on_page(client.get(MEMBERS, {"sort": "age"})) == ["王强", "张桂芳", "李明"]
    assert names_on_page(client.get(MEMBERS, {"sort": "-age"})) == ["李明", "张桂芳", "王强"]


def test_an_unknown_sort_falls_back_to_the_default_order(client, county_staff, member_a, member_b):
    client.force_login(county_staff)
    default = names_on_page(client.get(MEMBERS))
    assert names_on_page(client.get(MEMBERS, {"sort": "id_number"})) == default  # not sortable
    assert names_on_page(client.get(MEMBERS, {"sort": "nonsense"})) == default


def test_sort_headers_link_to_the_other_direction_and_keep_the_filters(client, county_staff, member_a):
    client.force_login(county_staff)
    listing = client.get(MEMBERS, {"sort": "age", "gender": "F"}).context["listing"]
    header = next(h for h in listing.headers if h.column.key == "age")
    assert header.direction == "asc"
    assert "sort=-age" in header.url and "gender=F" in header.url


def test_chosen_sort_adds_the_primary_key_so_pages_are_stable(rf):
    table = Table(
        columns=(Column("日期", key="day", order_by=("visited_on", "organization__path")),), row_template="x"
    )
    assert chosen_sort(rf.get("/", {"sort": "-day"}), table) == (
        "-day",
        ("-visited_on", "-organization__path", "pk"),
    )


def test_the_page_size_is_chosen_from_the_offered_sizes(client, county_staff, admin_user, tree):
    for i in range(25):
        visit(admin_user, tree.branch_a, dt.date(2026, 1, 1) + dt.timedelta(days=i))
    client.force_login(county_staff)
    assert len(client.get(CARE, {"per_page": 20}).context["page_obj"].object_list) == 20
    assert len(client.get(CARE, {"per_page": 21}).context["page_obj"].object_list) == 25  # not offered: 50
    page2 = client.get(CARE, {"per_page": 20, "page": 2})
    assert len(page2.context["page_obj"].object_list) == 5
    html = page2.content.decode()
    assert 'name="page"' in html and "跳至" in html  # the page jump
    assert "共 <strong>25</strong> 条" in html


# --- export ------------------------------------------------------------------------------


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_export_writes_exactly_the_filtered_sorted_rows(
    client, county_staff, admin_user, tree, member_a, member_b
):
    july = visit(admin_user, tree.branch_a, dt.date(2026, 7, 1))
    care_visit_add_members(actor=admin_user, visit=july, entries=[(member_a, Decimal("200.00"))])
    visit(admin_user, tree.branch_b, dt.date(2026, 2, 1), occasion="SPRING_FESTIVAL")
    visit(admin_user, tree.branch_a, dt.date(2025, 7, 1))
    client.force_login(county_staff)
    rows = sheet_rows(client.get(CARE, {"start": "2026-01-01", "sort": "day", "format": "xlsx"}))
    assert rows[0][:3] == ("走访日期", "慰问时机", "组织单位")
    assert [r[2] for r in rows[1:]] == [
        tree.branch_b.name,
        tree.branch_a.name,
    ]  # 2025 filtered out, oldest first
    assert rows[2][5:] == (1, 200)


def test_export_is_scoped_like_the_page(client, secretary_b, admin_user, tree):
    visit(admin_user, tree.branch_a, dt.date(2026, 7, 1))
    visit(admin_user, tree.branch_b, dt.date(2026, 7, 2))
    client.force_login(secretary_b)
    rows = sheet_rows(client.get(CARE, {"format": "xlsx"}))
    assert [r[2] for r in rows[1:]] == [tree.branch_b.name]


def test_an_invalid_filter_exports_no_rows(client, county_staff, admin_user, tree):
    visit(admin_user, tree.branch_a, dt.date(2026, 7, 1))
    client.force_login(county_staff)
    rows = sheet_rows(client.get(CARE, {"start": "not-a-date", "format": "xlsx"}))
    assert len(rows) == 1  # the header only


def test_the_member_list_offers_the_member_export_with_its_filters(client, county_staff, member_a):
    client.force_login(county_staff)
    listing = client.get(MEMBERS, {"gender": "F", "page": 1}).context["listing"]
    assert listing.export_url == reverse("members:export") + "?gender=F"


# --- long pages in sections ----------------------------------------------------------------


def test_each_section_of_a_long_page_is_paged_on_its_own(rf):
    from core.lists import sections

    request = rf.get("/", {"due_page": 2, "q": "x"})
    parts = sections(request, per_page=20, due=list(range(45)), overdue=list(range(3)))
    assert list(parts["due"].page_obj) == list(range(20, 40))
    assert list(parts["overdue"].page_obj) == [0, 1, 2]  # its own page 1
    assert parts["due"].count == 45
    url = parts["due"].page_url(3)
    assert "due_page=3" in url and "q=x" in url and url.endswith("#due")


def test_the_development_worklist_shows_its_sections_paged(client, county_staff):
    client.force_login(county_staff)
    response = client.get(reverse("members:development_index"))
    assert set(response.context["sections"]) == {"overdue", "approvals", "probation", "publicity", "due"}


# --- every list: a bad filter value is shown, and no row ---------------------------------------------

#: list URL → (its FilterSet, a query with one bad value).  A FilterSet without a case fails the build.
BAD_FILTERS = {
    "dues:payments": ("PaymentFilterSet", {"start": "2026-13"}),
    "dues:assessments": ("AssessmentFilterSet", {"category": "X"}),
    "dues:arrears": ("ArrearsFilterSet", {"months": "abc"}),
    "dues:remittances": ("RemittanceFilterSet", {"quarter": "9"}),
    "dues:ledger": ("LedgerFilterSet", {"start": "2026-02-30"}),
    "members:list": ("MemberFilterSet", {"gender": "X"}),
    "members:care_list": ("CareVisitFilterSet", {"occasion": "X"}),
    "members:applicant_list": ("ApplicantFilterSet", {"stage": "X"}),
    "members:publicity_list": ("PublicityFilterSet", {"start": "2026-13-01"}),
    "members:transfer_list": ("TransferFilterSet", {"year": "1800"}),
    "members:certificate_list": ("CertificateFilterSet", {"start": "2026-13-01"}),
    "members:mobile_list": ("MobileFilterSet", {"show": "X"}),
    "members:departure_list": ("DepartureFilterSet", {"reason": "X"}),
    "members:lost_contact_list": ("LostContactFilterSet", {"start": "2026-13-01"}),
    "members:import_jobs": ("ImportJobFilterSet", {"status": "X"}),
    "organizations:vacancies": ("VacancyFilterSet", {"kind": "X"}),
    "organizations:warnings": ("WarningFilterSet", {"code": "X"}),
    "audit:access": ("AccessRecordFilterSet", {"kind": "X"}),
    "training:session_list": ("SessionFilterSet", {"kind": "X"}),
    "training:attendance_list": ("AttendanceFilterSet", {"level": "X"}),
    "training:hours": ("HoursFilterSet", {"year": "1800"}),
    "training:hours_branches": ("HoursBranchFilterSet", {"measure": "X"}),
    "training:lecture_list": ("LectureFilterSet", {"start": "2026-13-01"}),
    "training:av_list": ("EquipmentFilterSet", {"status": "X"}),
    "training:av_coverage": ("CoverageFilterSet", {"which": "X"}),
    "training:film_list": ("FilmFilterSet", {"kind": "X"}),
    "training:film_order_list": ("FilmOrderFilterSet", {"state": "X"}),
    "training:meeting_list": ("MeetingFilterSet", {"kind": "X"}),
    "training:compliance": ("ComplianceFilterSet", {"part": "X"}),
    "training:activity_day_list": ("ActivityDayFilterSet", {"org": "NO-SUCH-ORG"}),
    "training:subscription_list": ("SubscriptionFilterSet", {"year": "1800"}),
}


# 制度建设 and the annual assessment cycle
BAD_FILTERS.update(
    {
        "organizations:regulation_list": ("RegulationFilterSet", {"category": "X"}),
        "assessments:template_list": ("TemplateFilterSet", {"level": "X"}),
        "assessments:agreement_list": ("AgreementFilterSet", {"year": "1800"}),
        "assessments:member_roster": ("RosterFilterSet", {"status": "X"}),
        "assessments:inspection_list": ("InspectionFilterSet", {"kind": "X"}),
        "assessments:rectification_list": ("RectificationFilterSet", {"state": "X"}),
        "assessments:life_meeting_list": ("LifeMeetingFilterSet", {"kind": "X"}),
        "assessments:appraisal_list": ("AppraisalFilterSet", {"category": "X"}),
        "assessments:follow_up_list": ("FollowUpFilterSet", {"state": "X"}),
        "assessments:rating_list": ("RatingFilterSet", {"result": "X"}),
    }
)


def all_filtersets() -> set[str]:
    found, todo = set(), [ScopedFilterSet]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("tests."):
                continue
            found.add(sub.__name__)
            todo.append(sub)
    return found


def test_every_filterset_has_a_bad_filter_case():
    assert all_filtersets() <= {name for name, _ in BAD_FILTERS.values()}


@pytest.mark.parametrize("url_name", sorted(BAD_FILTERS))
def test_a_bad_filter_value_is_an_error_and_lists_no_row(client, county_staff, member_a, url_name):
    client.force_login(county_staff)
    name, query = BAD_FILTERS[url_name]
    response = client.get(reverse(url_name), query)
    assert response.status_code == 200
    filters = response.context["filters"]
    assert type(filters).__name__ == name
    assert not filters.valid and set(query) <= set(filters.errors)
    assert response.context["listing"].count == 0
    assert "筛选条件有误" in response.content.decode()
