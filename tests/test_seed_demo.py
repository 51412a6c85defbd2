"""The demo county: its shape, its members' validity, determinism, --if-empty and the demo users' scopes.

The county is seeded once for the class below (600 members, year 2025) inside
a transaction that is rolled back when the class is done, so the other tests
never see it.
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from core.idcard import parse_id_number
from members.choices import HAN, LeaveReason, MemberStatus
from members.models import Member, MemberPeriod, Restoration, age_on
from organizations.choices import COMMITTEE_KINDS, OrgCategory, OrgEventKind, OrgKind, PostTitle, Role
from organizations.demo.users import DEMO_PASSWORD, DEMO_USERS
from organizations.models import LeadershipPost, Organization, OrgEvent, User
from partyorg.demo import STEPS, DemoContext

YEAR = 2025
END = dt.date(YEAR, 12, 31)
TODAY = dt.date(YEAR, 11, 20)
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def seed(**options) -> str:
    out = io.StringIO()
    with FAST_HASHING:
        call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    """What a seed decides: organizations, members and their branches, posts."""
    return {
        "orgs": list(
            Organization.objects.order_by("code").values_list("code", "name", "kind", "established_on")
        ),
        # sorted here: the ID column holds ciphertext (core.fieldcrypto), ordering by it is random
        "members": sorted(
            Member.objects.values_list("id_number", "name", "organization__code", "joined_on", "left_on"),
            key=lambda row: row[0],
        ),
        "posts": list(
            LeadershipPost.objects.order_by(
                "organization__code", "title", "start_on", "holder_name"
            ).values_list("organization__code", "title", "holder_name", "start_on", "end_on")
        ),
    }


def seeded_snapshot(**options) -> dict[str, list]:
    """Seed inside a transaction, read the result and roll it all back."""
    with transaction.atomic():
        seed(**options)
        result = snapshot()
        transaction.set_rollback(True)
    return result


def test_the_pipeline_names_its_three_foundation_steps_first() -> None:
    assert STEPS[:3] == ["organizations", "users", "members"]
    assert {"rng", "seed", "year", "today", "county", "branches", "members", "users"} <= set(
        DemoContext.__dataclass_fields__
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_county() -> None:
    first = seeded_snapshot(members=300, seed=11, year=YEAR)
    second = seeded_snapshot(members=300, seed=11, year=YEAR)
    assert first == second
    assert len(first["members"]) == 300


@pytest.mark.django_db
def test_another_seed_gives_other_people() -> None:
    first = seeded_snapshot(members=200, seed=1, year=YEAR)
    other = seeded_snapshot(members=200, seed=2, year=YEAR)
    assert {m[0] for m in first["members"]} != {m[0] for m in other["members"]}


@pytest.mark.django_db
def test_if_empty_seeds_an_empty_database_and_then_does_nothing() -> None:
    seed(members=100, seed=3, year=YEAR, if_empty=True)
    counts = (Organization.objects.count(), Member.objects.count(), User.objects.count())
    output = seed(members=100, seed=4, year=YEAR, if_empty=True)
    assert "跳过" in output
    assert (Organization.objects.count(), Member.objects.count(), User.objects.count()) == counts


@pytest.mark.django_db
def test_seeding_a_database_that_has_organizations_is_refused_without_if_empty() -> None:
    seed(members=50, seed=3, year=YEAR)
    members = Member.objects.count()
    with pytest.raises(CommandError, match="已有党组织"):
        seed(members=50, seed=3, year=YEAR)
    assert Member.objects.count() == members


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """A 600-member demo county for the whole class, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed(members=600, seed=2026, year=YEAR)
        yield output
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoCounty:
    # -- the tree --------------------------------------------------------------
    def test_there_are_twenty_base_committees_fifteen_of_them_townships(self) -> None:
        committees = Organization.objects.existing_on(END).filter(kind__in=COMMITTEE_KINDS)
        assert committees.count() == 20
        assert committees.filter(category=OrgCategory.TOWNSHIP).count() == 15
        assert committees.filter(kind=OrgKind.WORKING_COMMITTEE).count() in (1, 2)

    def test_there_are_fourteen_general_branches(self) -> None:
        assert Organization.objects.existing_on(END).filter(kind=OrgKind.GENERAL_BRANCH).count() == 14

    def test_there_are_385_branches_of_which_145_village_branches(self) -> None:
        branches = Organization.objects.existing_on(END).counted_branches()
        assert branches.count() == 385
        # besides them one temporary and one functional branch, which the statistics leave out
        assert Organization.objects.existing_on(END).filter(kind=OrgKind.BRANCH).count() == 387
        assert branches.filter(category=OrgCategory.VILLAGE).count() == 145

    def test_branches_cover_the_usual_categories(self) -> None:
        categories = set(
            Organization.objects.active().filter(kind=OrgKind.BRANCH).values_list("category", flat=True)
        )
        assert {
            OrgCategory.VILLAGE,
            OrgCategory.COMMUNITY,
            OrgCategory.ORGAN,
            OrgCategory.SCHOOL,
            OrgCategory.STATE_ENTERPRISE,
            OrgCategory.PRIVATE_ENTERPRISE,
            OrgCategory.SOCIAL_ORG,
            OrgCategory.STATION,
            OrgCategory.RETIRED,
            OrgCategory.INSTITUTION,
        } <= categories

    def test_the_reference_names_are_in_the_tree(self) -> None:
        names = set(Organization.objects.values_list("name", flat=True))
        assert {"富宁县委", "新华镇党委", "睦伦乡党委", "洞波乡党委", "各甫村党支部", "睦伦村党支部"} <= names
        assert Organization.objects.get(name="各甫村党支部").parent.name == "新华镇党委"

    def test_there_are_a_few_party_groups(self) -> None:
        groups = Organization.objects.filter(kind=OrgKind.GROUP)
        assert 3 <= groups.count() <= 10
        assert all(g.parent.kind == OrgKind.BRANCH for g in groups.select_related("parent"))

    def test_members_of_a_branch_with_party_groups_are_placed_in_them(self) -> None:
        # shared out in turn: the groups of a branch differ by at most one member (a small demo
        # county may leave a branch with fewer members than groups, never one group with two more)
        groups = Organization.objects.filter(kind=OrgKind.GROUP, dissolved_on__isnull=True)
        sizes: dict[int, list[int]] = {}
        for group in groups:
            placed = Member.objects.current().filter(party_group=group)
            assert set(placed.values_list("organization_id", flat=True)) <= {group.parent_id}, group.name
            sizes.setdefault(group.parent_id, []).append(placed.count())
        assert sizes and all(max(s) - min(s) <= 1 and max(s) > 0 for s in sizes.values()), sizes
        gefu = Organization.objects.get(name="各甫村党支部")  # the demo secretary's branch
        roll = Member.objects.current().filter(organization=gefu)
        assert roll.filter(party_group__isnull=True).count() == 0 < roll.count()

    def test_six_branches_and_one_general_branch_were_established_this_year(self) -> None:
        start = dt.date(YEAR, 1, 1)
        established = Organization.objects.established_between(start, END)
        assert established.filter(kind=OrgKind.BRANCH).count() == 6
        assert established.filter(kind=OrgKind.GENERAL_BRANCH).count() == 1

    def test_three_branches_were_dissolved_this_year_with_a_document_number(self) -> None:
        dissolved = Organization.objects.dissolved_between(dt.date(YEAR, 1, 1), END).filter(
            kind=OrgKind.BRANCH
        )
        assert dissolved.count() == 3
        events = OrgEvent.objects.filter(organization__in=dissolved, kind=OrgEventKind.DISSOLVE)
        assert events.count() == 3
        assert all(re.fullmatch(rf"富办发〔{YEAR}〕\d+号", e.document_no) for e in events)

    def test_a_rename_a_move_and_last_years_merge_are_recorded(self) -> None:
        assert OrgEvent.objects.filter(kind=OrgEventKind.RENAME, date__year=YEAR).exists()
        assert OrgEvent.objects.filter(kind=OrgEventKind.MOVE, date__year=YEAR).exists()
        merge = OrgEvent.objects.get(kind=OrgEventKind.MERGE)
        assert merge.date.year == YEAR - 1
        assert merge.organization.successor_id == merge.related_id

    def test_members_of_the_closed_branches_moved_to_their_successors(self) -> None:
        closed = Organization.objects.filter(dissolved_on__isnull=False, kind=OrgKind.BRANCH)
        assert not Member.objects.current().filter(organization__in=closed).exists()
        for org in closed:
            assert MemberPeriod.objects.filter(organization=org, end_on=org.dissolved_on).exists()

    # -- members ---------------------------------------------------------------
    def test_the_requested_number_of_members_is_created(self) -> None:
        # The members step makes exactly --members; later steps (development …) may admit a few more.
        assert 600 <= Member.objects.count() <= 660

    def test_every_id_number_is_valid_unique_and_agrees_with_birth_date_and_gender(self) -> None:
        rows = list(Member.objects.values_list("id_number", "birth_date", "gender"))
        assert len({r[0] for r in rows}) == len(rows)
        for number, birth, gender in rows:
            info = parse_id_number(number)
            assert info.birth_date == birth
            assert info.is_male == (gender == "M")

    def test_members_joined_at_eighteen_or_older_and_became_full_after_joining(self) -> None:
        for m in Member.objects.all():
            assert age_on(m.birth_date, m.joined_on) >= 18
            assert m.joined_on <= TODAY
            if m.status == MemberStatus.FULL:
                assert m.joined_on < m.full_on <= TODAY
            else:
                assert m.full_on is None

    def test_about_one_member_in_five_is_a_woman(self) -> None:
        current = Member.objects.current()
        share = current.filter(gender="F").count() / current.count()
        assert 0.12 <= share <= 0.32

    def test_about_seven_members_in_ten_belong_to_a_minority(self) -> None:
        current = Member.objects.current()
        share = current.exclude(ethnicity=HAN).count() / current.count()
        assert 0.60 <= share <= 0.82
        assert current.filter(ethnicity="壮族").count() > current.filter(ethnicity="瑶族").count()

    def test_a_few_percent_are_probationary(self) -> None:
        current = Member.objects.current()
        share = current.filter(status=MemberStatus.PROBATIONARY).count() / current.count()
        assert 0.01 <= share <= 0.06

    def test_ages_spread_from_the_twenties_to_the_eighties(self) -> None:
        ages = [age_on(b, TODAY) for b in Member.objects.current().values_list("birth_date", flat=True)]
        assert min(ages) < 30
        assert max(ages) >= 80
        assert 18 <= min(ages) and max(ages) <= 95

    def test_education_is_skewed_to_junior_and_high_school(self) -> None:
        counts = collections.Counter(Member.objects.current().values_list("education", flat=True))
        low = counts["JUNIOR_OR_BELOW"] + counts["HIGH_SCHOOL"]
        assert low / sum(counts.values()) > 0.45
        assert counts["JUNIOR_OR_BELOW"] == max(counts.values())

    def test_village_members_are_mostly_farmers(self) -> None:
        village = Member.objects.current().filter(organization__category=OrgCategory.VILLAGE)
        assert village.filter(occupation="FARMER").count() / village.count() > 0.7
        assert village.filter(is_rural=True).count() == village.count()

    def test_members_sit_only_in_branches(self) -> None:
        kinds = set(Member.objects.values_list("organization__kind", flat=True))
        assert kinds == {OrgKind.BRANCH}

    def test_every_current_member_has_one_open_period_matching_branch_and_status(self) -> None:
        open_periods = {
            p.member_id: p
            for p in MemberPeriod.objects.filter(end_on__isnull=True).only("member", "organization", "status")
        }
        for m in Member.objects.current():
            period = open_periods[m.pk]
            assert (period.organization_id, period.status) == (m.organization_id, m.status)

    def test_periods_follow_each_other_without_gaps(self) -> None:
        by_member = collections.defaultdict(list)
        for p in MemberPeriod.objects.order_by("member", "start_on", "id"):
            by_member[p.member_id].append(p)
        # the one gap allowed: 停止党籍 (suspended on the end day) until 恢复党籍 (restored on the start day)
        restored = set(Restoration.objects.values_list("member_id", "suspended_on", "day"))
        for member_id, periods in by_member.items():
            for before, after in zip(periods, periods[1:], strict=False):
                if before.end_on != after.start_on:
                    assert (member_id, before.end_on, after.start_on) in restored

    def test_some_members_died_or_transferred_out_during_the_year(self) -> None:
        left = Member.objects.filter(left_on__year=YEAR)
        assert left.filter(leave_reason=LeaveReason.DEATH).exists()
        assert left.filter(leave_reason=LeaveReason.TRANSFERRED_OUT).exists()
        assert not MemberPeriod.objects.filter(member__in=left, end_on__isnull=True).exists()

    def test_members_were_admitted_this_year(self) -> None:
        assert Member.objects.filter(joined_on__year=YEAR, status=MemberStatus.PROBATIONARY).exists()

    # -- leadership --------------------------------------------------------------
    def test_most_organizations_have_a_secretary_and_some_are_vacant(self) -> None:
        orgs = Organization.objects.active().exclude(kind=OrgKind.GROUP)
        with_secretary = set(
            LeadershipPost.objects.current_on(TODAY)
            .filter(title=PostTitle.SECRETARY)
            .values_list("organization_id", flat=True)
        )
        without = [o for o in orgs if o.pk not in with_secretary]
        assert 0 < len(without) < 0.15 * orgs.count()

    def test_a_few_terms_have_expired(self) -> None:
        orgs = [o for o in Organization.objects.active().exclude(kind=OrgKind.GROUP) if o.term_ends_on]
        expired = [o for o in orgs if o.term_ends_on < TODAY]
        assert 0 < len(expired) < 0.15 * len(orgs)

    # -- demo users and their scopes -------------------------------------------------
    def test_there_is_one_demo_user_per_role_with_the_printed_password(self, demo: str) -> None:
        assert DEMO_PASSWORD in demo
        roles = dict(
            User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list("username", "role")
        )
        assert set(roles.values()) == set(Role.values)
        with FAST_HASHING:
            for username in roles:
                assert authenticate(username=username, password=DEMO_PASSWORD) is not None

    def test_only_the_admin_enters_django_admin(self) -> None:
        staff = User.objects.filter(is_staff=True)
        assert list(staff.values_list("username", flat=True)) == ["admin"]
        assert staff.get().is_superuser

    def test_the_branch_secretary_sees_only_the_members_of_their_branch(self) -> None:
        secretary = User.objects.get(username="secretary")
        assert secretary.organization.name == "各甫村党支部"
        visible = Member.objects.visible_to(secretary)
        assert visible.exists()
        assert set(visible.values_list("organization_id", flat=True)) == {secretary.organization_id}

    def test_the_second_secretary_works_in_another_branch_of_the_same_committee(self) -> None:
        first = User.objects.get(username="secretary")
        second = User.objects.get(username="secretary2")
        assert second.organization_id != first.organization_id
        assert second.organization.path.startswith(first.organization.parent.path)
        assert not Member.objects.visible_to(second).filter(organization=first.organization).exists()

    def test_the_committee_staff_see_their_committee_and_nothing_beyond(self) -> None:
        staff = User.objects.get(username="committee_staff")
        assert staff.organization.name == "新华镇党委"
        visible = Organization.objects.visible_to(staff)
        assert visible.filter(name="各甫村党支部").exists()
        assert not visible.filter(name="睦伦乡党委").exists()

    def test_county_staff_and_auditor_see_the_whole_county_and_the_auditor_only_reads(self) -> None:
        total = Member.objects.count()
        for username in ("county_staff", "auditor"):
            assert Member.objects.visible_to(User.objects.get(username=username)).count() == total
        auditor = User.objects.get(username="auditor")
        assert auditor.role == Role.AUDITOR
        assert not Member.objects.editable_by(auditor).exists()

    def test_a_secretary_opening_another_branchs_member_gets_not_found(self, client) -> None:
        secretary = User.objects.get(username="secretary")
        outsider = Member.objects.current().exclude(organization=secretary.organization).first()
        client.force_login(secretary)
        assert client.get(outsider.get_absolute_url()).status_code == 404

    def test_demo_logins_prints_every_log_in_with_its_password_and_scope(self) -> None:
        out = io.StringIO()
        call_command("demo_logins", stdout=out)
        text = out.getvalue()
        for username in ("county_staff", "committee_staff", "secretary", "secretary2", "auditor", "admin"):
            assert username in text
        assert DEMO_PASSWORD in text
        assert "各甫村党支部" in text and "只读" in text

    # -- reports -----------------------------------------------------------------
    def test_the_years_summary_has_its_figures_and_names_who_has_not_submitted(self, client) -> None:
        from django.urls import reverse

        from reports.periods import Period
        from reports.submissions import not_submitted

        county = Organization.objects.get(parent__isnull=True)
        late = not_submitted(county, Period(YEAR))
        secretary = User.objects.get(username="secretary")
        assert 1 <= len(late) <= 2 and secretary.organization in late
        client.force_login(User.objects.get(username="county_staff"))
        page = client.get(reverse("reports:summary", args=[county.code, str(YEAR)])).content.decode()
        assert "全年发展新党员" in page and "二、几点体会" in page and "领导重视" in page
        assert all(org.name in page for org in late)
