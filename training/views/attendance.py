"""The attendance page (点名): one unit at a time, everyone ticked, untick the absent, save, next unit.

Shared by training sessions and party lectures.  A fixed number of queries
whatever the number of members: the units with their counts (3), the unit's
members with their ticks (2); saving adds the lock, the check and the bulk
writes (``training.services.attendance``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.views import run_service
from organizations.choices import OrgKind

from ..forms.sessions import RollForm
from ..selectors.attendance import Roll, Unit, digest, next_unit, roll_members, roll_search, roll_units
from ..services.attendance import RollResult, StaleRoll

#: Organizers whose sessions their own members attend as a whole (everyone ticked at first).
BRANCH_LEVEL = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.GROUP)


def _chosen(units: list[Unit], code: str) -> Unit | None:
    if code:
        found = next((u for u in units if u.org.code == code), None)
        if found is not None:
            return found
    pending = [u for u in units if u.members and not u.done]
    return pending[0] if pending else (units[0] if units else None)


def roll_page(
    request: HttpRequest,
    *,
    roll: Roll,
    save: Callable[..., RollResult],
    title: str,
    done_url: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Show one unit's members (or those found by name) to tick, or save the ticks and go on."""
    units = roll_units(roll)
    # A branch's own session: its members come, the clerk unticks the absent.  A committee's or the
    # county's draws some members from many branches: nothing ticked, 全部到会 for a branch that came whole.
    start = request.GET.get("start", "")
    prefill = start == "all" or (start != "none" and roll.organizer.kind in BRANCH_LEVEL)
    term = request.GET.get("q", "").strip()[:20]
    unit = None if term else _chosen(units, request.POST.get("org") or request.GET.get("org", ""))
    if term:
        members = roll_search(roll, term)
    else:
        members = roll_members(roll, unit.org) if unit else []
    recorded = {m.member_id for m in members if m.present}
    listed = [m.member_id for m in members]
    form = RollForm(request.POST or None, allowed=set(listed))
    stale = False
    if request.method == "POST" and (unit is not None or term) and form.is_valid():

        def call() -> RollResult:
            nonlocal stale
            where = {"organization": unit.org} if unit is not None else {"listed": listed}
            try:
                return save(present=form.cleaned_data["present"], loaded=form.cleaned_data["loaded"], **where)
            except StaleRoll:
                stale = True
                raise

        result = run_service(form, call)
        if result is not None:
            absent = len(members) - result.present
            what = unit.org.name if unit is not None else f"查找“{term}”的党员"
            messages.success(
                request, f"已保存{what}：到会{result.present}人" + (f"，未到{absent}人" if absent > 0 else "")
            )
            if unit is None:
                return redirect(request.get_full_path())
            following = next_unit([u for u in units if u.org.pk != unit.org.pk], unit.org)
            if following is None:
                return redirect(done_url)
            query = {"org": following.code, **({"start": start} if start else {})}
            return redirect(f"{request.path}?{urlencode(query)}")
    if form.is_bound and not stale:
        ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()}  # what the user ticked
    elif unit is not None and not unit.done and prefill:
        ticked = {m.member_id for m in members if not m.moved}  # a unit not yet recorded: everyone present
    else:
        ticked = recorded  # as saved (after a refusal: as saved by the other clerk)
    remaining = [u for u in units if u.members and not u.done and (unit is None or u.org.pk != unit.org.pk)]
    return render(
        request,
        "training/attendance.html",
        {
            "title": title,
            "roll": roll,
            "units": units,
            "unit_options": [
                (u.org.code, u.label(roll.organizer.depth), unit is not None and u.org.pk == unit.org.pk)
                for u in units
            ],
            "unit": unit,
            "term": term,
            "members": members,
            "ticked": ticked,
            "loaded": digest(recorded),
            "form": form,
            "done_url": done_url,
            "units_done": sum(1 for u in units if u.done),
            "units_with_members": sum(1 for u in units if u.members),
            "person_times": sum(u.present for u in units),
            "remaining": len(remaining) if unit is not None else 0,
            "first_time": unit is not None and not unit.done,
            "prefill": prefill,
            "start": start,
            **context,
        },
    )
