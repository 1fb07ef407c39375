"""Apply every action in one message at the arc stage together, and answer in one reply.

"make episode 3 darker and cut the product from episode 7; never say cheap" revises two episodes (one new arc
version), changes the bible, and says so in one message that also names anything that was not understood. Nothing
is dropped silently. Single-request messages keep going through the stage's own handler (arc.py); this module is
used when a message carries several requests, or requests the handler cannot read alone (several episodes).
"""

from __future__ import annotations

from langgraph.types import Command

from agent.brain.castswap import parse_swap, swap_character
from agent.context import TurnContext
from agent.domain import Arc
from agent.graph.nodes.common import say
from agent.graph.nodes.drafts import arc_checks, load_season
from agent.graph.replies import checks_block, revision_summary
from agent.services import seasons
from agent.store.models import Season
from agent.understanding.actions import Action, ReviseEpisodes, SetBrief, SwapCharacter

EXAMPLES = {
    "arc": "e.g. \"make episode 3 darker\", \"swap the rival\", \"12 episodes\", \"looks good\"",
}


def needs_many(actions: list[Action]) -> bool:
    """True when a message carries more than one request, or one revision of several episodes."""
    real = [a for a in actions if a.kind != "passthrough"]
    if len(actions) > 1 and len(real) >= 1:
        return True
    return any(isinstance(a, ReviseEpisodes) and len(a.episodes) > 1 for a in actions)


def not_done_line(actions: list[Action], stage: str) -> str:
    """"Not done: …" for unclear and refused clauses, each with its reason; empty when everything was done."""
    lines = []
    for action in actions:
        if action.kind == "unclear":
            lines.append(f"• “{short(action.clause)}” — I couldn't tell what you meant ({EXAMPLES.get(stage, '')})")
        elif action.kind == "out_of_scope":
            lines.append(f"• “{short(action.clause)}” — {getattr(action, 'reason', '')}")
    return ("*Not done:*\n" + "\n".join(lines)) if lines else ""


def short(text: str, limit: int = 80) -> str:
    """A clause quoted back, cut to a readable length."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def apply_arc_actions(ctx: TurnContext, state: dict, actions: list[Action], here: str = "arc") -> Command:
    """Apply revisions, swaps and the rest of a multi-request message; one reply; one undo point."""
    from agent.graph.nodes.arc import change_brief, current_version
    from agent.graph.routing import handle_bible, off_script

    season_id = state["season_id"]
    arc, brief, bible = load_season(ctx, season_id)
    assert arc is not None and brief is not None
    history = list(state.get("arc_history", []))
    undo_point = {"version": current_version(ctx, season_id), "brief": None}
    update: dict = {}
    done: list[str] = []
    leftover: list[Action] = []
    for action in actions:
        if isinstance(action, SetBrief):
            changed = change_brief(ctx, season_id, brief, action.clause)
            if changed is not None:
                undo_point["brief"] = brief.model_dump(mode="json")
                update["brief_draft"] = changed
                arc, brief, bible = load_season(ctx, season_id)
                assert arc is not None and brief is not None
                done.append(f"changed the brief ({short(action.clause)}) and rewrote the arc")
    new_arc: Arc = arc
    for action in actions:
        if isinstance(action, ReviseEpisodes):
            numbers = [n for n in action.episodes if 1 <= n <= len(new_arc.episodes)]
            bad = [n for n in action.episodes if n not in numbers]
            if not numbers:
                leftover.append(action)
                continue
            for number in numbers:
                before = new_arc.episodes[number - 1]
                after = ctx.app.brain.revise_episode(new_arc, number, action.note or action.clause, bible)
                new_arc = new_arc.model_copy(update={"episodes": [after if e.number == number else e
                                                                  for e in new_arc.episodes]})
                done.append(revision_summary(before, after).replace(" — everything else is unchanged.", ""))
            if bad:
                done.append(f"there is no episode {', '.join(map(str, bad))} (this season has 1–{len(arc.episodes)})")
        elif isinstance(action, SwapCharacter):
            swap = parse_swap(action.clause, new_arc)
            if swap is None:
                leftover.append(action)
                continue
            new_arc, old, new = swap_character(new_arc, swap[0], swap[1])
            done.append(f"swapped the {swap[0]}: *{old}* is now *{new}* everywhere")
        elif action.kind == "bible_change" and handle_bible(ctx, season_id, action.clause):
            done.append(f"updated the show bible ({short(action.clause)})")
        elif action.kind in ("proceed", "defer"):
            done.append("held off moving on to casting until you've seen these changes — say *looks good* then")
        elif not isinstance(action, SetBrief) and action.kind not in ("unclear", "out_of_scope") and \
                off_script(ctx, state, action.clause, ctx.app.brain.interpret(action.clause, here), here) is None:
            leftover.append(action)
    if new_arc != arc:
        with ctx.app.store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            version = seasons.save_arc(session, season, new_arc, note=f"several changes: {short(actions[0].clause)}",
                                       actor=ctx.user_id)
        findings, tone = arc_checks(ctx, new_arc, brief, bible)
        done.append(f"_(now v{version})_\n{checks_block(findings, tone)}")
    for action in leftover:
        action.kind = "unclear"
    missed = not_done_line([a for a in actions if a.kind in ("unclear", "out_of_scope")], here)
    if done or missed:
        head = "*Done:*\n" + "\n".join(done) if done else "Nothing changed."
        say(ctx, head + (f"\n{missed}" if missed else "")
            + "\nSay *looks good* when you're happy, or *undo* to take all of this back.")
    if new_arc != arc or undo_point["brief"]:
        update["arc_history"] = history + [undo_point]
    return Command(goto=here, update=update)
