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

from ..forms.sessions import RollForm
from ..selectors.attendance import Roll, Unit, digest, next_unit, roll_members, roll_units
from ..services.attendance import RollResult, StaleRoll


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
    """Show one unit's members to tick, or save the ticks and go on to the next unit not yet done."""
    units = roll_units(roll)
    unit = _chosen(units, request.POST.get("org") or request.GET.get("org", ""))
    members = roll_members(roll, unit.org) if unit else []
    recorded = {m.member_id for m in members if m.present}
    form = RollForm(request.POST or None, allowed={m.member_id for m in members})
    stale = False
    if request.method == "POST" and unit is not None and form.is_valid():

        def call() -> RollResult:
            nonlocal stale
            try:
                return save(
                    organization=unit.org,
                    present=form.cleaned_data["present"],
                    loaded=form.cleaned_data["loaded"],
                )
            except StaleRoll:
                stale = True
                raise

        result = run_service(form, call)
        if result is not None:
            absent = len(members) - result.present
            messages.success(
                request,
                f"已保存{unit.org.name}：到会{result.present}人"
                + (f"，未到{absent}人" if absent > 0 else ""),
            )
            following = next_unit([u for u in units if u.org.pk != unit.org.pk], unit.org)
            if following is None:
                return redirect(done_url)
            return redirect(f"{request.path}?{urlencode({'org': following.code})}")
    if form.is_bound and not stale:
        ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()}  # what the user ticked
    elif unit is not None and not unit.done:
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
            "members": members,
            "ticked": ticked,
            "loaded": digest(recorded),
            "form": form,
            "done_url": done_url,
            "units_done": sum(1 for u in units if u.done),
            "units_with_members": sum(1 for u in units if u.members),
            "person_times": sum(u.present for u in units),
            "remaining": len(remaining),
            "first_time": unit is not None and not unit.done,
            **context,
        },
    )
