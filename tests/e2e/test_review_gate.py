"""The review gate through the real Bolt app over signed HTTP against the Slack emulator, on one rendered season.

One 8 × 15 s season is rendered once for the module; each test works on its own episodes so they can share it:
reactions (non-approver, skin tones, withdrawal, :-1: + note), buttons and the change modal, quorum and roles,
batch approval with confirmation, and the status answer with its board PNG. Assertions read what people saw (the
emulator's record) and what was decided (the database).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from agent.settings import Settings
from agent.store.models import Approval, AuditEntry, ChangeRequest, Episode, Render, Season
from integrations.demo.local_stack import LocalStack, ScriptedPerson
from integrations.slack.emulator import APPROVER_ID, DRAMA_CHANNEL_ID, MARKETER_ID, OTHER_ID, FakeUser
from tests.e2e.helpers import wait_for_cards, wait_until_idle

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

DANA_ID = "U_DANA"
BRIEF = ("Brand: Lumen Coffee. Product: Lumen Night Brew can. Audience: night-shift nurses. "
         "8 episodes, 15 seconds each, daily at 6pm New York.")
T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 30, what: str = "condition") -> T:
    """Poll `check` until it returns something truthy (listeners run after the ack, so results arrive later)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout}s")
        time.sleep(0.2)


@dataclass
class Season8:
    """The shared season: the stack, the people, and each episode's first card."""

    stack: LocalStack
    marketer: ScriptedPerson
    approver: ScriptedPerson
    season_id: int
    cards: dict[int, tuple[int, str]]  # episode → (render id, card ts)

    def card(self, ts: str) -> dict[str, Any]:
        """The card message as people see it now."""
        message = self.stack.emulator.message(DRAMA_CHANNEL_ID, ts)
        assert message is not None
        return message

    def card_says(self, ts: str, *needles: str, timeout: float = 30) -> str:
        """Wait until the card's blocks contain every needle; returns the blocks as text."""
        def shows() -> str:
            text = str(self.card(ts).get("blocks"))
            return text if all(n in text for n in needles) else ""

        return eventually(shows, timeout, f"card {ts} showing {needles}")

    def episode(self, number: int) -> tuple[str, list[Render]]:
        """(status, renders) of an episode from the database."""
        with self.stack.runtime.context.store.session() as session:
            episode = session.scalar(select(Episode).where(Episode.season_id == self.season_id,
                                                           Episode.number == number))
            assert episode is not None
            renders = list(episode.renders)
            for render in renders:
                session.expunge(render)
            return episode.status, renders

    def status_is(self, number: int, status: str, timeout: float = 30) -> None:
        """Wait for an episode's status."""
        try:
            eventually(lambda: self.episode(number)[0] == status, timeout, f"Ep {number} {status}")
        except TimeoutError as error:  # say where it is instead, so a failure under load can be read
            now, renders = self.episode(number)
            seen = [(r.id, r.status, r.kind) for r in renders]
            raise TimeoutError(f"{error}; it is {now}, renders {seen}") from None

    def bot_says(self, needle: str, after: str, timeout: float = 60) -> dict[str, Any]:
        """The first bot message in the thread after `after` containing `needle`."""
        return self.marketer.wait_for_bot(needle, after=after, timeout=timeout)

    def new_card(self, number: int, old_render: int, timeout: float = 120) -> tuple[int, str]:
        """(render id, card ts) of the episode's newest card once it replaces `old_render`'s."""
        def posted() -> tuple[int, str] | None:
            found = wait_for_cards(self.stack, self.season_id, 0, timeout=1).get(number)
            return found if found and found[0] != old_render else None

        return eventually(posted, timeout, f"a new card for Ep {number}")

    def now_ts(self) -> str:
        """A ts to wait 'after' (the newest message in the thread)."""
        return self.stack.emulator.messages(DRAMA_CHANNEL_ID, self.marketer.thread_ts)[-1]["ts"]


