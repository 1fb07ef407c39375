"""One shot's still, composed once with Pillow: the location, the characters placed by shot type, the product.

Framing follows the shot type (an establishing shot shows small full figures in the set; a close-up fills the
frame with a face; over-the-shoulder puts the listener's back in the foreground), the speaker gets the larger and
front-most place, and a product moment puts the pack in the speaker's hand or on its own in an insert or hero
shot. The still is `margin` px larger than the frame on every side for the camera move (tools.render.camera).
What was placed where is returned too, so continuity can look at exactly those pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from agent.domain import FramePosition, LookSpec, Shot, ShotType
from tools.render.figures import Appearance, draw_figure
from tools.render.layers import paste_logo
from tools.render.product import with_shadow

# shot type → (figure height, y of the head top) as fractions of the frame height; None head top = feet on floor
FRAMING: dict[ShotType, tuple[float, float]] = {
    ShotType.ESTABLISHING: (0.40, 0.46), ShotType.WIDE: (0.52, 0.41), ShotType.TWO_SHOT: (0.92, 0.24),
    ShotType.SINGLE: (1.35, 0.16), ShotType.CLOSE_UP: (2.4, 0.08), ShotType.REACTION: (2.0, 0.12),
    ShotType.OVER_THE_SHOULDER: (1.3, 0.16), ShotType.INSERT: (0.9, 0.3), ShotType.PRODUCT_HERO: (0.9, 0.3),
}
X_AT = {FramePosition.LEFT: 0.27, FramePosition.CENTER: 0.5, FramePosition.RIGHT: 0.73,
        FramePosition.FOREGROUND: 0.14}
WIDE_X = {FramePosition.LEFT: 0.36, FramePosition.CENTER: 0.5, FramePosition.RIGHT: 0.64,
          FramePosition.FOREGROUND: 0.2}
OTS_SPEAKER_X = 0.64


@dataclass
class Placed:
    """A figure or the product on the still: its box in still pixels, and how it was drawn."""

    name: str
    box: tuple[int, int, int, int]  # x, y, w, h
    back: bool = False


@dataclass
class ComposedShot:
    """The still and what is where on it."""

    image: Image.Image
    figures: list[Placed] = field(default_factory=list)
    product: Placed | None = None


def _figure_geometry(shot: Shot, position: FramePosition, speaker: bool, width: int, height: int
                     ) -> tuple[int, int, int, bool]:
    """(figure height, centre x, head top y, seen from behind) in frame pixels."""
    size, top = FRAMING[shot.type]
    xs = WIDE_X if shot.type in (ShotType.ESTABLISHING, ShotType.WIDE) else X_AT
    x = xs[position]
    back = False
    if shot.type == ShotType.OVER_THE_SHOULDER:
        if position == FramePosition.FOREGROUND:
            size, top, back = 2.1, 0.42, True
        else:
            x = OTS_SPEAKER_X
    if shot.type == ShotType.TWO_SHOT and speaker:
        size, top = size * 1.06, top - 0.02  # the speaker leans into the light
    return round(height * size), round(width * x), round(height * top), back


def compose_shot(shot: Shot, look: LookSpec, backdrop: Image.Image, cast: dict[str, Appearance],
                 product: Image.Image | None, width: int, height: int, margin: int, logo: bool = True
                 ) -> ComposedShot:
    """Draw the shot's still (RGB, frame + 2·margin on each axis) and record the placements."""
    canvas = backdrop.convert("RGBA")
    if shot.type in (ShotType.INSERT, ShotType.PRODUCT_HERO):
        canvas = _product_backdrop(canvas, shot.type, look)
    out = ComposedShot(image=canvas)
    # the foreground (back of a head) is drawn last: it covers whoever stands behind it
    order = sorted(shot.characters, key=lambda c: c.position == FramePosition.FOREGROUND)
    speaker_box: tuple[int, int, int, int] | None = None
    for member in order:
        look_of = cast.get(member.name)
        if look_of is None:
            continue
        is_speaker = member.name == shot.speaker
        fig_h, cx, top, back = _figure_geometry(shot, member.position, is_speaker, width, height)
        fig = draw_figure(look_of, fig_h, back=back)
        x, y = cx - fig.width // 2 + margin, top + margin
        canvas.alpha_composite(fig, (x, y)) if _inside(canvas, x, y, fig) else _paste_clipped(canvas, fig, x, y)
        placed = Placed(member.name, (x, y, fig.width, fig.height), back)
        out.figures.append(placed)
        if is_speaker or speaker_box is None:
            speaker_box = placed.box
    if shot.product and product is not None:
        out.product = _place_product(canvas, shot, product, speaker_box, width, height, margin)
    if logo:  # a moving camera would carry it off the frame: the renderer stamps it over the video instead
        paste_logo(canvas, look, (margin, margin))
    out.image = canvas.convert("RGB")
    return out


def _inside(canvas: Image.Image, x: int, y: int, img: Image.Image) -> bool:
    return x >= 0 and y >= 0 and x + img.width <= canvas.width and y + img.height <= canvas.height


def _paste_clipped(canvas: Image.Image, img: Image.Image, x: int, y: int) -> None:
    """alpha_composite with a source partly outside the canvas (close-ups run past the frame's bottom)."""
    left, top = max(0, -x), max(0, -y)
    right, bottom = min(img.width, canvas.width - x), min(img.height, canvas.height - y)
    if right > left and bottom > top:
        canvas.alpha_composite(img.crop((left, top, right, bottom)), (x + left, y + top))


def _product_backdrop(canvas: Image.Image, kind: ShotType, look: LookSpec) -> Image.Image:
    """Inserts soften the set; a hero shot darkens it and puts a glow in the primary colour behind the pack."""
    soft = canvas.filter(ImageFilter.GaussianBlur(radius=canvas.width // 60))
    if kind == ShotType.PRODUCT_HERO:
        soft = ImageEnhance.Brightness(soft).enhance(0.45)
        glow = Image.new("RGBA", soft.size, (0, 0, 0, 0))
        w, h = soft.size
        ImageDraw.Draw(glow).ellipse((w * 0.12, h * 0.2, w * 0.88, h * 0.62), fill=look.palette.primary + "70")
        soft.alpha_composite(glow.filter(ImageFilter.GaussianBlur(radius=w // 16)))
    return soft


def _place_product(canvas: Image.Image, shot: Shot, product: Image.Image, holder: tuple[int, int, int, int] | None,
                   width: int, height: int, margin: int) -> Placed:
    """The pack big and centred in an insert or hero shot, else in the speaker's hand."""
    if shot.type in (ShotType.INSERT, ShotType.PRODUCT_HERO) or holder is None:
        target_h = int(height * (0.36 if shot.type == ShotType.INSERT else 0.42))
        cx, bottom = width // 2 + margin, int(height * 0.62) + margin
    else:
        x, y, w, h = holder
        target_h = max(40, int(h * 0.16))
        # the hand nearer the frame's centre holds it, so the pack never leaves the frame
        right_hand = x + w / 2 < (width + 2 * margin) / 2
        cx, bottom = x + int(w * (0.8 if right_hand else 0.2)), y + int(h * 0.42)  # held up to show it
    item = product.resize((max(1, round(product.width * target_h / product.height)), target_h),
                          Image.Resampling.LANCZOS)
    item = with_shadow(item)
    px, py = cx - item.width // 2, bottom - item.height
    _paste_clipped(canvas, item, px, py)
    pad = (item.width - round(product.width * target_h / product.height)) // 2
    return Placed("product", (px + pad, py + pad, item.width - 2 * pad, target_h))
