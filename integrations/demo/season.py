"""`cliffhanger demo`: a scripted marketer and approver run a whole season through the emulated Slack workspace.

Everything real runs: the Bolt app over signed HTTP, the LangGraph conversation, huey workers rendering MP4s, the
review gate in the database, the scheduler and the exactly-once publish sweep into the outbox.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import select

from agent.services.metrics import publication_figures
from agent.settings import Settings
from agent.store.models import Episode, Publication, ReviewMessage, Season, Slot
from integrations.demo.campaign import campaign_report, finish_campaign, run_campaign
from integrations.demo.local_stack import LocalStack, ScriptedPerson
from integrations.local_destinations import LocalDestinations, local_destinations, simulate_week
from integrations.metrics_sources import make_metrics_sources
from integrations.slack.emulator import APPROVER_ID, DRAMA_CHANNEL_ID, MARKETER_ID, OTHER_ID

BRIEF = ("New season! We're Lumen Coffee, and our hero product is the Lumen Night Brew cold-brew can. We'd love "
         "something cosy and suspenseful for night-shift nurses: 40 episodes of {seconds} seconds, daily at 6pm New York.")
REVISED_EPISODE = 3
STAND_INS = ("tiktok", "youtube")  # published to local stand-ins of their APIs, labelled as such
SCHEDULE = "schedule daily at 6pm New York: outbox and TikTok at 6pm, YouTube Shorts at 7pm"


def _cards(stack: LocalStack, season_id: int) -> dict[int, tuple[int, str]]:
    """Episode number → (render id, card ts) for each episode's latest posted render."""
    store = stack.runtime.context.store
    with store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        found = {}
        for episode in season.episodes:
            if not episode.renders:
                continue
            render = episode.renders[-1]
            posted = session.scalar(select(ReviewMessage).where(ReviewMessage.render_id == render.id))
            if posted is not None:
                found[episode.number] = (render.id, posted.message_ts)
        return found


def wait_for_new_cards(stack: LocalStack, season_id: int, want: int, console: Console, timeout: float,
                exclude: set[int] | None = None) -> dict[int, tuple[int, str]]:
    """Wait until `want` episodes have a posted card (excluding render ids in `exclude`), printing progress."""
    deadline = time.monotonic() + timeout
    shown = -1
    while True:
        cards = {n: c for n, c in _cards(stack, season_id).items() if not exclude or c[0] not in exclude}
        if len(cards) != shown:
            shown = len(cards)
            console.print(f"  [cyan]rendered and posted for review: {shown}/{want}[/]")
        if len(cards) >= want:
            return cards
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(cards)}/{want} episodes were posted within {timeout:.0f}s")
        time.sleep(0.5)