def require_one_worker(request: pytest.FixtureRequest) -> None:
    """Under `-n N --dist loadgroup` this module's tests must all run on one worker: they share one season, in order.

    pytest ≥ 9.2 keeps a node's id in a structured `_id`, and pytest-xdist 3.8 still appends the `@group` suffix to
    the old `_nodeid` attribute, which nothing reads any more (pytest-dev/pytest-xdist#1386): the mark is silently
    ignored, the tests are spread over the workers, each worker builds its own season (and rebuilds it whenever its
    run leaves the module and comes back), and a test finds episodes in the state a *fresh* season has — the "back
    in review" failures. Fail at once, saying so, rather than build a season per worker and flake.
    """
    if not getattr(request.config.option, "loadgroup", False):
        return  # not distributed (or another --dist): the module runs in order in one process
    ours = [item.nodeid for item in request.session.items if item.path == request.path]
    if not all(nodeid.endswith("@e2e") for nodeid in ours):
        pytest.fail("--dist loadgroup is not grouping this module's tests (pytest >= 9.2 with pytest-xdist 3.8, "
                    "pytest-dev/pytest-xdist#1386): they would run on several workers, each with its own season. "
                    "tests/conftest.py must put the xdist_group suffix back on the items' ids (or pin pytest<9.2).")


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Season8]:
    """Brief → arc → lead → look → 8 rendered episodes, each posted with its card."""
    require_one_worker(request)
    root = tmp_path_factory.mktemp("review-gate")
    settings = Settings(CLIFFHANGER_HOME=root / "home", CLIFFHANGER_OUTBOX=root / "outbox", DATABASE_URL=None,
                        GOOGLE_API_KEY=None, REDIS_URL=None,
                        CLIFFHANGER_VIDEO_BACKEND="local")  # module fixtures run before the autouse pin
    with LocalStack(settings) as stack:
        stack.emulator.workspace.add_user(FakeUser(DANA_ID, "dana", "Dana Legal", "Counsel", "#1264a3"))
        marketer = ScriptedPerson(stack, MARKETER_ID)
        first = marketer.start(BRIEF, expect="", timeout=60)
        if "you decide" in first["text"]:  # the intake may offer its defaults before writing
            marketer.say("you decide", expect="to cast the lead", timeout=90)
        else:
            marketer.wait_for_bot("to cast the lead", after=first["ts"], timeout=90)
        marketer.say(f"add <@{APPROVER_ID}> as approver", expect="is now an approver")
        marketer.say("looks good", expect="lock your lead")
        marketer.say("1", expect="lock it")
        marketer.say("lock it", expect="locked. Rendering")
        with stack.runtime.context.store.session() as session:
            season_id = session.scalar(select(Season.id).where(Season.thread_ts == marketer.thread_ts))
        assert season_id is not None
        cards = wait_for_cards(stack, season_id, 8, timeout=300)
        approver = ScriptedPerson(stack, APPROVER_ID, thread_ts=marketer.thread_ts)
        yield Season8(stack, marketer, approver, season_id, cards)


def test_card_content_and_reactions_path(season: Season8) -> None:
    stack, send = season.stack, season.stack.sender
    _render_id, ts = season.cards[1]
    blocks = season.card_says(ts, "review_approve", "review_request_changes")
    assert "Ep 1 ·" in blocks and "Version 1" in blocks and "Waiting for approval" in blocks
    assert re.search(r"Version 1\*? · \d+ s", blocks)  # the real duration (voiced pacing varies by engine)

    # A non-approver's :+1: doesn't count, and they are told why, privately.
    send.reaction_added(OTHER_ID, "+1", DRAMA_CHANNEL_ID, ts)
    note = stack.emulator.wait_for_call("chat.postEphemeral", lambda c: c.params.get("user") == OTHER_ID, 30)
    assert "only this season's approvers" in note.params["text"]
    assert season.episode(1)[0] == "IN_REVIEW"

    # An approver's :+1: (any skin tone) approves; the card shows it in place.
    send.reaction_added(APPROVER_ID, "+1::skin-tone-2", DRAMA_CHANNEL_ID, ts)
    season.status_is(1, "APPROVED")
    season.card_says(ts, "Approved", APPROVER_ID)

    # Taking the reaction back withdraws the approval (the episode isn't published yet).
    after = season.now_ts()
    send.reaction_removed(APPROVER_ID, "+1::skin-tone-2", DRAMA_CHANNEL_ID, ts)
    season.status_is(1, "IN_REVIEW")
    season.bot_says("withdrew their approval of Ep 1", after=after)
    assert "Waiting for approval" in season.card_says(ts, "Waiting for approval")
    with stack.runtime.context.store.session() as session:
        actions = [(a.actor, a.action, a.detail.get("via")) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.season_id == season.season_id).order_by(AuditEntry.id))
            if a.detail.get("episode") == 1 and a.action.startswith("review.")]
    assert actions == [(OTHER_ID, "review.refused", "reaction"), (APPROVER_ID, "review.approved", "reaction"),
                       (APPROVER_ID, "review.withdrawn", "reaction")]


