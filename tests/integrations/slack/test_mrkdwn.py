"""Markdown → Slack mrkdwn: what models write becomes what Slack renders; our own mrkdwn passes unchanged."""

from __future__ import annotations

import pytest

from integrations.slack.mrkdwn import to_mrkdwn


@pytest.mark.parametrize(("markdown", "mrkdwn"), [
    ("**bold** and __also bold__", "*bold* and *also bold*"),
    ("[the brief](https://example.com/b?x=1&y=2)", "<https://example.com/b?x=1&y=2|the brief>"),
    ("![poster](https://example.com/p.png)", "<https://example.com/p.png|poster>"),
    ("<https://example.com>", "<https://example.com>"),
    ("# Season plan", "*Season plan*"),
    ("### **Ep 1** — The call ###", "*Ep 1 — The call*"),
    ("Title\n=====", "*Title*"),
    ("- one\n- two\n  - nested", "• one\n• two\n    ◦ nested"),
    ("* star item\n+ plus item", "• star item\n• plus item"),
    ("1. first\n2. second", "1. first\n2. second"),
    ("- [x] cast\n- [ ] look", "• ☑ cast\n• ☐ look"),
    ("~~old~~ new", "~old~ new"),
    ("R&D < budget > 0", "R&amp;D &lt; budget &gt; 0"),
    ("> a quote", "> a quote"),
    ("a\n\n---\n\nb", "a\n\nb"),
])
def test_markdown_becomes_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn


def test_code_is_kept_verbatim_and_the_language_tag_dropped() -> None:
    text = "Run:\n```python\nx = **not bold** [a](b) <tag>\n```\nand `**inline**` too"
    assert to_mrkdwn(text) == "Run:\n```\nx = **not bold** [a](b) <tag>\n```\nand `**inline**` too"


def test_our_own_mrkdwn_is_left_alone() -> None:
    """Slack bold (*x*), mentions, channel links and <url|label> links must survive (idempotent)."""
    ours = "Say *schedule daily at 6pm*, <@U123> or <#C1|drama>, see <https://x.example|the board> :tada:"
    assert to_mrkdwn(ours) == ours
    assert to_mrkdwn(to_mrkdwn("**a** [b](https://c.example)")) == "*a* <https://c.example|b>"


def test_link_labels_lose_markup_slack_would_show_literally() -> None:
    assert to_mrkdwn("[**Ep 1** `draft`](https://e.example)") == "<https://e.example|Ep 1 draft>"
