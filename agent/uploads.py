"""One validation for every uploaded file (Slack attachment, terminal path, CLI): size, pixels, type, safety.

Why one module: logos, fonts and portraits arrive through Slack, the terminal and the CLI, and each path used to
check a little (Slack capped the size, the terminal nothing; the type came from the file name). Here:
- a size limit and a pixel limit, named in the refusal ("… is over the 20 MB upload limit");
- the type is decided by the bytes (magic numbers, then Pillow / fontTools / an XML parse), never by the name;
- SVGs are parsed without DTDs or entities (defusedxml) and sanitised before resvg draws them: every reference to
  anything outside the document (files, http, nested documents: `<image>`/`<feImage>`/`<use>` hrefs, CSS `url()`
  and `@import`, `<foreignObject>`, `<script>`) is removed; only inline `data:` rasters stay. resvg-py has no
  switch to turn resource loading off (only `resources_dir`), so the tree is cleaned, and resvg is also pointed
  at an empty folder;
- fonts are parsed with fontTools and must have the tables and Latin glyphs a caption needs;
- portraits are stored downscaled (longest side PORTRAIT_MAX_SIDE) so renders never reload a 600 MB bitmap.
Refusals are `UploadError` (a ValueError) with text written for the marketer.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * MB
MAX_SVG_BYTES = 2 * MB
MAX_IMAGE_PIXELS = 50_000_000  # 50 megapixels: a 48 MP phone photo passes, a 12000×12000 (144 MP) does not
PORTRAIT_MAX_SIDE = 2048
SNIFF_BYTES = 64 * 1024

Kind = Literal["image", "svg", "font"]
RASTER_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
FONT_SUFFIX = {"TTF": ".ttf", "OTF": ".otf"}
REQUIRED_FONT_TABLES = ("cmap", "head", "hhea", "hmtx", "maxp", "name")
WANTED = {"image": "a PNG, JPEG or WebP image", "svg": "an SVG", "font": "a .ttf or .otf font"}
XLINK = "{http://www.w3.org/1999/xlink}href"
SVG_NS = "{http://www.w3.org/2000/svg}"
_DATA_RASTER = re.compile(r"^\s*data:image/(png|jpeg|jpg|webp|gif)(;[^,]*)?,", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!#)[^)]*\1\s*\)|@import[^;]*;?", re.IGNORECASE)


class UploadError(ValueError):
    """An upload we refuse; the message says why and what to send instead."""


@dataclass(frozen=True)
class Upload:
    """What a file really is."""

    path: Path
    kind: Kind
    format: str  # PNG, JPEG, WEBP, SVG, TTF, OTF
    size: tuple[int, int] | None = None  # pixels, for raster images

    @property
    def suffix(self) -> str:
        """The extension matching the content."""
        return {**RASTER_FORMATS, **FONT_SUFFIX, "SVG": ".svg"}[self.format]


def sniff(head: bytes) -> tuple[Kind, str] | None:
    """The kind and format from the first bytes (magic numbers; SVG by its root element), None when unknown."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "WEBP"
    if head[:4] in (b"\x00\x01\x00\x00", b"true"):
        return "font", "TTF"
    if head[:4] == b"OTTO":
        return "font", "OTF"
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    text = re.sub(r"^(<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>|\s)+", "", text, flags=re.DOTALL)
    if re.match(r"<(\w+:)?svg([\s>/]|$)", text):
        return "svg", "SVG"
    return None


def _describe(head: bytes) -> str:
    """A plain name for what a refused file seems to be."""
    for magic, name in ((b"%PDF", "a PDF"), (b"GIF8", "a GIF"), (b"PK\x03\x04", "a zip/Office document"),
                        (b"ttcf", "a font collection"), (b"wOFF", "a web font (WOFF)"), (b"wOF2", "a web font (WOFF2)")):
        if head.startswith(magic):
            return name
    if head[4:8] == b"ftyp":
        return "a video or HEIC photo"
    return "not a file type I can read"


