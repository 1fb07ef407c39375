"""A domain notice written the Slack way: people become mentions, user text stays text, tones become emoji."""

from __future__ import annotations

from agent.app.wording import from_text
from agent.ports import Notice, Tone
from integrations.slack.blocks.notice import notice_text
from integrations.terminal import as_text


def test_people_become_mentions_and_typed_text_cannot_become_markup() -> None:
    notice = Notice(template="{voter} asked for changes on Ep 3: “{note}”", users={"voter": "U_ARJUN"},
                    values={"note": "ping <!channel> & <@U_BOSS> please"}, tone=Tone.WARNING)
    assert notice_text(notice) == (":warning: <@U_ARJUN> asked for changes on Ep 3: "
                                   "“ping &lt;!channel&gt; &amp; &lt;@U_BOSS&gt; please”")
    assert as_text(notice) == "⚠ @U_ARJUN asked for changes on Ep 3: “ping <!channel> & <@U_BOSS> please”"


def test_legacy_service_wording_is_read_into_a_notice() -> None:
    notice = from_text(":tada: Only <@U_A>, who asked, can answer {this}.")
    assert notice.tone == Tone.CELEBRATE and notice.users == {"u0": "U_A"}
    assert notice_text(notice) == ":tada: Only <@U_A>, who asked, can answer {this}."
    assert as_text(notice) == "🎉 Only @U_A, who asked, can answer {this}."
