"""How far one :+1: travels: the project modules and database sessions a reaction passes through, from the Slack
reaction listener to the card refresh, the campaign start and the thread notes.

Runs the real listener body on a migrated SQLite store with a season in review (two episodes, one approver); the
review channel is a recorder (the Slack Web API is not part of the count). Point `--root` at another checkout to
measure it the same way (e.g. the code before the application layer: `git archive <commit> | tar -x -C /tmp/x`).

    python bench/vote_path.py [--root DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any


class Recorder:
    """Every ReviewChannel method, old or new: records the call, returns a posted message where one is expected."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        from agent.ports import PostedMessage

        def record(*_args: Any, **_kwargs: Any) -> Any:
            self.calls.append(name)
            return PostedMessage(channel_id="C", ts=f"1800000000.{len(self.calls):06d}")

        return record


def build(store: Any, tmp: Path) -> tuple[int, str]:
    """A season in review: creator + one approver, two episodes with DONE renders and posted cards."""
    from agent.domain import EpisodeScript, LeadLock, Line, LookSpec
    from agent.services.seasons import look_hash
    from agent.store.models import Approver, Episode, Look, Render, ReviewMessage, ScriptVersion, Season

    with store.session() as session:
        season = Season(thread_key="T:C:1.0", team_id="T", channel_id="C", thread_ts="1.0", title="Bench",
                        status="REVIEW", created_by="U_MAYA", quorum=1)
        season.approvers.extend([Approver(user_id="U_MAYA"), Approver(user_id="U_ARJUN")])
        season.lead = LeadLock(persona_id=1, name="M", portrait_path="", portrait_hash="a", seed=1).model_dump()
        session.add(season)
        session.flush()
        look = Look(season_id=season.id, version=1, spec=LookSpec().model_dump(mode="json"),
                    content_hash=look_hash(LookSpec()))
        session.add(look)
        session.flush()
        for number in (1, 2):
            script = EpisodeScript(number=number, title=f"E{number}", cold_open="a", beat="b", cliffhanger="c",
                                   product_moment="d", lines=[Line(speaker="M", text="hi")])
            episode = Episode(number=number, title=f"E{number}", status="IN_REVIEW")
            season.episodes.append(episode)
            episode.scripts.append(ScriptVersion(version=1, script=script.model_dump(mode="json")))
            session.flush()
            render = Render(episode=episode, script_version_id=episode.scripts[0].id, look_id=look.id,
                            input_hash=f"h{number}", status="DONE", video_path=str(tmp / "v.mp4"), duration_s=10.0,
                            report={"passed": True, "summary": "ok"})
            session.add(render)
            session.flush()
            session.add(ReviewMessage(render_id=render.id, channel_id="C", message_ts=f"17.{number}",
                                      thread_ts="1.0"))
        return season.id, "17.1"


def measure(root: Path) -> dict[str, Any]:
    """Modules and sessions of one approving :+1: through the reaction listener."""
    sys.path.insert(0, str(root))
    from agent.artifacts import LocalArtifactStore
    from agent.brain.offline import OfflineBrain
    from agent.context import AppContext
    from agent.settings import Settings
    from agent.store.db import Store
    from integrations.slack.deps import SlackDeps
    from integrations.slack.listeners.events import reactions

    tmp = Path(tempfile.mkdtemp(prefix="vote-path-"))
    settings = Settings(CLIFFHANGER_HOME=tmp / "home", DATABASE_URL=None, GOOGLE_API_KEY=None)
    store = Store.open(settings.effective_database_url)
    _season_id, ts = build(store, tmp)
    app = AppContext(settings=settings, store=store, brain=OfflineBrain(), channel=Recorder(),  # type: ignore[arg-type]
                     enqueue_render=lambda _id: None, make_portrait=lambda *_: tmp, make_preview=lambda *_: tmp,
                     artifacts=LocalArtifactStore(settings.artifacts_dir))
    sessions = 0
    opened = store.session

    def counting_session():  # type: ignore[no-untyped-def]
        nonlocal sessions
        sessions += 1
        return opened()

    store.session = counting_session  # type: ignore[method-assign]
    modules: list[str] = []
    crossings: list[tuple[str, str]] = []  # (caller module, callee module) across integrations/ ⇄ agent/
    prefixes = tuple(str(root / part) + "/" for part in ("agent", "integrations", "tools"))

    def profile(frame: Any, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename.startswith(prefixes):
            name = str(Path(frame.f_code.co_filename).relative_to(root))
            if name not in modules:
                modules.append(name)
            caller = frame.f_back.f_code.co_filename if frame.f_back is not None else ""
            if caller.startswith(prefixes):
                pair = (str(Path(caller).relative_to(root)), name)
                layers = {pair[0].split("/")[0], pair[1].split("/")[0]}
                if layers == {"agent", "integrations"} and pair not in crossings:
                    crossings.append(pair)

    event = {"type": "reaction_added", "user": "U_ARJUN", "reaction": "+1",
             "item": {"type": "message", "channel": "C", "ts": ts}}
    sys.setprofile(profile)
    try:
        reactions._handle(SlackDeps(app=app, conversation=None), event, True)  # type: ignore[arg-type]
    finally:
        sys.setprofile(None)
    return {"root": str(root), "modules": len(modules), "sessions": sessions, "path": modules,
            "crossings": len(crossings), "crossing_pairs": crossings,
            "channel_calls": app.channel.calls}  # type: ignore[attr-defined]


def main() -> None:
    """Print the count (and the modules, in first-call order)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.root.resolve())
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"one :+1: → {result['modules']} project modules, {result['sessions']} database sessions, "
          f"{result['crossings']} integrations⇄agent hops (channel: {', '.join(result['channel_calls'])})")
    for name in result["path"]:
        print(f"  {name}")
    for caller, callee in result["crossing_pairs"]:
        print(f"  hop: {caller} → {callee}")


if __name__ == "__main__":
    main()