def _size_checked(path: Path, what: str, limit: int = MAX_UPLOAD_BYTES) -> int:
    try:
        size = path.stat().st_size
    except OSError:
        raise UploadError(f"I couldn't read the {what} “{path.name}”.") from None
    if size > limit:
        raise UploadError(f"“{path.name}” is {size / MB:.1f} MB — over the {limit // MB} MB limit for a {what}; "
                          "please send a smaller file.")
    if size == 0:
        raise UploadError(f"“{path.name}” is empty.")
    return size


def content_suffix(path: Path) -> str | None:
    """The extension the file's bytes call for (".png", ".svg", ".ttf", …), None when unknown or unreadable."""
    try:
        with path.open("rb") as handle:
            found = sniff(handle.read(SNIFF_BYTES))
    except OSError:
        return None
    if found is None:
        return None
    return {**RASTER_FORMATS, **FONT_SUFFIX, "SVG": ".svg"}[found[1]]


def inspect(path: Path, allowed: set[Kind], what: str = "upload") -> Upload:
    """Check `path` against every limit and return what it really is; UploadError when refused."""
    _size_checked(path, what)
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    found = sniff(head)
    wanted = " or ".join(WANTED[k] for k in ("image", "svg", "font") if k in allowed)
    if found is None:
        raise UploadError(f"“{path.name}” is {_describe(head)}; a {what} must be {wanted}.")
    kind, fmt = found
    if kind not in allowed:
        what_it_is = {"image": f"a {fmt} image", "svg": "an SVG drawing", "font": f"a {fmt} font"}[kind]
        raise UploadError(f"“{path.name}” is {what_it_is}, not {wanted}.")
    if kind == "image":
        return Upload(path, kind, fmt, image_size(path, what))
    if kind == "font":
        check_font(path, what)
        return Upload(path, kind, fmt)
    _size_checked(path, what, MAX_SVG_BYTES)
    return Upload(path, kind, fmt)


def _pixel_check(size: tuple[int, int], name: str, what: str) -> None:
    if size[0] * size[1] > MAX_IMAGE_PIXELS:
        raise UploadError(f"“{name}” is {size[0]}×{size[1]} px ({size[0] * size[1] / 1e6:.0f} megapixels) — over "
                          f"the {MAX_IMAGE_PIXELS // 1_000_000} megapixel limit for a {what}; please send a "
                          "smaller image.")


def image_size(path: Path, what: str = "image") -> tuple[int, int]:
    """The pixel size of a readable raster image under the pixel limit (checked from the header, before decoding)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is lower and named
            with Image.open(path) as image:
                size = image.size
                _pixel_check(size, path.name, what)
                image.verify()
    except UploadError:
        raise
    except Image.DecompressionBombError:  # so large that Pillow refused to even open it
        raise UploadError(f"“{path.name}” is over the {MAX_IMAGE_PIXELS // 1_000_000} megapixel limit for a "
                          f"{what}; please send a smaller image.") from None
    except Exception:  # noqa: BLE001 - Pillow raises many types for broken files
        raise UploadError(f"“{path.name}” is damaged or not a complete image; please export it again.") from None
    return size


def check_font(path: Path, what: str = "font") -> None:
    """A TrueType/OpenType font with the tables a renderer needs and glyphs for Latin letters and digits."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), lazy=True) as font:
            missing = [t for t in REQUIRED_FONT_TABLES if t not in font]
            if "glyf" not in font and "CFF " not in font and "CFF2" not in font:
                missing.append("glyf/CFF")
            if missing:
                raise UploadError(f"“{path.name}” is missing font tables ({', '.join(missing)}); please export "
                                  "it again as .ttf or .otf.")
            cmap = font.getBestCmap() or {}
            absent = [c for c in "AZaz09" if ord(c) not in cmap]
            if absent:
                raise UploadError(f"“{path.name}” has no letters for captions (missing {' '.join(absent)}); "
                                  f"a {what} needs Latin letters and digits.")
    except UploadError:
        raise
    except Exception:  # noqa: BLE001 - fontTools raises assorted errors (TTLibError, struct.error, …)
        raise UploadError(f"“{path.name}” is not a readable TrueType/OpenType font; please export it again as "
                          ".ttf.") from None
    from PIL import ImageFont

    try:
        ImageFont.truetype(str(path), 24)
    except OSError:
        raise UploadError(f"“{path.name}” can't be drawn by the renderer; please export it again as .ttf.") from None


