"""Arc-stage handlers: brief changes, revisions of one or several episodes, character swaps, undo, proceed.

Revisions and swaps of one message are applied to one working copy of the arc and saved together (`finish`) as one
new version with one undo point, whose reply names every episode changed and shows the season's checks.
"""

from __future__ import annotations

from typing import Any

from agent.brain.briefparse import looks_like_brief_info
from agent.brain.castswap import parse_swap, swap_character
from agent.domain import Arc
from agent.graph.actions.step import Handler, Result, Step, from_command, short
from agent.graph.nodes.drafts import arc_checks, load_season
from agent.graph.replies import checks_block, revision_summary
from agent.services import seasons
from agent.store.models import Season
from agent.understanding.actions import Action, ReviseEpisodes, SwapCharacter


def _working(step: Step) -> Arc:
    """The arc being edited by this message (loaded once)."""
    if "arc" not in step.scratch:
        from agent.graph.nodes.arc import current_version

        arc, brief, bible = load_season(step.ctx, step.season_id)
        assert arc is not None and brief is not None
        step.scratch.update(arc=arc, base=arc, brief=brief, bible=bible, edits=[],
                            undo={"version": current_version(step.ctx, step.season_id), "brief": None})
    return step.scratch["arc"]


def set_brief(step: Step, action: Action) -> Result:
    """A change of mind about the brief: every brief clause of the message at once; the arc is rewritten."""
    if step.scratch.get("brief_read"):
        return Result(note="(read with the brief change above)")
    from agent.graph.nodes.arc import change_brief

    _working(step)
    step.scratch["brief_read"] = True
    clauses = [action.clause] + list(step.scratch.get("more_brief", []))
    before = step.scratch["brief"]
    changed = change_brief(step.ctx, step.season_id, before, " ".join(c for c in clauses if c) or step.text)
    if changed is None:
        return Result(said=True, note="the brief stays as it was")
    step.scratch["undo"]["brief"] = before.model_dump(mode="json")
    step.scratch["brief_changed"] = True
    arc, brief, bible = load_season(step.ctx, step.season_id)
    step.scratch.update(arc=arc, base=arc, brief=brief, bible=bible)
    return Result(said=True, note=f"changed the brief ({short(action.clause)}) and rewrote the arc",
                  update={"brief_draft": changed})


def revise(step: Step, action: Action) -> Result:
    """Rewrite the named episodes following the note; the others stay exactly as they are."""
    arc = _working(step)
    numbers = action.episodes if isinstance(action, ReviseEpisodes) else []
    if not numbers:
        from agent.understanding.understand import episode_numbers

        numbers = episode_numbers(action.clause, len(arc.episodes))
    if not numbers:
        if looks_like_brief_info(action.clause):  # "make it 10 episodes" is a brief change, not a revision
            return set_brief(step, action)
        return Result(refused=f"I couldn't tell which episode should change — name it (1–{len(arc.episodes)}), "
                              f"e.g. \"make episode 3 darker\"")
    valid = [n for n in numbers if 1 <= n <= len(arc.episodes)]
    if not valid:
        return Result(refused=f"this season has episodes 1–{len(arc.episodes)}; which one should change?")
    note = getattr(action, "note", "") or action.clause
    lines = []
    for number in valid:
        before = arc.episodes[number - 1]
        after = step.ctx.app.brain.revise_episode(arc, number, note, step.scratch["bible"])
        arc = arc.model_copy(update={"episodes": [after if e.number == number else e for e in arc.episodes]})
        lines.append(revision_summary(before, after).replace(" — everything else is unchanged.", ""))
        step.scratch["edits"].append(f"ep {number}: {short(note, 100)}")
    step.scratch["arc"] = arc
    bad = [n for n in numbers if n not in valid]
    if bad:
        lines.append(f"(there is no episode {', '.join(map(str, bad))}: this season has 1–{len(arc.episodes)})")
    return Result(line="\n".join(lines))


def swap(step: Step, action: Action) -> Result:
    """Swap or rename a supporting character everywhere (cast, lines, every episode)."""
    arc = _working(step)
    found = parse_swap(action.clause, arc)
    if found is None and isinstance(action, SwapCharacter) and action.role:
        found = parse_swap(f"swap the {action.role}" + (f" with {action.new_name}" if action.new_name else ""), arc)
    if found is None:
        return Result(refused="I couldn't tell which character to swap — say e.g. \"swap the rival\" or "
                              "\"replace the confidant with Marcus\"")
    role, name = found
    new_arc, old, new = swap_character(arc, role, name)
    step.scratch["arc"] = new_arc
    step.scratch["edits"].append(f"swap {role}: {old} → {new}")
    return Result(line=f"Swapped the {role}: *{old}* is now *{new}* everywhere (cast, lines, every episode); "
                       f"nothing else revised. Say *undo* to bring {old} back.")


def finish(step: Step) -> Result | None:
    """Save this message's edits as one arc version, show the checks, and keep one undo point."""
    if "arc" not in step.scratch:
        return None
    arc: Arc = step.scratch["arc"]
    history: list[dict[str, Any]] = list(step.state.get("arc_history") or [])
    if arc == step.scratch["base"]:
        if step.scratch.get("brief_changed"):
            return Result(update={"arc_history": history + [step.scratch["undo"]]})
        return None
    with step.ctx.app.store.session() as session:
        season = session.get_one(Season, step.season_id)
        version = seasons.save_arc(session, season, arc, note="; ".join(step.scratch["edits"])[:200],
                                   actor=step.ctx.user_id)
    step.scratch["base"] = arc
    findings, tone = arc_checks(step.ctx, arc, step.scratch["brief"], step.scratch["bible"])
    others = "Every other episode is unchanged. " if any(e.startswith("ep ") for e in step.scratch["edits"]) else ""
    return Result(line=f"{others}_(now v{version})_\n{checks_block(findings, tone)}\nSay *looks good* when you're happy, "
                       "*undo* to take this back, or *what changed* to see it.",
                  update={"arc_history": history + [step.scratch["undo"]]})


def proceed(step: Step, action: Action) -> Result:
    """Accept the arc and offer the lead candidates — unless this message also changed it."""
    if looks_like_brief_info(action.clause) and action.clause.strip():  # "ok then 12 episodes" changes the brief
        return set_brief(step, action)
    if step.scratch.get("edits") or step.scratch.get("brief_changed"):
        return Result(refused="I held off moving on to casting so you can see these changes first — say "
                              "*looks good* when you're happy")
    from agent.graph.nodes.cast import offer_cast

    arc, brief, _bible = load_season(step.ctx, step.season_id)
    assert arc is not None and brief is not None
    ids = offer_cast(step.ctx, step.season_id, brief, arc)
    return Result(said=True, note="moved on to casting", goto="cast", update={"stage": "cast", "cast_ids": ids})


def undo(step: Step, action: Action) -> Result:
    """Back to the version before the last change (and its brief)."""
    from agent.graph.nodes.arc import undo_last

    return from_command(undo_last(step.ctx, step.season_id, list(step.state.get("arc_history") or [])),
                        note="undid the last change")


def unclear(step: Step, action: Action) -> Result:
    """At the arc, brief details the classifier missed are still a brief change."""
    if looks_like_brief_info(action.clause):
        return set_brief(step, action)
    return Result(refused="I couldn't tell what you meant")


HANDLERS: dict[str, Handler] = {"set_brief": set_brief, "revise_episodes": revise, "swap_character": swap,
                                "proceed": proceed, "defer": proceed, "undo": undo, "unclear": unclear}
