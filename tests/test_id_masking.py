"""A masked ID number cannot be rebuilt from the page; the full number is shown only to who may reveal it, recorded.

A reader who sees a masked number also sees the birth date (digits 7–14) and
the gender (the parity of digit 17).  ``candidates`` counts the valid numbers
consistent with all of that; a page passes when at least ``ENOUGH`` remain.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from core.idcard import check_char, mask_id_number
from core.models import AccessKind, AccessRecord
from members.services.transfers import certificate_issue, transfer_issue

pytestmark = pytest.mark.django_db

#: member_a: 11010519491231002X, a woman born 1949-12-31.
FULL_ID = "11010519491231002X"
BIRTH = dt.date(1949, 12, 31)
IS_MALE = False

#: Fewer than this many candidates and a reader with any checking service can try them all.
#: The current mask leaves 500 (10 × 10 sequence digits × 5 of the gender's parity); the
#: region-and-check-character mask (532628***********2) leaves about 45 and the older
#: region-and-last-four mask (5326**********9072) about 9: both fail.
ENOUGH = 100

MASKED = re.compile(r"(?<![0-9X*])[0-9X*]{18}(?![0-9X*])")


def candidates(masks: list[str], birth: dt.date, is_male: bool) -> int:
    """How many valid 18-character numbers agree with every mask, the birth date and the gender."""
    known: dict[int, str] = {}
    for mask in masks:
        for i, c in enumerate(mask):
            if c != "*":
                if known.setdefault(i, c) != c:
                    return 0
    for i, c in enumerate(f"{birth:%Y%m%d}", start=6):
        if known.setdefault(i, c) != c:
            return 0
    options = []
    for i in range(17):
        if i in known:
            options.append(known[i])
        elif i == 16:
            options.append("13579" if is_male else "02468")
        else:
            options.append("0123456789")
    if 16 in known and (int(known[16]) % 2 == 1) != is_male:
        return 0
    if 17 not in known:  # each 17-digit body has exactly one check character
        count = 1
        for chars in options:
            count *= len(chars)
        return count
    return sum(check_char("".join(body)) == known[17] for body in itertools.product(*options))


def masks_on(html: str) -> list[str]:
    found = [m for m in MASKED.findall(html) if "*" in m]
    assert found, "the page shows no masked ID number"
    return found


# --- the mask itself ----------------------------------------------------------------------


def test_the_mask_leaves_hundreds_of_candidates_given_birth_date_and_gender():
    assert candidates([mask_id_number(FULL_ID)], BIRTH, IS_MALE) == 500


def test_the_older_masks_would_give_the_number_away():
    assert candidates(["1101**********002X"], BIRTH, IS_MALE) < 20
    assert candidates(["110105***********X"], BIRTH, IS_MALE) < ENOUGH


# --- the pages ----------------------------------------------------------------------------


@pytest.fixture
def letter(member_a, secretary_a):
    return transfer_issue(
        actor=secretary_a,
        kind="OUT",
        member=member_a,
        issued_on=dt.date.today(),
        to_external="中共百色市右江区委组织部",
    )


@pytest.fixture
def certificate(member_a, secretary_a):
    return certificate_issue(
        actor=secretary_a,
        member=member_a,
        issued_on=dt.date.today(),
        destination="广东省东莞市",
        reason="外出务工",
        valid_until=dt.date.today() + dt.timedelta(days=90),
    )


@pytest.mark.parametrize("viewer", ["secretary_a", "auditor", "county_staff"])
def test_masked_ids_cannot_be_rebuilt_from_the_page(client, request, member_a, viewer):
    client.force_login(request.getfixturevalue(viewer))
    html = client.get(member_a.get_absolute_url()).content.decode()
    assert f"{BIRTH:%Y-%m-%d}" in html and "女" in html  # what the reader combines with the mask
    assert FULL_ID not in html
    # every masked form on the page (the number's cell and the history) together
    assert candidates(masks_on(html), BIRTH, IS_MALE) >= ENOUGH


@pytest.mark.parametrize("page", ["members:transfer_detail", "members:transfer_print"])
def test_masked_ids_cannot_be_rebuilt_from_a_letter(client, secretary_a, letter, page):
    client.force_login(secretary_a)
    html = client.get(reverse(page, args=[letter.pk])).content.decode()
    assert FULL_ID not in html
    assert candidates(masks_on(html), BIRTH, IS_MALE) >= ENOUGH


# --- who sees the full number ---------------------------------------------------------------


def recorded() -> list[tuple[str, str]]:
    return list(AccessRecord.objects.values_list("kind", "username"))


def test_the_letter_page_shows_the_number_masked_even_to_county_staff(client, county_staff, letter):
    client.force_login(county_staff)
    html = client.get(reverse("members:transfer_detail", args=[letter.pk])).content.decode()
    assert FULL_ID not in html
    assert mask_id_number(FULL_ID) in html
    assert "完整号码印在介绍信上" in html
    assert recorded() == []


def test_county_staff_print_the_letter_in_full_and_the_print_is_recorded(client, county_staff, letter):
    client.force_login(county_staff)
    html = client.get(reverse("members:transfer_print", args=[letter.pk])).content.decode()
    assert html.count(FULL_ID) == 2  # the stub and the letter; the 回执 names no number
    entry = AccessRecord.objects.get()
    assert (entry.kind, entry.username) == (AccessKind.DOWNLOAD, county_staff.username)
    assert letter.letter_no in entry.what and "完整公民身份号码" in entry.what


@pytest.mark.parametrize("viewer", ["secretary_a", "auditor"])
def test_who_may_not_reveal_prints_the_letter_masked_and_nothing_is_recorded(client, request, letter, viewer):
    client.force_login(request.getfixturevalue(viewer))
    html = client.get(reverse("members:transfer_print", args=[letter.pk])).content.decode()
    assert FULL_ID not in html
    assert html.count(mask_id_number(FULL_ID)) == 2
    assert "由组织部门" in html
    assert recorded() == []


def test_a_secretary_granted_the_permission_prints_in_full_recorded(client, secretary_a, letter):
    secretary_a.user_permissions.add(Permission.objects.get(codename="reveal_id_number"))
    client.force_login(secretary_a)
    html = client.get(reverse("members:transfer_print", args=[letter.pk])).content.decode()
    assert FULL_ID in html
    assert recorded() == [(AccessKind.DOWNLOAD, secretary_a.username)]


def test_committee_staff_print_the_certificate_in_full_and_the_print_is_recorded(
    client, committee_staff, certificate
):
    client.force_login(committee_staff)
    html = client.get(reverse("members:certificate_print", args=[certificate.pk])).content.decode()
    assert FULL_ID in html
    entry = AccessRecord.objects.get()
    assert (entry.kind, entry.username) == (AccessKind.DOWNLOAD, committee_staff.username)
    assert certificate.number in entry.what


def test_a_branch_secretary_prints_the_certificate_masked_and_nothing_is_recorded(
    client, secretary_a, certificate
):
    client.force_login(secretary_a)
    html = client.get(reverse("members:certificate_print", args=[certificate.pk])).content.decode()
    assert FULL_ID not in html and mask_id_number(FULL_ID) in html
    assert recorded() == []


# --- exports ------------------------------------------------------------------------------


def id_column(response) -> list[str]:
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("公民身份号码")
    return [row[column] for row in rows[1:]]


def test_a_branch_secretarys_list_export_masks_the_ids(client, secretary_a, letter, certificate):
    client.force_login(secretary_a)
    for url in ("members:transfer_list", "members:certificate_list"):
        assert id_column(client.get(reverse(url), {"format": "xlsx"})) == [mask_id_number(FULL_ID)]


def test_county_staffs_list_export_has_the_full_ids_and_is_recorded(client, county_staff, certificate):
    client.force_login(county_staff)
    assert id_column(client.get(reverse("members:certificate_list"), {"format": "xlsx"})) == [FULL_ID]
    assert recorded() == [(AccessKind.EXPORT, county_staff.username)]


def test_the_roster_export_keeps_full_ids_for_a_branch_secretary_to_import_back_recorded(
    client, secretary_a, member_a
):
    client.force_login(secretary_a)
    response = client.get(reverse("members:export"))
    assert FULL_ID in id_column(response)
    assert recorded() == [(AccessKind.EXPORT, secretary_a.username)]
