"""The product image (issue 13 §4): a pack shot attached in the thread becomes the product on screen.

"here's our product" with a PNG or JPG (or any image sent with the word "product") is validated like every upload
(agent/uploads.py: size, pixels, type from the bytes), normalised to a PNG of bounded size, put into the artifact
store and kept on the season (`seasons.product_image`); every render from then on is handed it as
`RenderRequest.product_image_path` (agent/services/production.py), and it is part of the render's inputs, so an
episode re-rendered after the attachment is a new cut, not a cache hit. Until one is attached, the renderer draws a
pack shot from the brief and the palette.

This runs before the conversation sees the message, in every stage: the image is taken out of the message's files
(so the look stage never mistakes a product photo for a logo), and a message that was only about the product is
answered here and goes no further.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

from PIL import Image, ImageOps

from agent.context import AppContext
from agent.ports import Notice, ThreadRef, Tone
from agent.services.seasons import audit
from agent.store.models import Season
from agent.uploads import UploadError, content_suffix
from agent.uploads import inspect as inspect_upload

PRODUCT_MAX_SIDE = 2048  # the renderer shows the product at most half a frame tall (960 px on 1080×1920)
PRODUCT_FORMATS = ("PNG", "JPEG")
# "here's our product", "this is the product", "product shot", "pack shot", or just "product"
PRODUCT_WORDS = re.compile(
    r"\b(?:our|the|my|this|that|here'?s|here is|new)\s+(?:[\w-]+\s+){0,2}product\b(?!\s*:)"
    r"|\bproduct\s+(?:image|photo|picture|pic|shot|shots)\b|\bpack\s?shot\b|^\W*product\W*$",
    re.IGNORECASE)
FILLER = re.compile(r"\b(?:here'?s|here|is|it|our|the|my|this|that|a|an|new|image|photo|picture|pic|shot|pack|"
                    r"packshot|product|please|use|attached|for|of)\b|[^\w\s]", re.IGNORECASE)


def names_the_product(text: str) -> bool:
    """Whether the message says its attachment is the product (a brief's "Product: …" field does not)."""
    return PRODUCT_WORDS.search(text) is not None


def only_about_the_product(text: str) -> bool:
    """Nothing but "here's our product" (and the like) in the message: nothing for the conversation to read."""
    return len(FILLER.sub(" ", text).split()) <= 2


def take_product_image(app: AppContext, *, season_id: int, thread: ThreadRef, user_id: str, text: str,
                       files: list[Path]) -> tuple[list[Path], bool]:
    """Keep the attached product image when the message names it; returns (the files left for the conversation,
    whether the message is fully answered). A refused image is answered with the reason and never stored."""
    if not files or not names_the_product(text):
        return files, False
    # the first image; with none, the first file (refused below with what it really is)
    picture = next((f for f in files if (content_suffix(f) or "") in (".png", ".jpg", ".webp")), files[0])
    rest = [f for f in files if f != picture]
    done = only_about_the_product(text) and not rest
    try:
        ref = store_product_image(app, season_id, picture)
    except UploadError as error:
        app.channel.say(thread, Notice(template="I can't use that as the product image: {reason} The product "
                                                "stays as it was.", values={"reason": str(error)}, tone=Tone.WARNING))
        return rest, done
    with app.store.session() as session:
        season = session.get_one(Season, season_id)
        season.product_image = ref
        rendered = any(e.renders for e in season.episodes)
        audit(session, season_id, user_id, "product.image", {"file": picture.name, "ref": ref})
    later = (" Episodes already rendered keep the drawn pack — ask for changes on one to re-render it with your "
             "product." if rendered else "")
    app.channel.say(thread, Notice(
        template="Got it — {name} is the product now. It appears in every product moment (inserts, hero shots, in a "
                 "hand) of the episodes rendered from here on." + later,
        values={"name": picture.name}, tone=Tone.DONE))
    return rest, done


def store_product_image(app: AppContext, season_id: int, path: Path) -> str:
    """Validate (agent/uploads.py), normalise to a PNG at most PRODUCT_MAX_SIDE on its longest side, and put it
    into the artifact store under its content hash; returns the store's reference. UploadError when refused."""
    upload = inspect_upload(path, {"image"}, "product image")
    if upload.format not in PRODUCT_FORMATS:
        raise UploadError(f"“{path.name}” is a {upload.format} image; please send the product as a PNG or JPG.")
    with Image.open(path) as opened:
        if opened.format == "JPEG":
            opened.draft("RGB", (PRODUCT_MAX_SIDE, PRODUCT_MAX_SIDE))
        image = ImageOps.exif_transpose(opened).convert("RGBA")
    image.thumbnail((PRODUCT_MAX_SIDE, PRODUCT_MAX_SIDE), Image.Resampling.LANCZOS)
    with tempfile.TemporaryDirectory(prefix="product-") as folder:
        local = Path(folder) / "product.png"
        image.save(local, format="PNG")
        digest = hashlib.sha256(local.read_bytes()).hexdigest()[:16]
        return app.artifacts.put(local, f"season-{season_id}/brand/product-{digest}.png")
