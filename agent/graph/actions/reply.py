"""The one reply per message: what was done, what was not (each with its reason), and what to say next.

Refusals never end in a bare "I'm not sure": they say why and give an example answer for the stage, and the likely
next steps come as choices (buttons in Slack), the recommended one first.
"""

from __future__ import annotations

from agent.graph.actions.step import Result, Step, short
from agent.understanding.actions import Action

EXAMPLES = {
    "brief": "Tell me the brand and the product, e.g. _We're Lumen Coffee and we make a cold-brew can for night-shift "
             "nurses — 8 episodes of 40 seconds, cosy romance._",
    "arc": "Say *looks good* to move on to casting, or name an episode to change (e.g. \"make episode 3 darker\", "
           "\"swap the rival\", \"12 episodes\").",
    "cast": "Reply with the number (or the name) of the lead you want, or say *go ahead* and I'll take my pick.",
    "look": "Say *lock it* to lock the look, or tell me what to change (e.g. \"background #101820\", "
            "\"outline captions\").",
    "review": "Approve episodes on their cards (Approve, or a thumbs-up), or say *approve 4–6*; ask for changes with "
              "Request changes and a note (\"Ep 3: make the ending darker\"), or say *schedule daily at 6pm*.",
}
CHOICES: dict[str, list[tuple[str, str]]] = {  # the likely next steps; the recommended one first
    "arc": [("Looks good — cast the lead (recommended)", "looks good"), ("Make episode 1 punchier",
                                                                         "make episode 1 punchier"),
            ("Status", "status?")],
    "cast": [("Go ahead with your pick (recommended)", "go ahead"), ("List personas", "list personas"),
             ("Status", "status?")],
    "look": [("Lock it (recommended)", "lock it"), ("Outline captions", "outline captions"), ("Status", "status?")],
    "review": [("Status (recommended)", "status?"), ("How are we doing?", "how are we doing?"),
               ("Who approves?", "who approves?")],
}
NOT_HERE = {  # why an action the catalogue knows is not done at a stage
    "set_brief": "the brief is settled once casting starts; *start over* to write a new one",
    "revise_episodes": {"brief": "there is no arc yet — tell me the brief first",
                        "default": "the scripts are fixed once casting starts (at review, ask for changes on an "
                                   "episode with a note)"},
    "swap_character": "the cast of the script is fixed once the look is being set",
    "change_lead": "the lead is cast after the arc — say *looks good* to the arc and I'll offer three candidates",
    "choose_option": {"look": "the lead is already locked — say *actually go with <name>* to change them",
                      "default": "there is nothing to choose from here yet"},
    "look_change": "the look is set after casting, before rendering",
    "schedule": "scheduling comes once the episodes are rendered and in review",
    "undo": "undo works on the arc while it is being drafted; nothing here can be undone by message",
    "proceed": {"review": "approving is a human vote on each episode's card (Approve, or a thumbs-up), never a "
                          "chat message",
                "default": "there is nothing waiting for a yes here"},
    "defer": {"review": "approvals are each approver's own decision; I can't take them for you",
              "default": "there is nothing for me to pick here"},
}


def not_here(step: Step, action: Action) -> Result:
    """An action the catalogue knows but this stage does not do: the reason."""
    kind = getattr(action, "label", "") or action.kind
    reason = NOT_HERE.get(kind, "")
    if isinstance(reason, dict):
        reason = reason.get(step.stage, reason["default"])
    return Result(refused=reason or "I couldn't tell what you meant")


def _quoted(action: Action, reason: str) -> str:
    return f"• “{short(action.clause)}” — {reason}" if action.clause else f"• {reason}"


def compose(step: Step, results: list[tuple[Action, Result]]) -> str:
    """The reply text: alone for a single request, else *Done* / *Not done* lists; "" when the handlers' own
    messages already said everything. A `finish` result (the saved version and its checks) closes the reply."""
    closing = [r.line for a, r in results if a.kind == "finish" and r.line]
    asked = [(a, r) for a, r in results if a.kind != "finish"]
    refused = [(a, r.refused) for a, r in asked if r.refused]
    if len(asked) == 1 and not refused:
        return "\n".join([r.line for _a, r in asked if r.line] + closing)
    done = [r.line or r.note for _a, r in asked if (r.line or r.note) and not r.refused]
    if not refused and not any(r.line for _a, r in asked):
        return "\n".join(closing)  # every request answered in its own message already (a board, a chart, a diff)
    if not refused and len(done) <= 1:  # one thing to say ("hi! hi!", a greeting beside a status)
        return "\n".join([r.line for _a, r in asked if r.line] + closing)
    if len(asked) == 1:
        action, reason = refused[0]
        said = f"“{short(action.clause)}” — " if action.clause else ""
        return f"{said}{reason}.\n{EXAMPLES.get(step.stage, '')} (Say *help* for the steps.)"
    head = ("*Done:*\n" + "\n".join(f"• {line}" for line in done)) if done else "Nothing changed."
    if not refused:
        return "\n".join([head, *closing])
    return "\n".join([head, *closing, "*Not done:*", *(_quoted(a, r) for a, r in refused),
                      EXAMPLES.get(step.stage, "")])


def offer_next(step: Step) -> None:
    """The stage's likely next steps as choices, the recommended one first."""
    choices = CHOICES.get(step.stage)
    if choices:
        step.ctx.app.channel.offer_choices(step.ctx.thread, "Next:", choices)