def test_thumbs_down_and_a_note_rewrites_rerenders_and_supersedes(season: Season8) -> None:
    send = season.stack.sender
    old_render, old_ts = season.cards[2]
    after = season.now_ts()
    send.reaction_added(APPROVER_ID, "-1", DRAMA_CHANNEL_ID, old_ts)
    season.bot_says("asked for changes", after=after, timeout=30)
    season.card_says(old_ts, "Changes requested", APPROVER_ID)

    plan = season.approver.say("Ep 2: make the ending darker", expect="script change", timeout=60)
    assert "re-write" in plan["text"] and "About" in plan["text"]
    revised = season.bot_says("revised", after=plan["ts"])
    assert float(revised["ts"]) > float(plan["ts"])  # the plan is said before anything re-runs
    _new_render, new_ts = season.new_card(2, old_render)
    season.card_says(old_ts, "Superseded")
    assert "review_approve" not in str(season.card(old_ts).get("blocks"))  # no voting on an old cut
    assert "Version 2" in season.card_says(new_ts, "Version 2")
    with season.stack.runtime.context.store.session() as session:
        request = session.scalar(select(ChangeRequest).where(ChangeRequest.render_id == old_render))
        assert request is not None and request.scope == "script" and request.resolved_at is not None
        assert "darker" in request.note

    # The new version needs a fresh approval.
    send.reaction_added(APPROVER_ID, "+1", DRAMA_CHANNEL_ID, new_ts)
    season.status_is(2, "APPROVED")


def test_buttons_and_modal_path_with_a_look_change(season: Season8) -> None:
    stack, send = season.stack, season.stack.sender
    old_render, old_ts = season.cards[3]
    send.block_action(APPROVER_ID, "review_request_changes", None, DRAMA_CHANNEL_ID, old_ts)
    eventually(lambda: any(v.get("callback_id") == "change_request_modal" and v.get("user") == APPROVER_ID
                           for v in stack.emulator.views()), 30, "the change modal")
    empty = send.view_submission(APPROVER_ID, {"note": {"note": "  "}})
    assert empty.json()["response_action"] == "errors"

    send.block_action(APPROVER_ID, "review_request_changes", None, DRAMA_CHANNEL_ID, old_ts)
    wait_until_idle(stack)  # the click's listener has opened the modal
    after = season.now_ts()
    send.view_submission(APPROVER_ID, {"note": {"note": "make the logo bigger"}})
    season.bot_says("asked for changes on Ep 3", after=after)
    plan = season.bot_says("look/shot change", after=after)
    assert "same script" in plan["text"] and "About" in plan["text"]
    new_render, new_ts = season.new_card(3, old_render)
    season.card_says(old_ts, "Superseded")
    _status, renders = season.episode(3)
    assert [r.id for r in renders][-2:] == [old_render, new_render]
    assert renders[-1].script_version_id == renders[-2].script_version_id  # same script: re-render only
    assert renders[-1].input_hash != renders[-2].input_hash  # but a new render, not a cache hit

    # Approve by button; the card updates in place, the approval says how it came.
    send.block_action(APPROVER_ID, "review_approve", None, DRAMA_CHANNEL_ID, new_ts)
    season.status_is(3, "APPROVED")
    season.card_says(new_ts, "Approved", APPROVER_ID)
    with stack.runtime.context.store.session() as session:
        approval = session.scalar(select(Approval).where(Approval.render_id == new_render))
        assert approval is not None and approval.via == "button" and approval.user_id == APPROVER_ID
        request = session.scalar(select(ChangeRequest).where(ChangeRequest.render_id == old_render))
        assert request is not None and request.scope == "look" and request.note == "make the logo bigger"


