"""One upload validation (agent/uploads.py) behind the look and portrait paths every channel uses: size and pixel
limits named, type by content, SVGs drawn with nothing from outside, fonts parsed, portraits downscaled."""

from __future__ import annotations

import base64
import io
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import resvg_py
from fontTools import subset
from PIL import Image

from agent.services.looks import LookError, validate_font_upload, validate_logo_upload
from agent.services.personas import PersonaError, validate_portrait
from agent.uploads import PORTRAIT_MAX_SIDE, UploadError, content_suffix, inspect, sanitise_svg, save_portrait

FONT = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "DejaVuSans.ttf"
RED = (255, 0, 0)


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims width×height (what a decompression bomb looks like before decoding)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
                     + chunk(b"IEND", b""))
    return path


def solid_png(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (200, 200)) -> Path:
    Image.new("RGB", size, colour).save(path, format="PNG")
    return path


def has_colour(png: bytes, colour: tuple[int, int, int]) -> bool:
    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
        return any(px[:3] == colour and px[3] > 200 for px in rgba.getdata())


# ---- limits ---------------------------------------------------------------------------------------------------
def test_size_limit_is_named(tmp_path: Path) -> None:
    big = tmp_path / "logo.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (21 * 1024 * 1024))
    with pytest.raises(LookError, match="over the 20 MB limit for a logo"):
        validate_logo_upload(big, tmp_path / "brand")


def test_pixel_limit_is_named_before_decoding(tmp_path: Path) -> None:
    bomb = png_header_only(tmp_path / "portrait.png", 12000, 12000)
    with pytest.raises(PersonaError, match=r"12000×12000 px .* over the 50 megapixel limit for a portrait"):
        validate_portrait(bomb)
    with pytest.raises(LookError, match="50 megapixel limit"):
        validate_logo_upload(bomb, tmp_path / "brand")
    huge = png_header_only(tmp_path / "huge.png", 30000, 30000)  # past Pillow's own bomb guard
    with pytest.raises(PersonaError, match="over the 50 megapixel limit for a portrait"):
        validate_portrait(huge)


def test_portraits_are_downscaled(tmp_path: Path) -> None:
    photo = tmp_path / "ada.jpg"
    Image.new("RGB", (3000, 4000), (120, 90, 60)).save(photo, format="JPEG")
    assert validate_portrait(photo) == (3000, 4000)
    target = tmp_path / "stored.png"
    size = save_portrait(photo, target)
    with Image.open(target) as stored:
        assert stored.size == size and max(size) == PORTRAIT_MAX_SIDE and stored.format == "PNG"


# ---- type by content ------------------------------------------------------------------------------------------
def test_type_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    png_named_font = solid_png(tmp_path / "brand.ttf", (0, 0, 255))
    with pytest.raises(LookError, match="is a PNG image, not a .ttf or .otf font"):
        validate_font_upload(png_named_font, tmp_path / "brand")
    font_named_logo = tmp_path / "logo.png"
    font_named_logo.write_bytes(FONT.read_bytes())
    with pytest.raises(LookError, match="is a TTF font, not a PNG, JPEG or WebP image or an SVG"):
        validate_logo_upload(font_named_logo, tmp_path / "brand")
    svg_named_png = tmp_path / "mark.png"
    svg_named_png.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
                             '<rect width="100" height="100" fill="#00ff00"/></svg>')
    assert content_suffix(svg_named_png) == ".svg"
    stored = validate_logo_upload(svg_named_png, tmp_path / "brand")
    assert has_colour(stored.read_bytes(), (0, 255, 0))
    text = tmp_path / "portrait.jpg"
    text.write_text("just some words")
    with pytest.raises(PersonaError, match="not a file type I can read"):
        validate_portrait(text)
    assert inspect(FONT, {"font"}).format == "TTF"


# ---- SVG: nothing from outside --------------------------------------------------------------------------------
@pytest.fixture
def web() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request (an SVG must never make one)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            hits.append(self.path)
            body = solid_png_bytes(RED)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def solid_png_bytes(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (50, 50), colour).save(out, format="PNG")
    return out.getvalue()


def svg(body: str, extra_ns: str = "") -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" {extra_ns} '
            f'width="200" height="200" viewBox="0 0 200 200"><rect width="200" height="200" fill="#ffffff"/>'
            f'{body}</svg>')