def run_demo(out_dir: Path, episodes: int = 8, seconds: int = 40, console: Console | None = None) -> dict[str, Any]:
    """Run the whole season; write report.json and thread.html into out_dir; return the report."""
    console = console or Console()
    out_dir = out_dir.resolve()
    home = out_dir / "home"
    for stale in (home, out_dir / "outbox"):
        shutil.rmtree(stale, ignore_errors=True)
    started = time.monotonic()
    # TikTok and YouTube are local stand-ins speaking their APIs on 127.0.0.1 (issue 15), beside the outbox
    with local_destinations(STAND_INS) as local, LocalStack(Settings(
            CLIFFHANGER_HOME=home, CLIFFHANGER_OUTBOX=out_dir / "outbox", DATABASE_URL=None, GOOGLE_API_KEY=None,
            REDIS_URL=None, CLIFFHANGER_PUBLISHERS=",".join(("outbox", *STAND_INS)), **local.values())) as stack:
        store = stack.runtime.context.store
        marketer = ScriptedPerson(stack, MARKETER_ID)
        send = stack.sender
        console.rule("[bold]Cliffhanger demo — a whole season through the emulated Slack workspace")
        console.print(f"[dim]Slack emulator {stack.emulator.base_url} · Bolt app {stack.server.url}[/]")
        console.print(f"[dim]Destinations: outbox, {', '.join(local.label(p) for p in STAND_INS)}[/]")

        console.print("[bold]1. Brief[/] (with a mistake: 40 episodes)")
        reply = marketer.start(BRIEF.format(seconds=seconds), expect="nothing you told me is lost")
        console.print(f"  bot: {reply['text'].splitlines()[1]}")
        marketer.say(f"Sorry — {episodes} episodes.", expect="to cast the lead", timeout=120)
        console.print(f"  bot drafted the arc ({episodes} episodes, offline draft)")
        marketer.say(f"add <@{APPROVER_ID}> as approver", expect="is now an approver")
        console.print("  approver added: Arjun")
        marketer.say("make episode 2 darker", expect="revised")
        console.print("  revised episode 2 (targeted edit)")

        console.print("[bold]2. Casting[/]")
        marketer.say("looks good", expect="lock your lead")
        marketer.say("2", expect="lock it")
        console.print("  lead #2 locked; look preview posted")

        console.print("[bold]3. Look-lock and render[/]")
        marketer.say("lock it", expect="locked. Rendering")
        with store.session() as session:
            season_id = session.scalar(select(Season.id).where(Season.thread_ts == marketer.thread_ts))
        assert season_id is not None
        cards = wait_for_new_cards(stack, season_id, episodes, console, timeout=60 * episodes)

        console.print("[bold]4. Review in the thread[/]")
        _render_id, first_ts = cards[1]
        send.reaction_added(OTHER_ID, "+1", DRAMA_CHANNEL_ID, first_ts)
        stack.emulator.wait_for_call("chat.postEphemeral", timeout=30)
        console.print("  Olly (not an approver) reacted :+1: on Ep 1 → ignored, told why (ephemeral)")
        for number, (_rid, ts) in sorted(cards.items()):
            if number == REVISED_EPISODE:
                send.reaction_added(APPROVER_ID, "-1", DRAMA_CHANNEL_ID, ts)
                marketer.wait_for_bot("asked for changes", after=ts, timeout=30)
                reviewer = ScriptedPerson(stack, APPROVER_ID, thread_ts=marketer.thread_ts)
                reviewer.say(f"Ep {REVISED_EPISODE}: make the ending darker", expect="revised", timeout=60)
                console.print(f"  Arjun :-1: Ep {REVISED_EPISODE} + note → revised, re-rendering")
            else:
                send.reaction_added(APPROVER_ID, "+1::skin-tone-3" if number % 2 else "+1", DRAMA_CHANNEL_ID, ts)
        old_render = cards[REVISED_EPISODE][0]
        recut = wait_for_new_cards(stack, season_id, 1, console, timeout=180, exclude={rid for rid, _ in cards.values()})
        send.reaction_added(APPROVER_ID, "+1", DRAMA_CHANNEL_ID, recut[REVISED_EPISODE][1])
        console.print(f"  Ep {REVISED_EPISODE} v2 posted (render {old_render} superseded) and approved")
        marketer.wait_for_bot("episodes are approved", after=first_ts, timeout=60)

        console.print("[bold]5. Schedule and publish[/]")
        marketer.say(SCHEDULE, expect="Scheduled")
        console.print("  preflight shown per destination; outbox + TikTok at 18:00, YouTube Shorts at 19:00")
        with store.session() as session:
            slot_times = sorted(set(session.scalars(select(Slot.publish_at).join(Episode).where(
                Episode.season_id == season_id)).all()))
        run_campaign(stack, season_id, console)
        for at in slot_times:  # the worker's minutely sweep, on a simulated clock
            now = at + timedelta(minutes=1)
            first = stack.runtime.publish_due(now)
            again = stack.runtime.publish_due(now)
            console.print(f"  simulated clock {now:%Y-%m-%d %H:%M} UTC: published {first.published}, "
                          f"second sweep published {again.published}")
        finish_campaign(stack, season_id, slot_times[-1], console)
        funnel = show_figures(stack, local, marketer, season_id, slot_times[0], episodes, out_dir, console)
        report = build_report(stack, season_id)
        report["destinations"] = {"outbox": "outbox folder", **{p: local.label(p) for p in STAND_INS}}
        report["funnel"] = funnel
        thread_path = write_thread_html(stack, marketer.thread_ts or "", out_dir)
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2))
    console.rule("[bold green]Season complete")
    console.print(f"report: {out_dir / 'report.json'}")
    if thread_path:
        console.print(f"thread: {thread_path} (open it in a browser to see the Slack thread)")
    return report


