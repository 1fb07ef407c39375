"""Block Kit → HTML for the thread page: section, header, context, divider, image, actions, rich_text, video…

Each block gets a ``block block-<type>`` class so tests can find the approval card's buttons
(``.block-actions .button[data-action-id=approve]``). Unknown block types render as a labelled placeholder
rather than vanishing, so a page never hides what the bot actually sent.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from integrations.slack.emulator.mrkdwn import UserNames, emoji, mrkdwn_to_html, plain_to_html

UrlMap = Callable[[str], str]
Block = dict[str, Any]


def _esc(value: Any) -> str:
    return html.escape(str(value if value is not None else ""), quote=True)


def text_html(obj: Any, names: UserNames) -> str:
    """A Block Kit text object (mrkdwn or plain_text), or a bare string."""
    if isinstance(obj, str):
        return mrkdwn_to_html(obj, names)
    if not isinstance(obj, dict):
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_html(str(obj.get("text", "")), names)
    return plain_to_html(str(obj.get("text", "")))


def _image(element: Block, urls: UrlMap, css: str) -> str:
    src = element.get("image_url") or (element.get("slack_file") or {}).get("url") or ""
    return f'<img class="{css}" src="{_esc(urls(str(src)))}" alt="{_esc(element.get("alt_text"))}" loading="lazy">'


def element_html(element: Block, names: UserNames, urls: UrlMap) -> str:
    """An interactive or context element: buttons (with style), images, menus and pickers as chips."""
    kind = element.get("type")
    if kind == "button":
        style = element.get("style", "default")
        url = element.get("url")
        label = text_html(element.get("text"), names)
        attrs = (f'class="button button-{_esc(style)}" data-action-id="{_esc(element.get("action_id"))}" '
                 f'data-value="{_esc(element.get("value"))}"')
        if url:
            return f'<a {attrs} href="{_esc(url)}" target="_blank" rel="noopener">{label}</a>'
        return f'<button type="button" {attrs}>{label}</button>'
    if kind == "image":
        return _image(element, urls, "context-image")
    if kind in ("mrkdwn", "plain_text"):
        return f'<span class="context-text">{text_html(element, names)}</span>'
    placeholder = element.get("placeholder") or element.get("initial_option", {}).get("text") or {"text": kind}
    return (f'<span class="button button-menu" data-action-id="{_esc(element.get("action_id"))}">'
            f"{text_html(placeholder, names)} ▾</span>")


def _rich_text(block: Block, names: UserNames) -> str:
    """rich_text (what people type): sections, lists, quotes and preformatted runs."""
    def run(element: Block) -> str:
        kind = element.get("type")
        if kind == "text":
            style = element.get("style") or {}
            out = plain_to_html(str(element.get("text", "")))
            for flag, tag in (("code", "code"), ("bold", "b"), ("italic", "i"), ("strike", "s")):
                if style.get(flag):
                    out = f"<{tag}>{out}</{tag}>"
            return out
        if kind == "link":
            return (f'<a href="{_esc(element.get("url"))}" target="_blank" rel="noopener">'
                    f'{plain_to_html(str(element.get("text") or element.get("url", "")))}</a>')
        if kind == "user":
            user_id = str(element.get("user_id", ""))
            return f'<span class="mention" data-user="{_esc(user_id)}">@{_esc(names(user_id))}</span>'
        if kind == "emoji":
            return emoji(str(element.get("name", "")))
        if kind == "channel":
            return f'<span class="mention channel">#{_esc(element.get("channel_id"))}</span>'
        return ""

    def section(element: Block) -> str:
        inner = "".join(run(e) for e in element.get("elements", []))
        kind = element.get("type")
        if kind == "rich_text_list":
            tag = "ol" if element.get("style") == "ordered" else "ul"
            return f"<{tag}>" + "".join(f"<li>{section(e)}</li>" for e in element.get("elements", [])) + f"</{tag}>"
        if kind == "rich_text_quote":
            return f"<blockquote>{inner}</blockquote>"
        if kind == "rich_text_preformatted":
            return f"<pre>{inner}</pre>"
        return inner

    return "".join(section(e) for e in block.get("elements", []))


def block_html(block: Block, names: UserNames, urls: UrlMap) -> str:
    """One block, wrapped in a div carrying its type and block_id."""
    kind = str(block.get("type", "unknown"))
    body: str
    if kind == "section":
        fields = "".join(f'<div class="field">{text_html(f, names)}</div>' for f in block.get("fields") or [])
        accessory = block.get("accessory")
        acc = f'<div class="accessory">{element_html(accessory, names, urls)}</div>' if accessory else ""
        text = f'<div class="section-text">{text_html(block.get("text"), names)}</div>' if block.get("text") else ""
        grid = f'<div class="fields">{fields}</div>' if fields else ""
        body = f'<div class="section-main">{text}{grid}</div>{acc}'
    elif kind == "header":
        body = f"<h3>{text_html(block.get('text'), names)}</h3>"
    elif kind == "divider":
        body = "<hr>"
    elif kind == "context":
        body = "".join(element_html(e, names, urls) for e in block.get("elements", []))
    elif kind == "image":
        title = block.get("title")
        caption = f'<div class="image-title">{text_html(title, names)}</div>' if title else ""
        body = caption + _image(block, urls, "block-image-img")
    elif kind == "actions":
        body = "".join(element_html(e, names, urls) for e in block.get("elements", []))
    elif kind == "rich_text":
        body = _rich_text(block, names)
    elif kind == "video":
        body = (f'<a class="video-link" href="{_esc(block.get("video_url"))}" target="_blank" rel="noopener">'
                f'{_image({"image_url": block.get("thumbnail_url"), "alt_text": block.get("alt_text")}, urls, "video-thumb")}'
                f'<span>▶ {text_html(block.get("title"), names)}</span></a>')
    elif kind == "input":
        body = f'<label>{text_html(block.get("label"), names)}</label><div class="input-stub"></div>'
    else:
        body = f'<span class="unknown-block">[{_esc(kind)} block]</span>'
    return (f'<div class="block block-{_esc(kind)}" data-block-id="{_esc(block.get("block_id", ""))}">'
            f"{body}</div>")


def blocks_html(blocks: list[Block], names: UserNames, urls: UrlMap) -> str:
    """All blocks of a message in order."""
    return "".join(block_html(b, names, urls) for b in blocks if isinstance(b, dict))