def test_quorum_two_and_a_required_legal_sign_off(season: Season8) -> None:
    send = season.stack.sender
    _render, ts = season.cards[4]
    season.marketer.say(f"add <@{DANA_ID}> as legal approver", expect="is now an approver")
    season.marketer.say("quorum 2", expect="2 approval(s)")
    send.reaction_added(APPROVER_ID, "+1", DRAMA_CHANNEL_ID, ts)
    season.card_says(ts, "1 of 2 approvals", "legal")
    send.reaction_added(MARKETER_ID, "+1", DRAMA_CHANNEL_ID, ts)
    season.card_says(ts, "still needs sign-off from", "legal", MARKETER_ID)
    wait_until_idle(season.stack)  # every reaction's listener has run
    assert season.episode(4)[0] == "IN_REVIEW"  # two approvals, but no legal sign-off yet
    send.reaction_added(DANA_ID, "+1", DRAMA_CHANNEL_ID, ts)
    season.status_is(4, "APPROVED")
    blocks = season.card_says(ts, "Approved", DANA_ID)
    assert "still needs" not in blocks

    # Rules back to one approval; Dana leaves (her role goes with her).
    season.marketer.say(f"remove <@{DANA_ID}> as approver", expect="no longer an approver")
    season.marketer.say("quorum 1", expect="1 approval(s)")
    with season.stack.runtime.context.store.session() as session:
        row = session.get(Season, season.season_id)
        assert row is not None and row.quorum == 1 and DANA_ID not in {a.user_id for a in row.approvers}


def test_batch_approval_needs_confirmation(season: Season8) -> None:
    stack, send = season.stack, season.stack.sender
    question = season.approver.say("approve 5–6", expect="in one go")
    wait_until_idle(stack)  # the question's turn is over
    assert season.episode(5)[0] == season.episode(6)[0] == "IN_REVIEW"  # asking records nothing
    season.approver.say("yes", expect="(batch)")
    season.status_is(5, "APPROVED")
    season.status_is(6, "APPROVED")
    season.card_says(season.cards[6][1], "Approved", APPROVER_ID)
    assert "Ep 5" in question["text"] and "Ep 6" in question["text"]

    # The Confirm button path, and only the asker may confirm.
    question_ts = season.approver.say("approve 7 to 8", expect="in one go")["ts"]
    assert "batch_confirm" in str(season.card(question_ts).get("blocks"))
    send.block_action(MARKETER_ID, "batch_confirm", None, DRAMA_CHANNEL_ID, question_ts)
    refusal = stack.emulator.wait_for_call(
        "chat.postEphemeral", lambda c: c.params.get("user") == MARKETER_ID and "who asked" in c.params["text"], 30)
    assert refusal is not None and season.episode(7)[0] == "IN_REVIEW"
    send.block_action(APPROVER_ID, "batch_confirm", None, DRAMA_CHANNEL_ID, question_ts)
    season.status_is(7, "APPROVED")
    season.status_is(8, "APPROVED")
    eventually(lambda: "batch_confirm" not in str(season.card(question_ts).get("blocks")), 30, "question answered")
    with stack.runtime.context.store.session() as session:
        vias = {a.via for a in session.scalars(select(Approval).join(Render).join(Episode).where(
            Episode.season_id == season.season_id, Episode.number.in_([5, 6, 7, 8])))}
    assert vias == {"batch"}
    answer = season.marketer.say("who approved ep 6?", expect="Audit trail")
    assert f"<@{APPROVER_ID}> approved Ep 6" in answer["text"] and "via batch" in answer["text"]


