"""Writes to the organization tree: one audited, scope-checked function per change."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from core.audit import service
from core.scopes import can_write, check_can_edit, in_scope, scope_root, sees_everything
from core.versioning import lock_for_update, save_changed

from .choices import BranchForm, OrgEventKind, OrgKind, PostTitle, Role
from .hooks import CLOSING_HANDLERS, MOVING_CHECKS
from .lineage import extend_lineage, rebuild_lineage
from .models import (
    DocumentKind,
    DocumentSequence,
    LeadershipPost,
    Organization,
    OrgEvent,
    path_segment,
)

#: Which kinds may sit under which (None: a root).
ALLOWED_PARENT_KINDS: dict[str, tuple[str | None, ...]] = {
    OrgKind.COUNTY_COMMITTEE: (None, OrgKind.COUNTY_COMMITTEE),
    OrgKind.COMMITTEE: (OrgKind.COUNTY_COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.COMMITTEE),
    OrgKind.WORKING_COMMITTEE: (OrgKind.COUNTY_COMMITTEE,),
    OrgKind.GENERAL_BRANCH: (OrgKind.COUNTY_COMMITTEE, OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE),
    OrgKind.BRANCH: (
        OrgKind.COUNTY_COMMITTEE,
        OrgKind.COMMITTEE,
        OrgKind.WORKING_COMMITTEE,
        OrgKind.GENERAL_BRANCH,
    ),
    OrgKind.GROUP: (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH),
}


def validate_placement(kind: str, parent: Organization | None, day: dt.date) -> None:
    """A node may only sit under a suitable, existing parent."""
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENT_KINDS[kind]:
        label = OrgKind(kind).label
        where = f"“{OrgKind(parent_kind).label}”" if parent_kind else "顶层"
        raise ValidationError({"parent": f"{label}不能设在{where}之下"})
    if parent and not parent.existed_on(day):
        raise ValidationError({"parent": f"上级党组织“{parent.name}”在{day:%Y年%m月%d日}不存在"})


def validate_move_day(org: Organization, day: dt.date) -> None:
    """A move is dated inside the organization's life and after its last move, so the dated tree is one story."""
    if day < org.established_on:
        raise ValidationError({"day": f"调整日期不能早于该党组织的成立日期（{org.established_on:%Y-%m-%d}）"})
    last = org.events.filter(kind=OrgEventKind.MOVE).order_by("-date").values_list("date", flat=True).first()
    if last and day < last:
        raise ValidationError({"day": f"调整日期不能早于该党组织上次调整隶属关系的日期（{last:%Y-%m-%d}）"})


def _record(org: Organization, kind: str, day: dt.date, actor: Any, **fields: Any) -> OrgEvent:
    return OrgEvent.objects.create(organization=org, kind=kind, date=day, actor=actor, **fields)


