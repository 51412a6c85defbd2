"""Roles are privileges: who may give whom which role, organization and flags.

One rule everywhere a user account is written (the admin today, any page
tomorrow): nobody changes their own role, organization, activity or admin
flags; a user manages only accounts bound inside their scope whose role is
below their own (组织部干事 > 党委组织员 > 支部书记 > 只读审计), and gives
only roles below their own and organizations in their scope. Auditors
manage nobody; superusers manage everyone.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from core.scopes import can_write, in_scope, sees_everything

from .choices import Role

#: A role manages only the roles ranked below it.
ROLE_RANK: dict[str, int] = {
    Role.AUDITOR: 0,
    Role.BRANCH_SECRETARY: 1,
    Role.COMMITTEE_STAFF: 2,
    Role.COUNTY_STAFF: 3,
    Role.ADMIN: 4,
}

#: Fields of an account that nobody changes on their own account.
SELF_LOCKED_FIELDS = (
    "role",
    "organization",
    "is_active",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
)
#: Fields only a superuser sets on anyone.
SUPERUSER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def assignable_roles(actor: Any) -> list[str]:
    """The roles ``actor`` may give: all for a superuser, those ranked below theirs for a writer, none else."""
    if sees_everything(actor):
        return list(Role.values)
    if not can_write(actor):
        return []
    rank = ROLE_RANK.get(actor.role, -1)
    return [role for role in Role.values if ROLE_RANK[role] < rank]


def may_manage_user(actor: Any, target: Any) -> bool:
    """True when ``actor`` may change ``target``'s account (never their own privileges: see ``check_user_change``)."""
    if sees_everything(actor):
        return True
    if target.pk == actor.pk or target.is_superuser or target.organization is None:
        return False
    return in_scope(actor, target.organization) and target.role in assignable_roles(actor)


def check_user_change(*, actor: Any, target: Any | None, changes: dict[str, Any]) -> None:
    """Refuse (PermissionDenied) a change of an account, or a new account (``target`` None), beyond ``actor``'s rights.

    ``changes`` maps field names to new values, as a form's ``changed_data``
    with its cleaned values.
    """
    if target is not None and target.pk == actor.pk:
        locked = sorted(set(changes) & set(SELF_LOCKED_FIELDS))
        if locked:
            raise PermissionDenied("不能修改自己账号的角色、所属党组织、状态或管理员权限")
        return
    if target is not None and not may_manage_user(actor, target):
        raise PermissionDenied("无权修改该账号")
    if sees_everything(actor):
        return
    if target is None and not can_write(actor):
        raise PermissionDenied("当前账号为只读权限，不能修改数据")
    if set(changes) & set(SUPERUSER_FIELDS):
        raise PermissionDenied("只有系统管理员可以设置后台登录及管理员权限")
    if "role" in changes and changes["role"] not in assignable_roles(actor):
        raise PermissionDenied("只能授予低于自己的角色")
    if "organization" in changes:
        org = changes["organization"]
        if org is None or not in_scope(actor, org):
            raise PermissionDenied("只能将账号分配到本账号管辖范围内的党组织")
