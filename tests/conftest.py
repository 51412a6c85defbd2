"""The fixed cast every test uses.

    富宁县委 (county)                         county_staff, auditor (read-only)
    ├── 新华镇党委 (township committee)        committee_staff
    │   ├── 各甫村党支部 (branch A)            secretary_a   (member_a)
    │   └── 新华社区党支部 (branch B)          secretary_b   (member_b)
    └── 睦伦乡党委 (another committee)
        └── 睦伦村党支部 (branch C)            (member_c)

secretary_a and secretary_b are each other's outsiders; committee_staff is
an outsider to 睦伦乡党委.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from members.services.member import member_register
from organizations.choices import OrgCategory, OrgKind, Role
from organizations.models import User
from organizations.services import org_create

PASSWORD = "demo-pass-2026"


@pytest.fixture(autouse=True)
def _fast_and_static(settings, tmp_path):
    """Tests hash passwords cheaply and serve static files without a collectstatic manifest.

    Tasks run at once, in the test (Django's Immediate backend), and uploads
    land in the test's own directory.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


DAY0 = dt.date(2000, 1, 1)


def make_user(username: str, role: str, org, **extra) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, organization=org, full_name=username, **extra
    )
    return user


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser(username="admin", password=PASSWORD, role=Role.ADMIN)


@pytest.fixture
def tree(admin_user):
    """The organizations of the cast, as a simple namespace."""

    t = SimpleNamespace()
    t.county = org_create(
        actor=admin_user,
        parent=None,
        code="C01",
        name="富宁县委",
        kind=OrgKind.COUNTY_COMMITTEE,
        category=OrgCategory.ORGAN,
        established_on=DAY0,
    )
    t.committee = org_create(
        actor=admin_user,
        parent=t.county,
        code="C01T01",
        name="新华镇党委",
        kind=OrgKind.COMMITTEE,
        category=OrgCategory.TOWNSHIP,
        established_on=DAY0,
        can_approve_members=True,
    )
    t.branch_a = org_create(
        actor=admin_user,
        parent=t.committee,
        code="C01T01B01",
        name="各甫村党支部",
        kind=OrgKind.BRANCH,
        category=OrgCategory.VILLAGE,
        established_on=DAY0,
    )
    t.branch_b = org_create(
        actor=admin_user,
        parent=t.committee,
        code="C01T01B02",
        name="新华社区党支部",
        kind=OrgKind.BRANCH,
        category=OrgCategory.COMMUNITY,
        established_on=DAY0,
    )
    t.other_committee = org_create(
        actor=admin_user,
        parent=t.county,
        code="C01T02",
        name="睦伦乡党委",
        kind=OrgKind.COMMITTEE,
        category=OrgCategory.TOWNSHIP,
        established_on=DAY0,
        can_approve_members=True,
    )
    t.branch_c = org_create(
        actor=admin_user,
        parent=t.other_committee,
        code="C01T02B01",
        name="睦伦村党支部",
        kind=OrgKind.BRANCH,
        category=OrgCategory.VILLAGE,
        established_on=DAY0,
    )
    return t


@pytest.fixture
def county_staff(tree) -> User:
    return make_user("county", Role.COUNTY_STAFF, tree.county)


@pytest.fixture
def committee_staff(tree) -> User:
    return make_user("committee", Role.COMMITTEE_STAFF, tree.committee)


@pytest.fixture
def secretary_a(tree) -> User:
    return make_user("secretary_a", Role.BRANCH_SECRETARY, tree.branch_a)


@pytest.fixture
def secretary_b(tree) -> User:
    return make_user("secretary_b", Role.BRANCH_SECRETARY, tree.branch_b)


@pytest.fixture
def auditor(tree) -> User:
    return make_user("auditor", Role.AUDITOR, tree.county)


def member_fields(**overrides) -> dict:
    """Valid fields for a full member born 1949-12-31 (ID 11010519491231002X is female)."""
    fields = dict(
        name="张桂芳",
        gender="F",
        ethnicity="壮族",
        birth_date=dt.date(1949, 12, 31),
        id_number="11010519491231002X",
        education="HIGH_SCHOOL",
        occupation="FARMER",
        status="FULL",
        joined_on=dt.date(1975, 7, 1),
        full_on=dt.date(1976, 7, 1),
        is_rural=True,
    )
    fields.update(overrides)
    return fields


@pytest.fixture
def member_a(tree, admin_user):
    return member_register(actor=admin_user, organization=tree.branch_a, **member_fields())


@pytest.fixture
def member_b(tree, admin_user):
    return member_register(
        actor=admin_user,
        organization=tree.branch_b,
        **member_fields(
            name="李明",
            gender="M",
            birth_date=dt.date(1880, 1, 1),
            id_number="440524188001010014",
            ethnicity="汉族",
            joined_on=dt.date(1921, 7, 1),
            full_on=dt.date(1922, 7, 1),
        ),
    )


@pytest.fixture
def member_c(tree, admin_user):
    return member_register(
        actor=admin_user,
        organization=tree.branch_c,
        **member_fields(
            name="王强",
            gender="M",
            birth_date=dt.date(1982, 1, 13),
            id_number="513101198201130014",
            ethnicity="瑶族",
            joined_on=dt.date(2005, 7, 1),
            full_on=dt.date(2006, 7, 1),
        ),
    )
