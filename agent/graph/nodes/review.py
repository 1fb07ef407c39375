"""Review stage: change notes become scoped redos, "approve 4–6" asks for confirmation, "schedule …" books slots.

Approvals never pass through the model: reactions and buttons go to agent.services.review, and a batch typed here
is only recorded after an explicit "yes" (or the Confirm button), through the same `vote` as a reaction. A note
quoting an episode is a change request by its author (approvers only); its scope — script, look/shot, voice — is
read from its words, and the reply says what will be redone and about how long it takes before anything re-runs.
"""

from __future__ import annotations

import re

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.context import TurnContext
from agent.domain import Arc, Brief, Cadence
from agent.graph.nodes.common import ask_again, handle_common, say
from agent.graph.replies import revision_summary
from agent.graph.state import SeasonState
from agent.ports import Intent
from agent.services import seasons
from agent.services.approvals import latest_render
from agent.services.batch import CANCEL, CONFIRM, BatchError, parse_batch, pending_batch, request_batch
from agent.services.campaign_chat import campaign_command
from agent.services.production import plan_renders
from agent.services.review import (
    Outcome,
    older_posted_renders,
    open_change_requests,
    open_requests_of_episode,
    refresh_cards,
    vote,
)
from agent.services.review_notes import answer_batch
from agent.services.revisions import ChangeScope, classify_scope, plan_rerender, redo_plan
from agent.store.models import BatchApproval, Season, utcnow

CONFIRM_RELEASE = re.compile(r"^(confirm|release it)\b[.!]?$", re.IGNORECASE)
EPISODE_REF = re.compile(r"\b(?:ep(?:isode)?\.?\s*)(\d{1,2})\b", re.IGNORECASE)
NOTE_PREFIX = re.compile(r"^\s*ep(?:isode)?\.?\s*\d{1,2}\s*[:,.\-–—]\s*", re.IGNORECASE)  # "Ep 3: …" → "…"


def record_note(ctx: TurnContext, season_id: int, number: int, note: str) -> bool:
    """The note as a change request by its author on the episode's current render; False when refused."""
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        episode = next(e for e in season.episodes if e.number == number)
        render = latest_render(episode)
        if render is None:
            return True  # nothing rendered yet: a plain script revision
        decision = vote(session, render=render, user_id=ctx.user_id, approve=False, via="thread", note=note)
    if decision.outcome != Outcome.CHANGES_REQUESTED:
        say(ctx, decision.message or f"I can't take changes on Ep {number} right now.")
        return False
    refresh_cards(ctx.app.store, ctx.app.channel, decision.refresh_cards)  # "changes requested by …"
    return True


def redo(ctx: TurnContext, season_id: int, number: int, note: str) -> None:
    """Announce the scoped redo (what and about how long), then re-write and/or re-render Ep `number`."""
    reading = classify_scope(note)
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        arc = Arc.model_validate(season.arc)
        bible = seasons.current_bible(session, season)
        episode = next(e for e in season.episodes if e.number == number)
        current = latest_render(episode)
        duration = (current.duration_s if current and current.duration_s else
                    arc.episodes[number - 1].estimated_duration_s)
    plan = redo_plan(reading.scope, number, duration)
    say(ctx, plan.announce())
    render_ids: list[int] = []
    if reading.scope == ChangeScope.SCRIPT:
        before = arc.episodes[number - 1]
        after = ctx.app.brain.revise_episode(arc, number, note, bible)
        new_arc = arc.model_copy(update={"episodes": [after if e.number == number else e for e in arc.episodes]})
        with ctx.app.store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            seasons.save_arc(session, season, new_arc)
            seasons.audit(session, season_id, ctx.user_id, "episode.revised",
                          {"episode": number, "note": note, "scope": reading.scope.value})
        render_ids = plan_renders(ctx.app.store, season_id, [number])
        say(ctx, revision_summary(before, after) + f"\nRe-rendering Ep {number} now; the new version will be posted "
                 "here and needs a fresh approval.")
    if not render_ids:  # look/voice change, or a rewrite that left the render inputs identical
        render_ids = [plan_rerender(ctx.app.store, season_id, number)]
        with ctx.app.store.session() as session:
            seasons.audit(session, season_id, ctx.user_id, "episode.rerender",
                          {"episode": number, "note": note, "scope": reading.scope.value})
        if reading.scope != ChangeScope.SCRIPT:
            say(ctx, f"Ep {number} queued: {plan.what}. The new version will be posted here and needs a fresh "
                     "approval.")
    supersede_and_resolve(ctx, season_id, number, note, reading.scope)
    for render_id in render_ids:
        ctx.app.enqueue_render(render_id)


def supersede_and_resolve(ctx: TurnContext, season_id: int, number: int, note: str, scope: ChangeScope) -> None:
    """Resolve the episode's open change requests and mark its older cards superseded (they can't be voted on)."""
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        episode = next(e for e in season.episodes if e.number == number)
        for request in open_requests_of_episode(session, episode):
            request.resolved_at = utcnow()
            request.note = request.note or note
            request.scope = scope.value if request.scope == "pending" else request.scope
        older = older_posted_renders(session, episode)
    refresh_cards(ctx.app.store, ctx.app.channel, older)