def test_status_in_the_thread_and_by_slash_command(season: Season8) -> None:
    stack = season.stack
    uploads_before = len(stack.emulator.calls_to("files.completeUploadExternal"))
    asked = stack.sender.user_message(MARKETER_ID, DRAMA_CHANNEL_ID, "where are we?",
                                      thread_ts=season.marketer.thread_ts)
    title = season_title(season)
    reply = stack.emulator.wait_for(  # the status answer (campaign posts from the workers may interleave)
        lambda m: m.get("user") == ws_bot(stack) and float(m["ts"]) > float(asked.ts or 0)
        and title in str(m.get("text", "")) and "Status ·" in str(m.get("blocks")), 60,
        channel=DRAMA_CHANNEL_ID, thread_ts=season.marketer.thread_ts)
    blocks = str(reply.get("blocks"))
    with stack.runtime.context.store.session() as session:
        states = dict(session.execute(select(Episode.number, Episode.status).where(
            Episode.season_id == season.season_id)).all())
    for number, state in states.items():
        assert f"*Ep {number}*" in blocks and state.lower().replace("_", " ") in blocks.split(f"*Ep {number}*")[1]
    board = eventually(lambda: [c for c in stack.emulator.calls_to("files.completeUploadExternal")[uploads_before:]
                                if "Season board" in str(c.params)], 30, "the board upload")
    assert board
    png = next(f for f in reversed(stack.emulator.files()) if f.name.endswith(".png") and "board" in f.name)
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"

    # /cliffhanger status (slash commands carry no thread_ts): ack privately, answer in the season thread.
    ws = stack.emulator.workspace
    body = urlencode({"token": "verification-token", "team_id": ws.team_id, "channel_id": DRAMA_CHANNEL_ID,
                      "user_id": MARKETER_ID, "command": "/cliffhanger", "text": "status",
                      "response_url": stack.emulator.issue_response_url(MARKETER_ID, DRAMA_CHANNEL_ID, None, None),
                      "trigger_id": stack.emulator.issue_trigger(MARKETER_ID), "api_app_id": ws.app_id})
    posted_before = len(stack.emulator.calls_to("chat.postMessage"))
    delivery = stack.sender.post(body, "application/x-www-form-urlencoded")
    assert delivery.ok and delivery.acked_in_time and "in its thread" in delivery.body
    eventually(lambda: any("Status ·" in str(c.params.get("blocks")) and
                           c.params.get("thread_ts") == season.marketer.thread_ts
                           for c in stack.emulator.calls_to("chat.postMessage")[posted_before:]), 30, "slash status")


def ws_bot(stack) -> str:  # type: ignore[no-untyped-def]
    """The bot's user id in the emulated workspace."""
    return stack.emulator.workspace.bot_user_id


def season_title(season: Season8) -> str:
    """The season's title (the status answer's fallback text starts with it)."""
    with season.stack.runtime.context.store.session() as session:
        row = session.get(Season, season.season_id)
        assert row is not None
        return row.title


def test_a_bystander_cannot_make_themselves_an_approver(season: Season8) -> None:
    stack = season.stack
    bystander = ScriptedPerson(stack, OTHER_ID, thread_ts=season.marketer.thread_ts)
    refusal = bystander.say(f"add <@{OTHER_ID}> as approver", expect="can change who approves")
    assert f"<@{OTHER_ID}>" in refusal["text"] and f"<@{MARKETER_ID}>" in refusal["text"]
    bystander.say("quorum 1", expect="can change who approves")
    with stack.runtime.context.store.session() as session:
        row = session.get(Season, season.season_id)
        assert row is not None and OTHER_ID not in {a.user_id for a in row.approvers}
        refused = session.scalars(select(AuditEntry).where(AuditEntry.season_id == season.season_id,
                                                           AuditEntry.action == "approvers.change_refused")).all()
    assert [(a.actor, a.detail["reason"]) for a in refused] == [(OTHER_ID, "not_allowed")] * 2


