"""Text from and to Slack (issue 12): entities decoded on the way in, no pings or markup from user values on the
way out, long values capped with a note, a pasted 100 KB message read in one bounded turn."""

from __future__ import annotations

from agent.domain import Brief
from integrations.slack.listeners.events.messages import decode_slack_text
from integrations.slack.mrkdwn import to_mrkdwn
from tests.scenarios.harness import Marketer


def test_slack_entities_are_decoded_and_typed_tokens_defused() -> None:
    assert decode_slack_text("Brand: Marks &amp; Spencer; product: &lt;3 socks") == \
        "Brand: Marks & Spencer; product: <3 socks"
    assert "<!channel>" not in decode_slack_text("&lt;!channel&gt; Co")
    assert decode_slack_text("hi <!here>") == "hi @here"
    assert decode_slack_text("add <@U12> as approver") == "add <@U12> as approver"


def test_outgoing_text_never_broadcasts() -> None:
    out = to_mrkdwn("Brand <!channel> · <!here> · <!subteam^S1|@design> · <@U1>")
    assert "<!" not in out and "@channel" in out and "<@U1>" in out


def test_a_brand_with_an_ampersand_survives_the_thread(marketer: Marketer) -> None:
    reply = marketer.say(decode_slack_text("Brand: Marks &amp; Spencer. Product: the wool jumper. 8 episodes, "
                                           "30 seconds, cosy romance."))
    assert marketer.stage() == "arc", reply
    assert Brief.model_validate(marketer.season().brief).brand == "Marks & Spencer"


def test_user_values_cannot_ping_or_format(marketer: Marketer) -> None:
    reply = marketer.say("Brand: <!channel> *Shouty* Co. Product: the <@U999> app. 8 episodes, 30 seconds, comedy.")
    recap = next(line for line in reply.splitlines() if line.startswith("*Brief*"))
    assert "<!channel>" not in recap and "<@U999>" not in recap and "*Shouty*" not in recap


def test_an_overlong_brand_is_capped_with_a_note_and_the_thread_goes_on(marketer: Marketer) -> None:
    brand = "Acme " + "Very Long Brand Name " * 12
    reply = marketer.say(f"Brand: {brand}. Product: the rocket skates. 8 episodes, 30 seconds, comedy.")
    assert "characters" in reply and marketer.stage() == "arc", reply
    season = marketer.season()
    assert len(Brief.model_validate(season.brief).brand) <= 60 and len(season.title) <= 200
    assert "lock your lead" in marketer.say("looks good")


def test_a_100_kb_message_is_read_once_and_not_echoed(marketer: Marketer) -> None:
    before = len(marketer.channel.said)
    reply = marketer.say("We're Aster and we make oat bars for climbers. " + "blah " * 20_000)
    posts = marketer.channel.said[before:]
    texts = [p for p in posts if p.kind == "say"]  # the note, the brief's answer, what was not done (+ buttons)
    assert "long (" in reply and len(texts) <= 3 and len(posts) <= 4, [p.text[:80] for p in posts]
    assert all(len(p.text) < 5000 for p in posts)