def build_report(stack: LocalStack, season_id: int) -> dict[str, Any]:
    """The report.json contract of the walking skeleton."""
    store = stack.runtime.context.store
    from agent.services.approvals import counted_approvers

    figures = publication_figures(store, season_id)
    with store.session() as session:
        season = session.get(Season, season_id)
        assert season is not None
        episodes = []
        for ep in season.episodes:
            render = ep.renders[-1] if ep.renders else None
            slot = session.scalar(select(Slot).where(Slot.episode_id == ep.id))
            publication = session.scalar(select(Publication).where(
                Publication.slot_id == slot.id, Publication.status == "PUBLISHED")) if slot else None
            episodes.append({
                "number": ep.number, "title": ep.title, "status": ep.status,
                "video": render.video_path if render else None,
                "duration_s": round(render.duration_s, 1) if render and render.duration_s else None,
                "width": render.width if render else None, "height": render.height if render else None,
                "approved_by": counted_approvers(session, render, season) if render else [],
                "revisions": max(0, len(ep.renders) - 1),
                "publish_at": slot.publish_at.isoformat() if slot else None,
                "outbox": publication.location if publication else None,
                "continuity": (render.report or {}).get("summary") if render else None,
                "shots": (render.report or {}).get("shots", []) if render else [],  # type, characters, location
                "campaign": campaign_report(session, ep),
                "publications": figures.get(ep.number, []),  # per destination, with its latest figures
            })
        result = {"season": {"id": season.id, "title": season.title, "status": season.status},
                  "episodes": episodes}
    emulator = stack.emulator
    result["slack"] = {"messages_posted": len(emulator.calls_to("chat.postMessage")),
                       "files_uploaded": len(emulator.calls_to("files.completeUploadExternal"))}
    return result


def show_figures(stack: LocalStack, local: LocalDestinations, marketer: ScriptedPerson, season_id: int,
                 first_drop: datetime, episodes: int, out_dir: Path, console: Console) -> dict[str, Any]:
    """A simulated week of views on the stand-ins, pulled as the hourly job does; then "how are we doing?" in the
    thread, answered with the funnel chart (copied to out/funnel.png) — what report.json's "funnel" says."""
    console.print("[bold]7. A week of views (local stand-ins) and “how are we doing?”[/]")
    sources = make_metrics_sources(stack.runtime.publishers, **local.values())
    days = max(7, episodes)  # the last episode is out for at least a day
    pulls = simulate_week(local, stack.runtime.context.store, season_id, sources, start=first_drop, days=days)
    console.print(f"  {days} simulated days, figures pulled after each: {pulls[-1].stored}")
    uploads = len(stack.emulator.calls_to("files.completeUploadExternal"))
    reply = marketer.say("how are we doing?", expect="is doing", timeout=60)
    stack.emulator.wait_for_call("files.completeUploadExternal",
                                 lambda c: "Season funnel" in str(c.params), timeout=30)
    assert len(stack.emulator.calls_to("files.completeUploadExternal")) > uploads
    chart = next(f for f in reversed(stack.emulator.files()) if f.name.startswith("funnel-season-"))
    png = out_dir / "funnel.png"
    png.parent.mkdir(parents=True, exist_ok=True)
    png.write_bytes(chart.data)
    console.print(f"  bot: {reply['text'].splitlines()[0]} (+ funnel chart {png.name})")
    return {"png": str(png), "text": reply["text"], "pulls": [p.stored for p in pulls]}


def write_thread_html(stack: LocalStack, thread_ts: str, out_dir: Path) -> Path | None:
    """The recorded thread as a page that looks like Slack (when the emulator can render it)."""
    try:
        from integrations.slack.emulator.thread_html import render_thread_html
    except ImportError:
        return None
    return render_thread_html(stack.emulator, DRAMA_CHANNEL_ID, thread_ts, out_dir / "thread.html")