def test_a_failed_upload_is_told_and_post_ep_again_puts_the_card_back(season: Season8) -> None:
    stack, send = season.stack, season.stack.sender
    old_render, _old_ts = season.cards[6]
    stack.emulator.fail("files.getUploadURLExternal", times=-1, status=503,
                        when=lambda params: str(params.get("filename", "")).startswith("ep06-"))
    after = season.now_ts()
    season.approver.say("Ep 6: make the logo bigger", expect="look/shot change")
    told = season.bot_says("couldn't upload", after=after, timeout=180)
    assert "Ep 6" in told["text"] and "post ep 6 again" in told["text"]
    _status, renders = season.episode(6)
    assert renders[-1].id != old_render and renders[-1].status == "DONE"  # rendered, but nobody has seen it
    # Nobody can approve what never reached the thread: a batch refuses it (privately, with the way out).
    send.user_message(APPROVER_ID, DRAMA_CHANNEL_ID, "approve 6", thread_ts=season.marketer.thread_ts)
    stack.emulator.wait_for_call("chat.postEphemeral", lambda c: c.params.get("user") == APPROVER_ID
                                 and "post ep 6 again" in c.params["text"], 30)
    assert season.episode(6)[0] != "APPROVED"

    stack.emulator.faults.clear()
    after = season.now_ts()
    season.approver.say("post ep 6 again", expect="posted again")
    new_render, new_ts = season.new_card(6, old_render, timeout=60)
    assert new_render == renders[-1].id
    season.approver.say(":+1: 6", expect="Recorded your approval of Ep 6")  # a vote typed in the thread
    season.status_is(6, "APPROVED")
    season.card_says(new_ts, "Approved", APPROVER_ID)


def test_confirm_mode_has_a_publish_button_and_a_late_withdrawal_is_answered(season: Season8) -> None:
    from datetime import timedelta

    from agent.store.models import Slot

    stack, send = season.stack, season.stack.sender
    _render, ts = season.cards[1]
    send.reaction_added(APPROVER_ID, "+1", DRAMA_CHANNEL_ID, ts)  # Ep 1 was withdrawn in the first test
    season.status_is(1, "APPROVED")
    for number in range(2, 9):
        # Earlier tests of this module leave Ep 2–8 approved. The "back in review" seen in full-suite runs was this
        # module spread over two workers (see require_one_worker); approving what is still open here, through the
        # same reaction path, keeps a failure of an earlier test from being reported a second time by this one.
        if season.episode(number)[0] != "APPROVED":
            _render, newest = wait_for_cards(stack, season.season_id, 8, timeout=120)[number]
            send.reaction_added(APPROVER_ID, "+1", DRAMA_CHANNEL_ID, newest)
        season.status_is(number, "APPROVED", timeout=120)
    season.marketer.say("schedule daily at 6pm New York, ask me before each one goes out", expect="Scheduled")
    with stack.runtime.context.store.session() as session:
        first = min(s.publish_at for s in session.scalars(select(Slot).join(Episode).where(
            Episode.season_id == season.season_id, Episode.number == 1)))
    after = season.now_ts()
    stack.runtime.publish_due(first + timedelta(seconds=30))  # the worker's sweep, on a simulated clock
    question = season.bot_says("press *Publish*", after=after)
    assert "release_publish" in str(question.get("blocks")) and "confirm" not in question["text"].lower()

    send.block_action(OTHER_ID, "release_publish", None, DRAMA_CHANNEL_ID, question["ts"])
    stack.emulator.wait_for_call("chat.postEphemeral", lambda c: c.params.get("user") == OTHER_ID
                                 and "approvers can release" in c.params["text"], 30)
    send.block_action(APPROVER_ID, "release_publish", None, DRAMA_CHANNEL_ID, question["ts"])
    season.bot_says("released Ep 1", after=question["ts"])
    stack.runtime.publish_due(first + timedelta(minutes=1))
    season.status_is(1, "PUBLISHED")

    # Taking the :+1: back after publishing changes nothing, but it is audited and answered in the thread.
    after = season.now_ts()
    send.reaction_removed(APPROVER_ID, "+1", DRAMA_CHANNEL_ID, ts)
    answer = season.bot_says("took back their approval of Ep 1", after=after)
    assert "already published" in answer["text"] and f"<@{APPROVER_ID}>" in answer["text"]
    assert season.episode(1)[0] == "PUBLISHED"
    with stack.runtime.context.store.session() as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.season_id == season.season_id,
                                                           AuditEntry.action == "review.withdrawn_after_publish"))
        assert [a.actor for a in audited] == [APPROVER_ID]