def test_the_issue_case_a_server_file_never_reaches_the_preview(tmp_path: Path) -> None:
    """<image href="/abs/path.png">: resvg alone would draw that file's pixels; the upload check must not."""
    secret = solid_png(tmp_path / "server-secret.png", RED)
    logo = tmp_path / "logo.svg"
    logo.write_text(svg(f'<image href="{secret}" width="200" height="200"/>'))
    raw = bytes(resvg_py.svg_to_bytes(svg_string=logo.read_text(), width=200))
    assert has_colour(raw, RED)  # the attack works against an unsanitised render — so this test can fail
    stored = validate_logo_upload(logo, tmp_path / "brand")
    assert not has_colour(stored.read_bytes(), RED)


@pytest.mark.parametrize("template", [
    '<image href="{file}" width="200" height="200"/>',
    '<image xlink:href="file://{file}" width="200" height="200"/>',
    '<image href="{url}/pixel.png" width="200" height="200"/>',
    '<image href="{nested}" width="200" height="200"/>',
    '<use href="{nested}#r"/>',
    '<use xlink:href="{url}/defs.svg#r"/>',
    '<filter id="f"><feImage href="{file}"/></filter><rect width="200" height="200" filter="url(#f)"/>',
    '<rect width="200" height="200" style="fill: url({nested}#p)"/>',
    '<style>@import url({url}/x.css); rect {{ fill: url({nested}#p) }}</style><rect width="9" height="9"/>',
    ('<foreignObject width="200" height="200"><img xmlns="http://www.w3.org/1999/xhtml" src="{file}"/>'
     '</foreignObject>'),
    '<a href="{url}/go"><image href="{file}" width="200" height="200"/></a>',
])
def test_svg_external_references_are_removed(tmp_path: Path, web: tuple[str, list[str]], template: str) -> None:
    url, hits = web
    secret = solid_png(tmp_path / "secret.png", RED)
    nested = tmp_path / "nested.svg"
    nested.write_text(svg('<rect id="r" width="200" height="200" fill="#ff0000"/>'
                          '<pattern id="p" width="10" height="10"><rect width="10" height="10" fill="#ff0000"/>'
                          '</pattern>'))
    logo = tmp_path / "logo.svg"
    logo.write_text(svg(template.format(file=secret, url=url, nested=nested)))
    stored = validate_logo_upload(logo, tmp_path / "brand")
    assert not has_colour(stored.read_bytes(), RED)
    assert hits == []


def test_inline_raster_data_is_kept(tmp_path: Path) -> None:
    blue = base64.b64encode(solid_png_bytes((0, 0, 255))).decode()
    logo = tmp_path / "logo.svg"
    logo.write_text(svg(f'<image href="data:image/png;base64,{blue}" width="200" height="200"/>'))
    assert has_colour(validate_logo_upload(logo, tmp_path / "brand").read_bytes(), (0, 0, 255))
    nested_doc = base64.b64encode(svg('<rect width="200" height="200" fill="#ff0000"/>').encode()).decode()
    logo.write_text(svg(f'<image href="data:image/svg+xml;base64,{nested_doc}" width="200" height="200"/>'))
    assert not has_colour(validate_logo_upload(logo, tmp_path / "brand").read_bytes(), RED)


def test_entities_are_refused_and_a_plain_doctype_is_fine(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    + svg("<text>&x;</text>"))
    with pytest.raises(LookError, match="declares XML entities"):
        validate_logo_upload(logo, tmp_path / "brand")
    logo.write_text('<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' + svg(""))
    validate_logo_upload(logo, tmp_path / "brand")
    clean, removed = sanitise_svg(svg('<script>alert(1)</script><rect onclick="x()" width="1" height="1"/>'))
    assert "script" not in clean and "onclick" not in clean and removed


# ---- fonts ----------------------------------------------------------------------------------------------------
def test_fonts_are_parsed_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "brand.ttf"
    good.write_bytes(FONT.read_bytes())
    assert validate_font_upload(good, tmp_path / "brand").suffix == ".ttf"
    truncated = tmp_path / "broken.ttf"
    truncated.write_bytes(FONT.read_bytes()[:4000])
    with pytest.raises(LookError, match="not a readable TrueType/OpenType font|missing font tables"):
        validate_font_upload(truncated, tmp_path / "brand")
    digits_only = tmp_path / "digits.ttf"
    options = subset.Options()
    font = subset.load_font(str(FONT), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="0123456789")
    subsetter.subset(font)
    subset.save_font(font, str(digits_only), options)
    with pytest.raises(LookError, match="no letters for captions"):
        validate_font_upload(digits_only, tmp_path / "brand")
    with pytest.raises(UploadError):
        inspect(digits_only, {"font"})