@service
def org_create(
    *,
    actor: Any,
    parent: Organization | None,
    code: str,
    name: str,
    kind: str,
    category: str,
    established_on: dt.date,
    reason: str = "",
    document_no: str = "",
    can_approve_members: bool = False,
    term_started_on: dt.date | None = None,
    sort_order: int = 0,
    form: str = BranchForm.REGULAR,
    covered_units: str = "",
) -> Organization:
    """Establish an organization under ``parent`` (a root when ``parent`` is None)."""
    if parent is None:
        if not getattr(actor, "is_superuser", False):
            raise ValidationError({"parent": "只有系统管理员可以建立顶层党组织"})
    else:
        check_can_edit(actor, parent)
    validate_placement(kind, parent, established_on)
    if can_approve_members and not may_grant_approval_on_create(actor):
        raise ValidationError({"can_approve_members": "审批发展党员权限由县委组织部设定"})
    org = Organization(
        parent=parent,
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        category=category,
        established_on=established_on,
        can_approve_members=can_approve_members,
        term_started_on=term_started_on,
        sort_order=sort_order,
        form=form,
        covered_units=covered_units,
        path="pending",
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    extend_lineage(org)
    _record(
        org,
        OrgEventKind.ESTABLISH,
        established_on,
        actor,
        reason=reason,
        document_no=document_no,
        new_value=org.name,
    )
    return org


def can_set_approval_authority(user: Any, org: Organization) -> bool:
    """Who may grant or withdraw ``org``'s approval authority (具有审批发展党员权限).

    The county department (组织部) sets it, from above: a superuser, or county
    staff whose own organization lies strictly above ``org``.  Nobody else,
    and nobody on their own organization.
    """
    if sees_everything(user):
        return True
    root = scope_root(user)
    return (
        root is not None
        and can_write(user)
        and user.role == Role.COUNTY_STAFF
        and org.path != root.path
        and org.path.startswith(root.path)
    )


def may_grant_approval_on_create(user: Any) -> bool:
    """A new organization lies strictly below its creator's, so county staff (or a superuser) may grant it."""
    return sees_everything(user) or (can_write(user) and user.role == Role.COUNTY_STAFF)


@service
def org_update(
    *, actor: Any, org: Organization, expected_version: int | None = None, **changes: Any
) -> Organization:
    """Change an organization's attributes that carry no history (category, authority, term …).

    The row is locked and only ``changes`` are written; ``expected_version`` (the
    version the user's form was loaded with) refuses a save over a newer record.
    """
    allowed = {
        "category",
        "form",
        "covered_units",
        "can_approve_members",
        "term_years",
        "term_started_on",
        "sort_order",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"org_update cannot change {sorted(unknown)}")
    lock_for_update(Organization, org, expected_version=expected_version)
    check_can_edit(actor, org)
    approval = changes.get("can_approve_members", org.can_approve_members)
    if bool(approval) != org.can_approve_members and not can_set_approval_authority(actor, org):
        raise ValidationError(
            {"can_approve_members": "审批发展党员权限由县委组织部为下级党组织设定，当前账号不能修改"}
        )
    old_term = org.term_started_on
    changed = [f for f, value in changes.items() if value != getattr(org, f)]
    if not changed:
        return org  # nothing to write, so no new version
    for field in changed:
        setattr(org, field, changes[field])
    org.full_clean()
    save_changed(org, changed)
    if "term_started_on" in changes and changes["term_started_on"] and changes["term_started_on"] != old_term:
        _record(org, OrgEventKind.TERM, changes["term_started_on"], actor, new_value="换届")
    return org


def may_restructure(user: Any, org: Organization) -> bool:
    """Whether ``user`` may rename, move, merge or dissolve ``org``: its superior's staff do that.

    The user's scope must hold ``org``'s parent, i.e. ``org`` lies strictly
    below the user's own organization; a branch secretary cannot rename or
    dissolve their own branch, a committee's staff not their own committee.
    A root organization is changed by a superuser only.
    """
    if sees_everything(user):
        return True
    return can_write(user) and org.parent_id is not None and in_scope(user, org.parent)


def check_can_restructure(actor: Any, org: Organization, action: str) -> None:
    """Out of scope: 404; read-only: 403; in scope but not the superior's staff: 403 with the reason."""
    check_can_edit(actor, org)
    if not may_restructure(actor, org):
        raise PermissionDenied(f"“{org.name}”的{action}由其上级党组织办理，当前账号不能办理")


@service
def org_rename(
    *, actor: Any, org: Organization, name: str, day: dt.date, reason: str = "", document_no: str = ""
) -> Organization:
    """Rename an organization on a date; a form loaded before this goes stale."""
    lock_for_update(Organization, org)
    check_can_restructure(actor, org, "更名")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写新名称"})
    if name == org.name:
        raise ValidationError({"name": "新名称与原名称相同"})
    if not org.is_active:
        raise ValidationError({"name": "已撤销的党组织不能更名"})
    old = org.name
    org.name = name
    org.full_clean()
    save_changed(org, ["name"])
    _record(
        org,
        OrgEventKind.RENAME,
        day,
        actor,
        old_value=old,
        new_value=name,
        reason=reason,
        document_no=document_no,
    )
    return org


@service
def org_move(
    *,
    actor: Any,
    org: Organization,
    new_parent: Organization,
    day: dt.date,
    reason: str = "",
    document_no: str = "",
) -> Organization:
    """Re-parent an organization (and its whole subtree) on a date; a form loaded before this goes stale."""
    lock_for_update(Organization, org)
    check_can_restructure(actor, org, "调整隶属关系")
    check_can_edit(actor, new_parent)
    if not org.is_active:
        raise ValidationError({"parent": "已撤销的党组织不能调整隶属关系"})
    if new_parent.pk == org.parent_id:
        raise ValidationError({"parent": "新的上级党组织与原上级相同"})
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": "不能把党组织调整到它自己或它的下级之下"})
    validate_placement(org.kind, new_parent, day)
    validate_move_day(org, day)
    for check in MOVING_CHECKS:
        check(org, new_parent, day)
    old_parent = org.parent
    old_path = org.path
    new_path = new_parent.path + path_segment(org.pk)
    # One UPDATE rewrites the prefix of every path in the subtree.
    Organization.objects.filter(path__subtree=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
    )
    org.refresh_from_db()
    org.parent = new_parent
    save_changed(org, ["parent"])
    _record(
        org,
        OrgEventKind.MOVE,
        day,
        actor,
        old_value=old_parent.name if old_parent else "",
        new_value=new_parent.name,
        related=new_parent,
        previous_parent=old_parent,
        reason=reason,
        document_no=document_no,
    )
    rebuild_lineage()
    return org


def _close(org: Organization, successor: Organization | None, day: dt.date, actor: Any) -> None:
    lock_for_update(Organization, org)  # a form loaded before the closing goes stale
    if not org.is_active:
        raise ValidationError({"dissolved_on": "该党组织已撤销"})
    if day < org.established_on:
        raise ValidationError({"dissolved_on": "撤销日期不能早于成立日期"})
    open_children = org.children.filter(dissolved_on__isnull=True)
    if open_children.exists():
        names = "、".join(open_children.values_list("name", flat=True)[:5])
        raise ValidationError({"dissolved_on": f"请先调整或撤销下级党组织：{names}"})
    for handler in CLOSING_HANDLERS:
        handler(org, successor, day, actor)
    org.dissolved_on = day
    org.successor = successor
    save_changed(org, ["dissolved_on", "successor"])
    for post in LeadershipPost.objects.filter(organization=org, end_on__isnull=True):
        lock_for_update(LeadershipPost, post)
        post.end_on = max(day, post.start_on)
        save_changed(post, ["end_on"])  # one by one, so each end is audited
    rebuild_lineage()


@service
def org_dissolve(
    *, actor: Any, org: Organization, day: dt.date, reason: str, document_no: str = ""
) -> Organization:
    """Dissolve (撤销) an organization on a date; it stays in history."""
    check_can_restructure(actor, org, "撤销")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销原因"})
    _close(org, None, day, actor)
    _record(org, OrgEventKind.DISSOLVE, day, actor, reason=reason, document_no=document_no)
    return org


@service
def org_merge(
    *,
    actor: Any,
    org: Organization,
    successor: Organization,
    day: dt.date,
    reason: str = "",
    document_no: str = "",
) -> Organization:
    """Merge ``org`` into ``successor`` on a date: its members move there, it closes."""
    check_can_restructure(actor, org, "合并")
    check_can_edit(actor, successor)
    if successor.pk == org.pk:
        raise ValidationError({"successor": "不能与自身合并"})
    if successor.path.startswith(org.path):
        raise ValidationError({"successor": "不能并入自己的下级党组织"})
    if not successor.existed_on(day):
        raise ValidationError({"successor": f"“{successor.name}”在合并日期不存在"})
    _close(org, successor, day, actor)
    _record(
        org,
        OrgEventKind.MERGE,
        day,
        actor,
        related=successor,
        new_value=successor.name,
        reason=reason,
        document_no=document_no,
    )
    return org


@service
def post_appoint(
    *,
    actor: Any,
    org: Organization,
    title: str,
    holder_name: str,
    start_on: dt.date,
    holder_id_number: str = "",
    document_no: str = "",
    note: str = "",
) -> LeadershipPost:
    """Appoint someone to a post; a secretary's predecessor leaves the post the same day."""
    check_can_edit(actor, org)
    if not org.existed_on(start_on):
        raise ValidationError({"start_on": "任职日期时该党组织不存在或已撤销"})
    if title in (PostTitle.SECRETARY,):
        for previous in LeadershipPost.objects.filter(
            organization=org, title=title, end_on__isnull=True, start_on__lte=start_on
        ):
            lock_for_update(LeadershipPost, previous)
            previous.end_on = start_on
            save_changed(previous, ["end_on"])  # a form loaded before the appointment goes stale
    post = LeadershipPost(
        organization=org,
        title=title,
        holder_name=holder_name.strip(),
        holder_id_number=holder_id_number.strip(),
        start_on=start_on,
        document_no=document_no,
        note=note,
    )
    post.full_clean()
    post.save()
    return post


@service
def post_end(*, actor: Any, post: LeadershipPost, end_on: dt.date) -> LeadershipPost:
    """End a post holder's term of office; a form loaded before this goes stale."""
    lock_for_update(LeadershipPost, post)
    check_can_edit(actor, post.organization)
    if post.end_on:
        raise ValidationError({"end_on": "该职务已离任"})
    post.end_on = end_on
    post.full_clean()
    save_changed(post, ["end_on"])
    return post


#: Fields of a post that a correction may change (the title stays: appoint anew instead).
POST_CORRECTABLE_FIELDS = ("holder_name", "holder_id_number", "start_on", "end_on", "document_no", "note")


@service
def post_update(
    *, actor: Any, post: LeadershipPost, expected_version: int | None = None, **changes: Any
) -> LeadershipPost:
    """Correct the record of a post (holder's name, dates, document number, note).

    ``changes`` are the fields the user changed; the row is locked and only
    those are written.  ``expected_version`` (the version the user's form was
    loaded with) refuses a save over a newer record (``core.versioning``).
    """
    unknown = set(changes) - set(POST_CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"post_update cannot change {sorted(unknown)}")
    lock_for_update(LeadershipPost, post, expected_version=expected_version)
    check_can_edit(actor, post.organization)
    changes = {f: value.strip() if isinstance(value, str) else value for f, value in changes.items()}
    changed = [f for f, value in changes.items() if value != getattr(post, f)]
    if not changed:
        return post  # nothing to write, so no new version
    for field in changed:
        setattr(post, field, changes[field])
    if not post.holder_name:
        raise ValidationError({"holder_name": "请填写任职人姓名"})
    if post.end_on and post.end_on < post.start_on:
        raise ValidationError({"end_on": "离任日期不能早于任职日期"})
    post.full_clean()
    save_changed(post, changed)
    return post


# --- document numbers (介绍信, 证明信) ------------------------------------------

#: What a default prefix calls each kind of document: 富组转〔2026〕, 富组证〔2026〕.
DOCUMENT_ABBREVIATIONS = {DocumentKind.TRANSFER_LETTER: "组转", DocumentKind.CERTIFICATE: "组证"}
YEAR_IN_PREFIX = re.compile(r"〔\d{4}〕")


def default_document_prefix(organization: Organization, kind: str, year: int) -> str:
    """A prefix for a new year's sequence: last year's with the year changed, else from the short name.

    富宁县委 gives 富组转〔2026〕; when another organization already uses that
    prefix for the year, the short name grows (富宁组转〔2026〕 …) so numbers never clash.
    """

    def free(prefix: str) -> bool:
        others = DocumentSequence.objects.filter(kind=kind, year=year, prefix=prefix)
        return not others.exclude(organization=organization).exists()

    previous = (
        DocumentSequence.objects.filter(organization=organization, kind=kind, year__lt=year)
        .order_by("-year")
        .first()
    )
    if previous is not None and YEAR_IN_PREFIX.search(previous.prefix):
        carried = YEAR_IN_PREFIX.sub(f"〔{year}〕", previous.prefix)
        if free(carried):
            return carried
    name = organization.name.removeprefix("中共").strip()
    abbreviation = DOCUMENT_ABBREVIATIONS[kind]
    for short in (name[:1], name[:2], name):
        candidate = f"{short}{abbreviation}〔{year}〕"
        if free(candidate):
            return candidate
    return f"{name}{organization.code}{abbreviation}〔{year}〕"


def _locked_sequence(organization: Organization, kind: str, year: int) -> DocumentSequence:
    """The year's sequence row, created on first use, locked until the caller's transaction ends."""
    locked = DocumentSequence.objects.select_for_update()
    sequence = locked.filter(organization=organization, kind=kind, year=year).first()
    if sequence is not None:
        return sequence
    try:
        with transaction.atomic():  # a savepoint: a lost race must not break the caller's transaction
            DocumentSequence.objects.create(
                organization=organization,
                kind=kind,
                year=year,
                prefix=default_document_prefix(organization, kind, year),
            )
    except IntegrityError:
        pass  # a concurrent issue created it first (PostgreSQL made this insert wait for its commit)
    try:
        return locked.get(organization=organization, kind=kind, year=year)
    except DocumentSequence.DoesNotExist:  # the default prefix was taken by another organization meanwhile
        raise ValidationError("文书编号前缀冲突，请重试，或由县委组织部在管理后台设定编号前缀") from None


def next_document_no(
    *,
    organization: Organization,
    kind: str,
    year: int,
    taken: Callable[[str], bool] | None = None,
) -> str:
    """The next number ``organization`` gives a document of ``kind`` in ``year``: 富组转〔2026〕88号.

    The sequence row stays locked (SELECT … FOR UPDATE) until the caller's
    transaction commits, so two concurrent issues never get the same number,
    and a refused issue rolls its number back.  ``taken`` says whether a
    number is already on a document (one typed in by hand before numbering
    was automatic); such numbers are skipped.
    """
    if kind not in DocumentKind.values:
        raise ValueError(f"unknown document kind {kind!r}")
    with transaction.atomic():
        sequence = _locked_sequence(organization, kind, year)
        while True:
            sequence.last_number += 1
            number = sequence.number(sequence.last_number)
            if taken is None or not taken(number):
                break
        sequence.save(update_fields=["last_number", "updated_at"])
    return number


def may_set_document_prefix(user: Any) -> bool:
    """Numbering belongs to the county department: county staff (or a superuser) set the prefixes."""
    return sees_everything(user) or (can_write(user) and user.role == Role.COUNTY_STAFF)


@service
def document_prefix_set(
    *, actor: Any, organization: Organization, kind: str, year: int, prefix: str
) -> DocumentSequence:
    """Set the prefix of ``organization``'s ``kind`` numbers for ``year`` (numbers already given stay)."""
    check_can_edit(actor, organization)
    if not may_set_document_prefix(actor):
        raise PermissionDenied("文书编号前缀由县委组织部设定，当前账号不能修改")
    sequence = (
        DocumentSequence.objects.select_for_update()
        .filter(organization=organization, kind=kind, year=year)
        .first()
    ) or DocumentSequence(organization=organization, kind=kind, year=year)
    sequence.prefix = prefix
    sequence.full_clean()
    sequence.save()
    return sequence
