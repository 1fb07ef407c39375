"""Per-shot change requests (issue 13 §7): "ep 2 shot 4: close-up on Ronan instead" edits that shot of the
storyboard the cut used, saves it as a new script version, and re-renders only that episode.

The season is in review with each cut's storyboard recorded on its render (as the animatic renderer reports it);
the use case, the review node's parsing, the store and the render request built for the new cut are the real code.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from agent.app.changes import request_change
from agent.app.events import ChangesRequested, RendersQueued
from agent.brain.storyboard import storyboard_of, write_storyboard
from agent.context import TurnContext
from agent.domain import EpisodeScript, Line, ShotType, Storyboard
from agent.graph.nodes.review import handle_command
from agent.ports import ThreadRef
from agent.services import seasons
from agent.services.production import build_request
from agent.store.models import AuditEntry, ChangeRequest, Episode, Render
from tests.app.conftest import APPROVER, BYSTANDER, CHANNEL, THREAD, Harness, build_season

TWO_HANDER = EpisodeScript(
    number=2, title="Night 2", cold_open="Maya finds the office door open.", beat="Ronan was waiting.",
    cliffhanger="The lights go out.", product_moment="She opens a Lumen can.",
    lines=[Line(speaker="Maya", text="Who left this open?"), Line(speaker="Ronan", text="I did. We need to talk."),
           Line(speaker="Maya", text="Not tonight. I have a shift."), Line(speaker="Ronan", text="It's about Ivy."),
           Line(speaker="Maya", text="Then talk fast."), Line(speaker="Ronan", text="She knows.")])


def _season_with_storyboards(harness: Harness, tmp_path: Path) -> tuple[int, Storyboard]:
    """Three episodes in review; Ep 2 is a two-hander whose render recorded the shots it was drawn with."""
    made = build_season(harness.app.store, tmp_path)
    board = write_storyboard(TWO_HANDER, "Maya", ["office", "street-night"], 13.0)
    with harness.app.store.session() as session:
        render = session.get_one(Render, made.render_ids[2])
        render.episode.scripts[0].script = TWO_HANDER.model_dump(mode="json")
        render.meta = {"storyboard": board.model_dump(mode="json")}
    return made.season_id, board


def _episode(harness: Harness, season_id: int, number: int) -> Episode:
    with harness.app.store.session() as session:
        episode = session.scalar(select(Episode).where(Episode.season_id == season_id, Episode.number == number))
        assert episode is not None
        for row in [*episode.scripts, *episode.renders]:
            session.expunge(row)
        session.expunge(episode)
        return episode


def test_a_shot_note_edits_that_shot_and_re_renders_only_its_episode(harness: Harness, tmp_path: Path) -> None:
    season_id, before = _season_with_storyboards(harness, tmp_path)
    shot4 = before.shots[3]
    assert shot4.type != ShotType.CLOSE_UP or shot4.names != ["Ronan"]  # the note really changes something
    events = request_change(harness.app, user_id=APPROVER, note="ep 2 shot 4: close-up on Ronan instead",
                            via="thread", season_id=season_id, number=2)
    assert any(isinstance(e, ChangesRequested) for e in events)
    [queued] = [e for e in events if isinstance(e, RendersQueued)]

    episode = _episode(harness, season_id, 2)
    assert [s.version for s in episode.scripts] == [1, 2]
    after = storyboard_of(episode.scripts[-1].script)
    assert after is not None
    assert after.shots[3].type == ShotType.CLOSE_UP and after.shots[3].names == ["Ronan"]
    assert after.shots[:3] == before.shots[:3] and after.shots[4:] == before.shots[4:]  # only that shot
    assert EpisodeScript.model_validate(episode.scripts[-1].script) == TWO_HANDER  # the words are unchanged

    # only Ep 2 is re-rendered, from the new version, and the renderer is handed the edited shots
    assert harness.renders == list(queued.render_ids) and len(queued.render_ids) == 1
    new = next(r for r in episode.renders if r.id == queued.render_ids[0])
    assert new.script_version_id == episode.scripts[-1].id and new.status == "QUEUED"
    for other in (1, 3):
        assert len(_episode(harness, season_id, other).renders) == 1
    request = build_request(harness.app.store, new.id, tmp_path / "art", "ultrafast", harness.app.artifacts)
    assert request.storyboard is not None and request.storyboard.shots[3].names == ["Ronan"]

    said = harness.channel.said()
    assert any("Ep 2 shot 4: close-up, on Ronan" in s and "re-rendering Ep 2 only" in s for s in said)
    with harness.app.store.session() as session:
        change = session.scalar(select(ChangeRequest).where(ChangeRequest.render_id == episode.renders[0].id))
        assert change is not None and change.resolved_at is not None and change.scope == "look"
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "episode.shot_changed")) is not None
    assert any(card.render_id == episode.renders[0].id and card.state == "SUPERSEDED"
               for card in harness.channel.of("update_card"))

    # a later save of the unchanged script (another episode revised) keeps the edited shots
    with harness.app.store.session() as session:
        row = session.scalar(select(Episode).where(Episode.season_id == season_id, Episode.number == 2))
        assert row is not None
        kept = seasons.add_script_version(session, row, TWO_HANDER, note="arc")
        assert kept.version == 2 and storyboard_of(kept.script) == after


def test_a_note_that_cannot_be_applied_is_answered_and_records_nothing(harness: Harness, tmp_path: Path) -> None:
    season_id, board = _season_with_storyboards(harness, tmp_path)
    for note, reason in ((f"ep 2 shot {len(board.shots) + 5}: wide", f"has shots 1–{len(board.shots)}"),
                         ("ep 2 shot 3: make it sing", "couldn't tell what to change in shot 3"),
                         ("ep 2 shot 4: cut it", "would break the episode's format (the product never appears"),
                         ("ep 1 shot 2: wide", "Ep 1 has no shots to change yet")):
        assert request_change(harness.app, user_id=APPROVER, note=note, via="thread", season_id=season_id,
                              number=int(note[3])) == []
        assert reason in harness.channel.said()[-1]
    assert harness.renders == []
    with harness.app.store.session() as session:
        assert session.scalars(select(ChangeRequest)).all() == []
    assert [s.version for s in _episode(harness, season_id, 2).scripts] == [1]


def test_a_bystander_cannot_change_a_shot(harness: Harness, tmp_path: Path) -> None:
    season_id, _board = _season_with_storyboards(harness, tmp_path)
    request_change(harness.app, user_id=BYSTANDER, note="ep 2 shot 4: wide", via="thread", season_id=season_id,
                   number=2)
    assert harness.renders == [] and [s.version for s in _episode(harness, season_id, 2).scripts] == [1]


def test_the_review_stage_reads_ep_n_shot_m(harness: Harness, tmp_path: Path) -> None:
    season_id, _board = _season_with_storyboards(harness, tmp_path)
    ctx = TurnContext(app=harness.app, thread=ThreadRef(channel_id=CHANNEL, thread_ts=THREAD), user_id=APPROVER)
    assert handle_command(ctx, season_id, "shot 4: wide")  # no episode named, none with changes requested
    assert "Which episode is that shot in?" in harness.channel.said()[-1] and harness.renders == []
    assert handle_command(ctx, season_id, "Ep 2 shot 4: close-up on Ronan instead")
    assert len(harness.renders) == 1
    assert storyboard_of(_episode(harness, season_id, 2).scripts[-1].script).shots[3].names == ["Ronan"]
    assert not handle_command(ctx, season_id, "Ep 3: make the ending darker")  # not a shot note: the model's


def test_the_change_modal_on_a_card_takes_a_shot_note_for_that_card(harness: Harness, tmp_path: Path) -> None:
    season_id, _board = _season_with_storyboards(harness, tmp_path)
    old = _episode(harness, season_id, 2).renders[0].id
    events = request_change(harness.app, user_id=APPROVER, note="shot 2: wide, push in", via="modal", render_id=old)
    assert any(isinstance(e, RendersQueued) for e in events) and len(harness.renders) == 1
    shots = storyboard_of(_episode(harness, season_id, 2).scripts[-1].script).shots
    assert shots[1].type == ShotType.WIDE and shots[1].camera.value == "push-in"
    with harness.app.store.session() as session:
        change = session.scalar(select(ChangeRequest).where(ChangeRequest.render_id == old))
        assert change is not None and change.note == "shot 2: wide, push in"
