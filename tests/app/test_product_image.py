"""The product image (issue 13 §4): attached in the thread, validated, stored, and handed to every render.

A marketer talks to the real conversation (offline brain) and attaches files as Slack or the terminal would hand
them over; the season row, the artifact store and the render request built for a queued episode are checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from agent.app.product import names_the_product, only_about_the_product
from agent.services.production import build_request, render_input_hash
from agent.store.models import AuditEntry, Look, Render
from tests.scenarios.conftest import FULL_BRIEF
from tests.scenarios.harness import Marketer
from tools.render.animatic import AnimaticRenderer


@pytest.fixture
def marketer(tmp_path: Path) -> Iterator[Marketer]:
    """A marketer whose arc is drafted."""
    person = Marketer(tmp_path / "home")
    assert "to cast the lead" in person.say(FULL_BRIEF)
    yield person
    person.close()


def _can(path: Path, fmt: str = "PNG") -> Path:
    """A recognisable pack shot: a red can on a transparent (PNG) or white (JPG) ground."""
    image = Image.new("RGBA" if fmt == "PNG" else "RGB", (300, 500), (0, 0, 0, 0) if fmt == "PNG" else "white")
    image.paste((200, 30, 40), (60, 40, 240, 460))
    image.save(path, format=fmt)
    return path


def test_which_messages_name_the_product() -> None:
    for text in ("here's our product", "Here is the product!", "this is our new product", "product",
                 "product shot attached", "pack shot for the hero"):
        assert names_the_product(text), text
    for text in ("Brand: Lumen. Product: Night Brew can", "here's our logo", "background #101820", ""):
        assert not names_the_product(text), text
    assert only_about_the_product("here's our product :)") and only_about_the_product("Product.")
    assert not only_about_the_product("here's our product — and make ep 2 darker")


def test_an_attached_product_is_stored_and_every_render_gets_it(marketer: Marketer, tmp_path: Path) -> None:
    photo = _can(tmp_path / "IMG_2041.jpg", "JPEG")
    reply = marketer.say("here's our product", files=[photo])
    assert "IMG_2041.jpg is the product now" in reply and "to cast the lead" not in reply  # answered, nothing else
    season = marketer.season()
    assert season.product_image and Path(season.product_image).is_file()
    assert f"season-{season.id}/brand/product-" in season.product_image
    with Image.open(season.product_image) as stored:
        assert stored.format == "PNG" and stored.size == (300, 500)

    # cast and look as usual; a PNG sent as the product at the look stage is not taken for a logo
    marketer.say("looks good")
    marketer.say("1")
    png = _can(tmp_path / "pack.png")
    reply = marketer.say("this is the product", files=[png])
    assert "pack.png is the product now" in reply and "Updated: logo" not in reply
    newer = marketer.season().product_image
    assert newer and newer != season.product_image
    reply = marketer.say("lock it")
    assert "Rendering" in reply and marketer.queued

    with marketer.store.session() as session:
        render = session.get_one(Render, marketer.queued[0])
        look = session.get_one(Look, render.look_id)
        plain = render_input_hash(render.episode.scripts[-1].script, look.content_hash,
                                  str(render.episode.season.lead["portrait_hash"]))
        assert render.input_hash != plain  # the product is one of the render's inputs
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "product.image")) is not None
    request = build_request(marketer.store, marketer.queued[0], tmp_path / "art", "ultrafast",
                            marketer.runtime.context.artifacts)
    assert request.product_image_path == newer
    shown = AnimaticRenderer()._product(request)  # what the renderer puts in the product moments
    assert shown.getpixel((shown.width // 2, shown.height // 2)) == (200, 30, 40, 255)  # the attached red can
    assert shown.getpixel((2, 2))[3] == 0 and abs(shown.width / shown.height - 300 / 500) < 0.01  # its own shape


def test_without_an_attachment_the_pack_is_drawn(marketer: Marketer, tmp_path: Path) -> None:
    marketer.say("looks good")
    marketer.say("1")
    marketer.say("lock it")
    request = build_request(marketer.store, marketer.queued[0], tmp_path / "art", "ultrafast",
                            marketer.runtime.context.artifacts)
    assert request.product_image_path is None


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("can.webp", "webp", "is a WEBP image; please send the product as a PNG or JPG"),
    ("can.png", "text", "“can.png” is"),
    ("huge.png", "huge", "megapixel limit"),
])
def test_a_refused_product_image_is_answered_and_not_stored(marketer: Marketer, tmp_path: Path, name: str,
                                                           content: str, reason: str) -> None:
    path = tmp_path / name
    if content == "webp":
        Image.new("RGB", (200, 300), "red").save(path, format="WEBP")
    elif content == "text":
        path.write_text("not an image at all")
    else:
        Image.new("1", (9000, 9000)).save(path, format="PNG")  # 81 megapixels, a small file
    reply = marketer.say("here's our product", files=[path])
    assert "I can't use that as the product image" in reply and reason in reply, reply
    assert marketer.season().product_image is None
