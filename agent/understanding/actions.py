"""The catalogue: everything a marketer can ask for in the conversation, each as a typed action.

Both understanders produce these — the offline one (classifier + entity extraction) and Gemini (function calling
over the same models, see integrations/gemini/tools.py) — and the graph applies them through the services. Each
action carries the clause it came from, so the reply can quote what was (or was not) understood.

Approving and publishing are not here on purpose: they are human votes recorded by the review services, never
something a conversation message can do.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Action(BaseModel):
    """Base of every action: which clause of the message asked for it."""

    kind: str
    clause: str = ""


class SetBrief(Action):
    """Set or change brief fields (brand, product, audience, tone, episode count/length, cadence, …)."""

    kind: Literal["set_brief"] = "set_brief"
    fields: dict[str, Any] = Field(default_factory=dict)


class Proceed(Action):
    """Accept what is shown and move to the next step ("looks good", "go ahead")."""

    kind: Literal["proceed"] = "proceed"


class Defer(Action):
    """Let the agent choose ("you pick", "you decide"): the recommended option or the defaults are taken."""

    kind: Literal["defer"] = "defer"


class ReviseEpisodes(Action):
    """Rewrite one or more episodes following a note; other episodes stay as they are."""

    kind: Literal["revise_episodes"] = "revise_episodes"
    episodes: list[int] = Field(default_factory=list, description="episode numbers; empty = ask which")
    note: str = Field(default="", description="what to change, e.g. 'darker', 'cut the product'")


class SwapCharacter(Action):
    """Swap or rename a supporting character (rival, confidant)."""

    kind: Literal["swap_character"] = "swap_character"
    role: str = Field(default="", description="rival | confidant | a current character name")
    new_name: str | None = None


class ChangeLead(Action):
    """Change the lead, by candidate number or by name, before or after casting."""

    kind: Literal["change_lead"] = "change_lead"
    option: int | None = None
    name: str | None = None


class ChooseOption(Action):
    """Pick one of the offered options (a lead candidate) by number or name."""

    kind: Literal["choose_option"] = "choose_option"
    option: int | None = None
    name: str | None = None


class ChangeBible(Action):
    """Change the show bible: banned words, allowed words, voice, vocabulary, do's and don'ts."""

    kind: Literal["bible_change"] = "bible_change"


class ShowBible(Action):
    """Show the current show bible."""

    kind: Literal["bible_show"] = "bible_show"


class ChangeLook(Action):
    """Change the look: palette colours, captions, framing, logo, font."""

    kind: Literal["look_change"] = "look_change"


class SetSchedule(Action):
    """Cadence and schedule: daily/weekly/every N days, release time, time zone, start date, skipped dates."""

    kind: Literal["schedule"] = "schedule"


class ChangeApprovers(Action):
    """Approvers, roles and quorum (delegated to the production line's rules), or who approves."""

    kind: Literal["approvers"] = "approvers"


class Status(Action):
    """Where the season is."""

    kind: Literal["status"] = "status"


class Diff(Action):
    """What changed between arc versions, or in one episode."""

    kind: Literal["diff"] = "diff"


class Undo(Action):
    """Go back to the version before the last change."""

    kind: Literal["undo"] = "undo"


class Help(Action):
    """How this works."""

    kind: Literal["help"] = "help"


class OutOfScope(Action):
    """Something this agent does not do; answered with the reason."""

    kind: Literal["out_of_scope"] = "out_of_scope"
    reason: str = ""


class Unclear(Action):
    """A clause nobody could read with confidence; answered with an example of what would work."""

    kind: Literal["unclear"] = "unclear"
    guess: str = ""


class Figures(Action):
    """"How are we doing?": the season's figures (funnel per platform), or the weekly digest switched on/off."""

    kind: Literal["figures"] = "figures"
    digest: Literal["on", "off"] | None = None


class Audit(Action):
    """Who approved what, and when: the audit trail (of one episode when one is named)."""

    kind: Literal["audit"] = "audit"
    episode: int | None = None


class StartOver(Action):
    """Wipe the draft (brief, arc, lead) and start the brief again — only before production starts."""

    kind: Literal["start_over"] = "start_over"


class Continuity(Action):
    """The continuity ledger: open threads, who knows what, hooks picked up."""

    kind: Literal["continuity"] = "continuity"


class PersonaPool(Action):
    """The persona pool: list, describe, create a persona (or upload a portrait)."""

    kind: Literal["persona_pool"] = "persona_pool"


class Render(Action):
    """Render the season again, or cancel the renders in flight."""

    kind: Literal["render"] = "render"
    what: Literal["again", "cancel", ""] = ""


class Question(Action):
    """A question about the format (episode lengths, destinations, markets …), answered from the FAQ."""

    kind: Literal["question"] = "question"


class Greeting(Action):
    """Hello / thanks: answered with where we are and what to say next."""

    kind: Literal["greeting"] = "greeting"


class Passthrough(Action):
    """A kind the stage does not take (`label` names it) or a classifier label with no action of its own: the
    dispatcher runs the shared handler when there is one, else says why not (never offered to a model as a tool)."""

    kind: Literal["passthrough"] = "passthrough"
    label: str = ""


CATALOGUE: dict[str, type[Action]] = {model.model_fields["kind"].default: model for model in (
    SetBrief, Proceed, Defer, ReviseEpisodes, SwapCharacter, ChangeLead, ChooseOption, ChangeBible, ShowBible,
    ChangeLook, SetSchedule, ChangeApprovers, Status, Figures, Audit, Diff, Undo, StartOver, Continuity, PersonaPool,
    Render, Question, Greeting, Help, OutOfScope, Unclear, Passthrough)}
# Which actions each stage accepts from a model (tools scoped to the stage); the offline understander is checked
# against the same table.
# Every stage answers these (the graph's dispatcher: agent/graph/actions/common.py).
ANYWHERE = ("bible_change", "bible_show", "approvers", "audit", "status", "figures", "diff", "start_over",
            "continuity", "persona_pool", "render", "question", "greeting", "help", "out_of_scope", "passthrough",
            "unclear")
STAGE_ACTIONS: dict[str, tuple[str, ...]] = {
    "brief": ("set_brief", "defer", "proceed", *ANYWHERE),
    "arc": ("set_brief", "proceed", "defer", "revise_episodes", "swap_character", "undo", *ANYWHERE),
    "cast": ("choose_option", "change_lead", "defer", "proceed", "swap_character", *ANYWHERE),
    "look": ("look_change", "proceed", "defer", "change_lead", *ANYWHERE),
    "review": ("schedule", "revise_episodes", "change_lead", *ANYWHERE),
}
OUT_OF_SCOPE_REASON = ("I only make mini-drama seasons here — briefs, arcs, casting, the look, renders and their "
                       "schedule; I can't help with that")
NEVER_FROM_CHAT = ("approving or publishing is a human vote on each episode's card (a thumbs-up from an approver), "
                   "never something I do from a chat message")