def handle_batch(ctx: TurnContext, season_id: int, text: str) -> bool:
    """"approve 4–6" → a confirmation question; "yes"/"cancel" answers the person's pending one.

    The question is Block Kit (Confirm / Cancel buttons) because that is the review channel's message format;
    the port carries blocks plus a fallback text, so the terminal shows the text and takes a typed "yes".
    """
    from integrations.slack.blocks.review_card import batch_confirm_blocks, batch_question_text

    numbers = parse_batch(text)
    if numbers:
        with ctx.app.store.session() as session:
            season = session.get(Season, season_id)
            assert season is not None
            try:
                question = request_batch(session, season, ctx.user_id, numbers)
            except BatchError as error:
                say(ctx, str(error))
                return True
        posted = ctx.app.channel.post_blocks(
            ctx.thread, batch_question_text(ctx.user_id, question.episodes, question.skipped),
            batch_confirm_blocks(question.batch_id, ctx.user_id, question.episodes, question.skipped))
        with ctx.app.store.session() as session:
            row = session.get(BatchApproval, question.batch_id)
            assert row is not None
            row.message_ts = posted.ts
        return True
    confirm, cancel = bool(CONFIRM.match(text)), bool(CANCEL.match(text))
    if not (confirm or cancel):
        return False
    with ctx.app.store.session() as session:
        batch = pending_batch(session, season_id, ctx.user_id)
        batch_id = batch.id if batch else None
    if batch_id is None:
        return False
    try:
        answer_batch(ctx.app.store, ctx.app.channel, ctx.thread, batch_id, ctx.user_id, confirm=confirm)
    except BatchError as error:
        say(ctx, str(error))
    return True


def schedule_from_text(ctx: TurnContext, season_id: int, text: str) -> None:
    """Book release slots for the approved season on the cadence (and unlock plan, mode…) the marketer asked for."""
    from agent.services.scheduling import schedule_from_text as plan

    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        brief = Brief.model_validate(season.brief)
    parsed = ctx.app.brain.extract_brief(text, {"cadence": brief.cadence.model_dump(mode="json")})
    cadence = Cadence.model_validate(parsed.get("cadence") or brief.cadence.model_dump(mode="json"))
    outcome = plan(ctx.app.store, season_id, text, cadence=cadence, publishers=ctx.app.publishers,
                   actor=ctx.user_id)
    say(ctx, outcome.text)


def confirm_release(ctx: TurnContext, season_id: int) -> None:
    """Confirm mode: an approver's "confirm" releases the due slot(s) — checked against the approver list."""
    from agent.services.scheduling import awaiting_confirmation, confirm_slot

    with ctx.app.store.session() as session:
        waiting = awaiting_confirmation(session, season_id)
        if not waiting:
            say(ctx, "Nothing is waiting for a release confirmation right now.")
            return
        result = confirm_slot(session, waiting[0], ctx.user_id)
    say(ctx, result.text)


def review_stage(state: SeasonState, runtime: Runtime[TurnContext]) -> Command:
    """Handle notes, batch approvals, schedule requests and questions while episodes are in review."""
    text: str = interrupt({"stage": "review"})
    ctx = runtime.context
    season_id = state["season_id"]
    if handle_batch(ctx, season_id, text):
        return Command(goto="review")
    if campaign_command(ctx.app.store, ctx.app.channel, ctx.app.enqueue_campaign, season_id=season_id,
                        user_id=ctx.user_id, text=text):
        return Command(goto="review")  # about a teaser/carousel/quote/write-up or the campaign plan
    interp = ctx.app.brain.interpret(text, "review")
    handled = handle_common(ctx, dict(state), text, interp, "review")
    if handled is not None:
        return handled
    if interp.intent == Intent.SCHEDULE:
        schedule_from_text(ctx, season_id, text)
        return Command(goto="review")
    if CONFIRM_RELEASE.match(text.strip()):
        confirm_release(ctx, season_id)
        return Command(goto="review")
    with ctx.app.store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        pending = [(episode.number, request.user_id) for request, episode in open_change_requests(session, season)]
        total = len(season.episodes)
    mentioned = interp.episode or (int(m.group(1)) if (m := EPISODE_REF.search(text)) else None)
    number = mentioned if mentioned else (pending[0][0] if len(pending) == 1 else None)
    if number is not None and (pending or interp.intent == Intent.REVISE) and 1 <= number <= total:
        note = NOTE_PREFIX.sub("", interp.note or text).strip() or text
        if record_note(ctx, season_id, number, note):
            redo(ctx, season_id, number, note)
        return Command(goto="review")
    if pending:
        episodes = ", ".join(f"Ep {n}" for n, _ in pending)
        return ask_again(ctx, "review", f"Changes are requested on {episodes} — which episode is this note for?")
    return ask_again(ctx, "review", "Approve episodes with :+1: on their cards (or *approve 4–6*), ask for changes "
                                    "with :-1: and a note, or say *schedule daily at 6pm*.")
