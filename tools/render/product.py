"""The product as the viewer sees it: the marketer's attached pack shot, or a drawn one from the brief and palette.

An attached image (PNG or JPG, validated where it was uploaded) is used as it is, fitted and given a soft shadow.
Without one, a pack is drawn: a box in the primary colour with the brand and the product name set in the look's
font (with the Noto fallback, so a brand written in Japanese or Arabic is drawn, not boxed), an accent band and a
highlight. Either way the result is RGBA on transparent, placed by the renderer in inserts, hero shots and hands.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from agent.domain import LookSpec
from tools.render.colour import hex_to_rgb
from tools.render.figures import mix
from tools.render.fonts import font_for_text
from tools.render.text import fit_lines

PACK_RATIO = 1.45  # height / width of the drawn pack


def load_product_image(path: Path, size: int) -> Image.Image:
    """The attached product image fitted into a size×size square (RGBA); a clear error when it cannot be read."""
    try:
        with Image.open(path) as img:
            if img.format not in ("PNG", "JPEG"):
                raise ValueError(f"the product image must be a PNG or JPG (got {img.format})")
            rgba = ImageOps.exif_transpose(img).convert("RGBA")
    except OSError as exc:
        raise ValueError(f"the product image '{Path(path).name}' cannot be read ({exc})") from exc
    return ImageOps.contain(rgba, (size, size), Image.Resampling.LANCZOS)


def drawn_pack(look: LookSpec, brand: str, product: str, size: int) -> Image.Image:
    """A pack shot drawn in the palette: `size` is the height of the image; the pack is PACK_RATIO tall."""
    p = look.palette
    prim, acc, bg, text = (hex_to_rgb(c) for c in (p.primary, p.accent, p.background, p.text))
    h = size
    w = int(h / PACK_RATIO)
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    r = w // 10
    d.rounded_rectangle((0, int(h * 0.04), w - 1, h - 1), radius=r, fill=prim)
    d.rounded_rectangle((int(w * 0.18), 0, int(w * 0.82), int(h * 0.09)), radius=r // 2, fill=mix(prim, bg, 0.35))
    d.rectangle((0, int(h * 0.58), w - 1, int(h * 0.76)), fill=acc)
    d.rounded_rectangle((int(w * 0.07), int(h * 0.1), int(w * 0.16), int(h * 0.54)), radius=r // 2,
                        fill=mix(prim, text, 0.45))  # highlight
    brand = (brand or "").strip() or "Brand"
    name = (product or "").strip()
    if name.lower().startswith(brand.lower()):
        name = name[len(brand):].strip()
    font, lines = fit_lines(brand.upper(), lambda s: font_for_text(brand.upper(), int(s * h / 1000), look.font),
                            [150, 120, 96, 80, 64], int(w * 0.8), 2)
    y = int(h * 0.22)
    for line in lines:
        lw = font.getlength(line)
        d.text(((w - lw) / 2, y), line, font=font, fill=bg)
        y += int(font.size * 1.15)
    if name:
        small, rows = fit_lines(name, lambda s: font_for_text(name, int(s * h / 1000), look.font), [64, 54, 46, 40],
                                int(w * 0.84), 2)
        y = int(h * 0.595)
        for row in rows[:2]:
            lw = small.getlength(row)
            d.text(((w - lw) / 2, y), row, font=small, fill=text)
            y += int(small.size * 1.1)
    return img


def with_shadow(item: Image.Image) -> Image.Image:
    """The item on a soft contact shadow (so it sits on a surface instead of floating)."""
    pad = max(4, item.height // 12)
    out = Image.new("RGBA", (item.width + 2 * pad, item.height + 2 * pad), (0, 0, 0, 0))
    shadow = Image.new("RGBA", out.size, (0, 0, 0, 0))
    ImageDraw.Draw(shadow).ellipse((pad, item.height + pad - pad // 2, item.width + pad, item.height + pad + pad // 2),
                                   fill=(0, 0, 0, 150))
    out.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(pad // 3)))
    out.alpha_composite(item, (pad, pad))
    return out


def product_image(look: LookSpec, brand: str, product: str, size: int, attached: Path | None = None) -> Image.Image:
    """The product at `size` px tall: the attached image when there is one, else the drawn pack."""
    if attached is not None:
        return load_product_image(Path(attached), size)
    return drawn_pack(look, brand, product, size)
