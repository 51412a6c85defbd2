"""Document numbers (介绍信, 证明信): one yearly series per issuing organization, prefix set by county staff."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from organizations.choices import OrgCategory, OrgKind
from organizations.models import DocumentKind, DocumentSequence
from organizations.services import document_prefix_set, next_document_no, org_create

LETTER, CERTIFICATE = DocumentKind.TRANSFER_LETTER, DocumentKind.CERTIFICATE


def next_letter(org, year: int = 2026, **extra) -> str:
    return next_document_no(organization=org, kind=LETTER, year=year, **extra)


def test_numbers_run_from_one_with_the_prefix_from_the_countys_short_name(tree):
    assert [next_letter(tree.county) for _ in range(3)] == [
        "富组转〔2026〕1号",
        "富组转〔2026〕2号",
        "富组转〔2026〕3号",
    ]
    sequence = DocumentSequence.objects.get()
    assert (sequence.organization, sequence.prefix, sequence.last_number) == (
        tree.county,
        "富组转〔2026〕",
        3,
    )


def test_each_kind_year_and_organization_has_its_own_series(tree):
    assert next_letter(tree.county) == "富组转〔2026〕1号"
    assert next_document_no(organization=tree.county, kind=CERTIFICATE, year=2026) == "富组证〔2026〕1号"
    assert next_letter(tree.county, year=2027) == "富组转〔2027〕1号"
    assert next_letter(tree.county) == "富组转〔2026〕2号"


def test_a_new_year_carries_an_edited_prefix_over_with_the_year_changed(tree, county_staff):
    document_prefix_set(
        actor=county_staff, organization=tree.county, kind=LETTER, year=2026, prefix="富组关转〔2026〕"
    )
    assert next_letter(tree.county) == "富组关转〔2026〕1号"
    assert next_letter(tree.county, year=2027) == "富组关转〔2027〕1号"


def test_the_default_prefix_grows_until_it_is_not_another_organizations(tree, admin_user):
    other_county = org_create(
        actor=admin_user,
        parent=None,
        code="C02",
        name="中共富源县委",
        kind=OrgKind.COUNTY_COMMITTEE,
        category=OrgCategory.ORGAN,
        established_on=tree.county.established_on,
    )
    assert next_letter(tree.county) == "富组转〔2026〕1号"
    assert next_letter(other_county) == "富源组转〔2026〕1号"


def test_numbers_already_on_a_document_are_skipped(tree):
    typed_by_hand = {"富组转〔2026〕1号", "富组转〔2026〕2号"}
    assert next_letter(tree.county, taken=typed_by_hand.__contains__) == "富组转〔2026〕3号"
    assert next_letter(tree.county, taken=typed_by_hand.__contains__) == "富组转〔2026〕4号"


def test_a_refused_issue_gives_its_number_back(tree):
    with pytest.raises(ValidationError), transaction.atomic():
        assert next_letter(tree.county) == "富组转〔2026〕1号"
        raise ValidationError("开具被拒绝")
    assert next_letter(tree.county) == "富组转〔2026〕1号"


def test_an_unknown_kind_is_a_programming_error(tree):
    with pytest.raises(ValueError):
        next_document_no(organization=tree.county, kind="LETTER", year=2026)


# --- the prefix ------------------------------------------------------------------


def test_county_staff_set_a_prefix_and_the_change_is_audited(tree, county_staff):
    next_letter(tree.county)
    sequence = document_prefix_set(
        actor=county_staff, organization=tree.county, kind=LETTER, year=2026, prefix=" 富组发转〔2026〕 "
    )
    assert (sequence.prefix, sequence.last_number) == ("富组发转〔2026〕", 1)  # numbers given stay given
    assert next_letter(tree.county) == "富组发转〔2026〕2号"
    entry = LogEntry.objects.get_for_object(sequence).filter(action=LogEntry.Action.UPDATE).get()
    assert (entry.actor, entry.changes_dict["prefix"]) == (
        county_staff,
        ["富组转〔2026〕", "富组发转〔2026〕"],
    )


def test_committee_staff_cannot_set_a_prefix(tree, committee_staff):
    with pytest.raises(PermissionDenied):
        document_prefix_set(
            actor=committee_staff,
            organization=tree.committee,
            kind=LETTER,
            year=2026,
            prefix="新党转〔2026〕",
        )
    assert not DocumentSequence.objects.exists()


def test_a_prefix_ending_in_hao_is_refused(tree, county_staff):
    with pytest.raises(ValidationError) as err:
        document_prefix_set(
            actor=county_staff, organization=tree.county, kind=LETTER, year=2026, prefix="富组转号"
        )
    assert "不要以“号”结尾" in err.value.message_dict["prefix"][0]
    assert not DocumentSequence.objects.exists()


def test_a_prefix_another_organization_uses_that_year_is_refused(tree, county_staff, admin_user):
    next_document_no(organization=tree.committee, kind=LETTER, year=2026)  # 新组转〔2026〕
    with pytest.raises(ValidationError) as err:
        document_prefix_set(
            actor=county_staff, organization=tree.county, kind=LETTER, year=2026, prefix="新组转〔2026〕"
        )
    assert err.value.messages == ["该编号前缀本年度已被其他党组织使用"]
    assert not DocumentSequence.objects.filter(organization=tree.county).exists()


# --- admin -------------------------------------------------------------------------


def admin_staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="organizations", codename__endswith="documentsequence"
        )
    )
    return user


def test_county_staff_edit_the_prefix_in_admin(client, tree, county_staff):
    next_letter(tree.county)
    sequence = DocumentSequence.objects.get()
    client.force_login(admin_staff(county_staff))
    url = reverse("admin:organizations_documentsequence_change", args=[sequence.pk])
    response = client.post(url, {"prefix": "富组发转〔2026〕"})
    assert response.status_code == 302
    sequence.refresh_from_db()
    assert (sequence.prefix, sequence.last_number) == ("富组发转〔2026〕", 1)


def test_admin_shows_a_clashing_prefix_on_the_field(client, tree, county_staff):
    next_document_no(organization=tree.committee, kind=LETTER, year=2026)
    next_letter(tree.county)
    sequence = DocumentSequence.objects.get(organization=tree.county)
    client.force_login(admin_staff(county_staff))
    url = reverse("admin:organizations_documentsequence_change", args=[sequence.pk])
    response = client.post(url, {"prefix": "新组转〔2026〕"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["prefix"] == ["该编号前缀本年度已被其他党组织使用"]


def test_committee_staff_only_look_at_the_numbers_in_admin(client, tree, committee_staff):
    next_document_no(organization=tree.committee, kind=LETTER, year=2026)
    sequence = DocumentSequence.objects.get()
    client.force_login(admin_staff(committee_staff))
    url = reverse("admin:organizations_documentsequence_change", args=[sequence.pk])
    client.post(url, {"prefix": "新党转〔2026〕"})
    sequence.refresh_from_db()
    assert sequence.prefix == "新组转〔2026〕"


def test_a_prefix_set_ahead_of_a_year_numbers_its_first_document(tree, county_staff):
    document_prefix_set(
        actor=county_staff, organization=tree.county, kind=LETTER, year=2027, prefix="富组转字〔2027〕"
    )
    assert next_letter(tree.county, year=2027) == "富组转字〔2027〕1号"
