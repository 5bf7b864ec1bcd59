"""How a synthetic incident got to its state: the workflow steps of the closed loop, with their
times and actors, and the deadline its registration set (the rules of `graph.workflow`)."""

from __future__ import annotations

import json
import random
from collections import deque
from datetime import datetime, timedelta

from graph.model import IncidentStatus, Severity
from graph.model.validators import format_timestamp
from graph.workflow import DEADLINES, TRANSITIONS, Action

S = IncidentStatus
ACTORS = {
    Action.ACCEPT: "社区受理中心",
    Action.REGISTER: "社区受理中心",
    Action.DISPATCH: "街道综合指挥中心",
    Action.HANDLE: "物业服务中心",
    Action.VERIFY: "网格员",
    Action.CLOSE: "街道综合指挥中心",
    Action.VOID: "社区受理中心",
    Action.HOLD: "街道综合指挥中心",
    Action.RESUME: "街道综合指挥中心",
    Action.SUPERVISE: "区督查室",
}
REPORTERS = {
    "device_alert": "物联感知平台",
    "petition": "民情诉求平台",
    "hotline": "12345热线",
    "grid_patrol": "网格员巡查",
}
NOTES = {
    Action.HANDLE: "已到场处置",
    Action.VERIFY: "现场核查属实，处置到位",
    Action.CLOSE: "办结",
    Action.VOID: "重复上报",
    Action.HOLD: "等待产权单位答复",
    Action.SUPERVISE: "超时未处置，督办",
}


def shortest_walk(target: S) -> list[Action]:
    """The fewest workflow actions that take a reported incident to `target`."""
    paths: dict[S, list[Action]] = {S.REPORTED: []}
    queue = deque([S.REPORTED])
    while queue:
        state = queue.popleft()
        for action, following in TRANSITIONS[state].items():
            if following not in paths:
                paths[following] = [*paths[state], action]
                queue.append(following)
    return paths[target]


def walk(target: S, rng: random.Random) -> list[Action]:
    """A plausible walk to `target`: the shortest one, sometimes with a failed check
    (handled, then dispatched again) on the way to closure."""
    actions = shortest_walk(target)
    if Action.VERIFY in actions and rng.random() < 0.15:
        at = actions.index(Action.HANDLE) + 1
        actions[at:at] = [Action.DISPATCH, Action.HANDLE]
    return actions


def closed_loop(
    status: str, severity: str, source: str, reported: datetime, now: datetime, rng: random.Random
) -> tuple[str, str | None, list[Action]]:
    """(history JSON, deadline or None, actions) of an incident reported at `reported` that is
    `status` at `now`; every step falls between the two."""
    actions = walk(S(status), rng)
    gaps = [timedelta(minutes=rng.randint(20, 60 * 30)) for _ in actions]
    room = (now - reported) * 0.9
    total = sum(gaps, timedelta())
    if total > room:
        gaps = [gap * (room / total) for gap in gaps]
    moment = reported
    steps = [
        {
            "at": format_timestamp(reported),
            "actor": REPORTERS.get(source, "社区受理中心"),
            "action": Action.REPORT.value,
            "from_status": None,
            "to_status": S.REPORTED.value,
            "note": None,
        }
    ]
    state, deadline = S.REPORTED, None
    for action, gap in zip(actions, gaps, strict=True):
        moment += gap
        following = TRANSITIONS[state][action]
        if action == Action.REGISTER:
            deadline = format_timestamp(moment + DEADLINES[Severity(severity)])
        steps.append(
            {
                "at": format_timestamp(moment),
                "actor": ACTORS[action],
                "action": action.value,
                "from_status": state.value,
                "to_status": following.value,
                "note": NOTES.get(action),
            }
        )
        state = following
    return json.dumps(steps, ensure_ascii=False), deadline, actions