# ---- SVG ------------------------------------------------------------------------------------------------------
def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _safe_data_raster(href: str) -> bool:
    """An inline data: URI holding a PNG/JPEG/WebP/GIF under the pixel limit."""
    match = _DATA_RASTER.match(href)
    if not match:
        return False
    payload = href.split(",", 1)[1]
    try:
        raw = base64.b64decode(payload, validate=False) if ";base64" in (match.group(2) or "").lower() else b""
        with Image.open(io.BytesIO(raw)) as image:
            return image.size[0] * image.size[1] <= MAX_IMAGE_PIXELS
    except (binascii.Error, OSError, ValueError, Image.DecompressionBombError):
        return False


def sanitise_svg(text: str) -> tuple[str, list[str]]:
    """The SVG with every external reference removed, and what was removed (for the log)."""
    from xml.etree import ElementTree as ET

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise UploadError("declares XML entities; please export a plain SVG.") from None
    except ET.ParseError as exc:
        raise UploadError(f"is not valid SVG ({exc}).") from None
    if _local(root.tag) != "svg":
        raise UploadError("does not start with an <svg> element.")
    ET.register_namespace("", SVG_NS[1:-1])  # serialise as plain <svg>, not <ns0:svg>
    ET.register_namespace("xlink", XLINK[1:].split("}")[0])
    removed: list[str] = []
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        name = _local(element.tag)
        if name in ("script", "foreignobject", "iframe", "object", "embed", "audio", "video", "include"):
            parent = parents.get(element)
            if parent is not None:
                parent.remove(element)
            removed.append(f"<{name}>")
            continue
        for attr in list(element.attrib):
            value = element.attrib[attr]
            local = _local(attr)
            if local == "href" or attr == XLINK:
                is_image = name in ("image", "feimage")
                keep = _safe_data_raster(value) if is_image else value.strip().startswith("#")
                if name == "feimage" and value.strip().startswith("#"):
                    keep = True  # a reference to an element of this document
                if not keep:
                    del element.attrib[attr]
                    removed.append(f"{name} href")
            elif local.startswith("on"):
                del element.attrib[attr]
                removed.append(f"{name} {local}")
            elif _CSS_URL.search(value):
                element.attrib[attr] = _CSS_URL.sub("none", value)
                removed.append(f"{name} {local} url()")
        if name == "style" and element.text and _CSS_URL.search(element.text):
            element.text = _CSS_URL.sub("none", element.text)
            removed.append("<style> url()/@import")
    return ET.tostring(root, encoding="unicode"), removed


def svg_to_png(path: Path, width: int = 512) -> bytes:
    """Check, sanitise and rasterise an uploaded SVG; nothing outside the document can be read while drawing."""
    upload = inspect(path, {"svg"}, "logo")
    text = upload.path.read_text(encoding="utf-8", errors="replace")
    try:
        clean, _removed = sanitise_svg(text)
    except UploadError as error:
        raise UploadError(f"“{path.name}” {error}") from None
    import resvg_py

    with tempfile.TemporaryDirectory(prefix="svg-empty-") as empty:
        try:
            return bytes(resvg_py.svg_to_bytes(svg_string=clean, width=width, resources_dir=empty))
        except ValueError as exc:
            raise UploadError(f"“{path.name}” could not be drawn ({exc}).") from None


# ---- portraits ------------------------------------------------------------------------------------------------
def save_portrait(path: Path, target: Path, max_side: int = PORTRAIT_MAX_SIDE) -> tuple[int, int]:
    """Store an uploaded portrait as RGB PNG, downscaled so its longest side is at most `max_side`."""
    upload = inspect(path, {"image"}, "portrait")
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(upload.path) as image:
        if image.format == "JPEG":
            image.draft("RGB", (max_side, max_side))  # decode JPEGs at a reduced scale straight away
        image = image.convert("RGB")
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        image.save(target, format="PNG")
        return image.size
