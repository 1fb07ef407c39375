"""Look edits in words, WCAG AA contrast, and uploaded fonts/logos validated before a lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from agent.domain import LookSpec, Palette
from agent.services.looks import (
    LookError,
    apply_text_changes,
    check_contrast,
    contrast_ratio,
    normalise_hex,
    validate_font_upload,
    validate_logo_upload,
)


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic AA near-miss
    assert check_contrast(Palette()).passes
    assert not check_contrast(Palette(text="#222222", background="#14121F")).passes


@pytest.mark.parametrize(("raw", "hex_value"), [("#abc", "#AABBCC"), ("1a2b3c", "#1A2B3C"), ("navy", "#000080")])
def test_colours_are_normalised(raw: str, hex_value: str) -> None:
    assert normalise_hex(raw) == hex_value


def test_text_changes_and_refusals() -> None:
    look, changes = apply_text_changes(LookSpec(), "background #101820, outline captions, thirds framing")
    assert (look.palette.background, look.caption_style.value, look.framing.value) == ("#101820", "outline",
                                                                                     "thirds")
    assert len(changes) == 3
    assert apply_text_changes(LookSpec(), "logo text: LUMEN")[0].logo_text == "LUMEN"
    with pytest.raises(LookError, match="write it as hex"):
        apply_text_changes(LookSpec(), "background #12")
    with pytest.raises(LookError, match="not bundled"):
        apply_text_changes(LookSpec(), "font Comic Sans")


def test_uploads_are_validated_and_stored_by_hash(tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    png = tmp_path / "logo.png"
    Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(png)
    stored = validate_logo_upload(png, folder)
    assert stored.parent == folder and validate_logo_upload(png, folder) == stored
    jpeg = tmp_path / "logo.png.jpg"
    Image.new("RGB", (200, 100)).save(jpeg, format="JPEG")
    with pytest.raises(LookError, match="is a JPEG, not a PNG"):  # the bytes decide (agent/uploads.py)
        validate_logo_upload(jpeg, folder)
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"not an image")
    with pytest.raises(LookError, match="not a file type I can read"):
        validate_logo_upload(fake, folder)
    svg = tmp_path / "m.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20" '
                   'fill="red"/></svg>')
    with Image.open(validate_logo_upload(svg, folder)) as image:
        assert image.format == "PNG" and image.width == 512
    with pytest.raises(LookError, match="not valid SVG"):
        (tmp_path / "x.svg").write_text("<svg")
        validate_logo_upload(tmp_path / "x.svg", folder)
    with pytest.raises(LookError, match=".ttf or .otf"):
        validate_font_upload(png, folder)
