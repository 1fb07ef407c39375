"""Local render engine: timing, fonts and the ffmpeg command offline; one real render checked frame by frame."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from agent.domain import WORDS_PER_SECOND, CaptionStyle, EpisodeScript, Line
from agent.ports import RenderOutput, RenderRequest
from tests.tools.conftest import LOOK_A, frame_at, short_script
from tools.render.captions import caption_image
from tools.render.colour import delta_e76, hex_to_rgb, rgb_to_lab
from tools.render.encode import (
    CaptionCue,
    EncodeError,
    EncodePlan,
    Segment,
    build_command,
    encode,
    write_caption_track,
)
from tools.render.fonts import FONTS_DIR, load_font, resolve_font
from tools.render.layout import background_probes, caption_centre, portrait_box
from tools.render.probe import probe
from tools.render.timing import MIN_CAPTION_SECONDS, build_timeline, chunk, group_lines


def _close(rgb: np.ndarray, other: str | np.ndarray, limit: float = 5.0) -> bool:
    """ΔE between a colour and a hex colour (or another colour) within limit."""
    ref = np.array(hex_to_rgb(other), float) if isinstance(other, str) else np.asarray(other, float)
    return float(delta_e76(rgb_to_lab(np.asarray(rgb, float)), rgb_to_lab(ref))) <= limit


# --- timing -----------------------------------------------------------------------------------------------


def test_captions_run_at_reading_speed_and_snap_to_frames() -> None:
    timeline = build_timeline(short_script(), fps=30)
    assert [s.name for s in timeline.shots] == ["cold_open", "beat", "cliffhanger"]
    for cap in timeline.captions:
        words = len(cap.text.split())
        assert cap.end - cap.start == pytest.approx(max(MIN_CAPTION_SECONDS, words / WORDS_PER_SECOND), abs=1 / 30)
        assert cap.start * 30 == pytest.approx(round(cap.start * 30), abs=1e-6)
    assert timeline.title_end == 1.5
    assert timeline.duration == pytest.approx(timeline.end_start + 2.0)
    assert 8 <= timeline.duration <= 11


def test_long_lines_are_chunked_and_too_long_episodes_refused() -> None:
    assert [len(c.split()) for c in chunk(" ".join(["w"] * 25))] == [9, 9, 7]
    long = short_script().model_copy(update={"lines": [Line(speaker="Maya", text=" ".join(["word"] * 300))]})
    with pytest.raises(ValueError, match="under 120 s"):
        build_timeline(long)


def test_without_lines_the_beats_are_narrated() -> None:
    script = EpisodeScript(number=1, title="T", cold_open="A door opens.", beat="Someone waits.",
                           cliffhanger="It is her.", product_moment="p")
    groups = group_lines(script)
    assert [g[0].text for g in groups.values()] == ["A door opens.", "Someone waits.", "It is her."]
    assert len(build_timeline(script).shots) == 3


def test_two_lines_skip_the_beat_shot() -> None:
    script = short_script().model_copy(update={"lines": short_script().lines[:2]})
    assert [s.name for s in build_timeline(script).shots] == ["cold_open", "cliffhanger"]


# --- fonts ------------------------------------------------------------------------------------------------


def test_bundled_fonts_resolve_and_carry_a_licence() -> None:
    assert resolve_font("DejaVuSans-Bold") == FONTS_DIR / "DejaVuSans-Bold.ttf"
    assert resolve_font("dejavusans.ttf") == FONTS_DIR / "DejaVuSans.ttf"
    assert (FONTS_DIR / "LICENSE-DejaVu.txt").read_text().count("Bitstream") > 1
    assert load_font("DejaVuSans-Bold", 40).getlength("Hello") > 50


def test_user_font_paths_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not bundled"):
        resolve_font("Comic Sans")
    with pytest.raises(ValueError, match="does not exist"):
        resolve_font(str(tmp_path / "missing.ttf"))
    fake = tmp_path / "fake.ttf"
    fake.write_bytes(b"not a font")
    with pytest.raises(ValueError, match="not a readable"):
        resolve_font(str(fake))
    real = tmp_path / "mine.ttf"
    real.write_bytes((FONTS_DIR / "DejaVuSans.ttf").read_bytes())
    assert resolve_font(str(real)) == real


# --- layers and command -----------------------------------------------------------------------------------


def test_caption_styles_differ_where_it_matters() -> None:
    box = np.asarray(caption_image(LOOK_A, "Maya", "Whose key is this?", 950, is_lead=True))
    outline = np.asarray(caption_image(LOOK_A.model_copy(update={"caption_style": CaptionStyle.OUTLINE}), "Maya",
                                       "Whose key is this?", 950, is_lead=True))
    assert box[box.shape[0] // 2, 10, 3] > 200  # the panel is behind the text
    assert outline[outline.shape[0] // 2, 2, 3] == 0  # nothing but glyphs
    label_rows = box[: box.shape[0] // 3].reshape(-1, 4)
    primary = np.array(hex_to_rgb(LOOK_A.palette.primary))
    assert (np.abs(label_rows[:, :3].astype(int) - primary).sum(axis=1) < 30).sum() > 50  # lead label in primary


def test_command_asks_for_the_platform_format(tmp_path: Path) -> None:
    img = tmp_path / "x.png"
    Image.new("RGB", (1080, 1920)).save(img)
    cmd = build_command(EncodePlan([Segment(img, 1.0)], 1080, 1920, 30, "ultrafast"), tmp_path / "o.mp4")
    joined = " ".join(cmd)
    for flag in ["-c:v libx264", "-preset ultrafast", "-pix_fmt yuv420p", "-colorspace bt709",
                 "-color_primaries bt709", "-color_trc bt709", "-movflags +faststart", "-c:a aac", "anullsrc"]:
        assert flag in joined


def test_caption_track_fills_gaps_with_blank_at_the_output_rate(tmp_path: Path) -> None:
    blank, a, b = tmp_path / "blank.png", tmp_path / "a.png", tmp_path / "b.png"
    cues = [CaptionCue(a, 1.5, 3.0), CaptionCue(b, 3.0, 4.2)]
    text = write_caption_track(cues, blank, 6.2, 30, tmp_path / "t.ffconcat").read_text().splitlines()
    files = [row.split("'")[1] for row in text if row.startswith("file")]
    durations = [float(row.split()[1]) for row in text if row.startswith("duration")]
    assert files == [str(blank), str(a), str(b), str(blank), str(blank)]
    assert durations == pytest.approx([1.5, 1.5, 1.2, 2.0])
    assert text.count("option framerate 30") == len(files)


def test_failed_encode_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "ep01.mp4"
    with pytest.raises(EncodeError, match="ffmpeg exited"):
        encode(EncodePlan([Segment(tmp_path / "missing.png", 1.0)], 1080, 1920, 30), out)
    assert list(tmp_path.iterdir()) == []


# --- one real render ----------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_render_writes_the_three_files_atomically(render_request: RenderRequest, rendered: RenderOutput) -> None:
    stem = render_request.out_dir / "ep03"
    assert rendered.video_path == stem.with_suffix(".mp4")
    assert rendered.cover_path == render_request.out_dir / "ep03_cover.png"
    assert rendered.teaser_path == render_request.out_dir / "ep03_teaser.mp4"
    assert rendered.file_hash == hashlib.sha256(rendered.video_path.read_bytes()).hexdigest()
    assert not [p for p in render_request.out_dir.iterdir() if p.name.endswith(".part")]


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_video_is_h264_aac_1080x1920_30fps_bt709(render_request: RenderRequest, rendered: RenderOutput) -> None:
    facts = probe(rendered.video_path)
    assert (facts.width, facts.height, facts.fps) == (1080, 1920, 30)
    assert (facts.video_codec, facts.pixel_format, facts.audio_codec) == ("h264", "yuv420p", "aac")
    assert "bt709" in facts.colour
    expected = build_timeline(render_request.script).duration
    assert facts.duration_s == pytest.approx(expected, abs=0.07)
    assert rendered.duration_s == pytest.approx(expected)
    assert 8 <= facts.duration_s < 120


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_frames_show_title_lead_captions_and_end_card(render_request: RenderRequest, rendered: RenderOutput) -> None:
    look, timeline = render_request.look, build_timeline(render_request.script)
    cold = timeline.shots[0]
    title = frame_at(rendered.video_path, 0.5)
    shot_a = frame_at(rendered.video_path, cold.start + 0.1)
    shot_b = frame_at(rendered.video_path, cold.end - 0.1)
    end = frame_at(rendered.video_path, timeline.duration - 0.5)
    for frame in (title, shot_a, end):
        for box in background_probes(1080, 1920):
            assert _close(frame[box.y:box.bottom, box.x:box.right].reshape(-1, 3).mean(axis=0),
                          look.palette.background)
    card = portrait_box(look.framing, "cold_open", 1080, 1920)
    inside = shot_a[card.y + 100:card.bottom - 100, card.x + 100:card.right - 100].reshape(-1, 3).mean(axis=0)
    assert not _close(inside, look.palette.background, 15)  # the lead, not background
    assert not _close(title[card.y + 100:card.bottom - 100, card.x + 100:card.right - 100].reshape(-1, 3)
                      .mean(axis=0), inside, 15)  # the title card has no portrait
    _, cy = caption_centre(1080, 1920)
    strip = shot_a[cy - 40:cy + 40, 100:980].reshape(-1, 3)
    assert (strip.min(axis=1) > 220).sum() > 200  # white caption glyphs in the lower third
    assert (end[cy - 40:cy + 40, 100:980].reshape(-1, 3).min(axis=1) > 220).sum() < 50  # no caption on the end card
    assert np.abs(shot_a.astype(int) - shot_b.astype(int)).mean() > 1.0  # the shot drifts


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_caption_windows_are_frame_exact(render_request: RenderRequest, rendered: RenderOutput) -> None:
    """Each caption appears on its first frame and is replaced on the next caption's first frame."""
    timeline = build_timeline(render_request.script)
    _, cy = caption_centre(1080, 1920)
    first, second = timeline.captions[0], timeline.captions[1]
    # seeking returns the first frame at or after t: aim just before a frame's timestamp to get that frame
    before = frame_at(rendered.video_path, first.start - 1 / 30 - 0.01)
    on = frame_at(rendered.video_path, first.start - 0.01)
    last_of_first = frame_at(rendered.video_path, second.start - 1 / 30 - 0.01)
    next_cap = frame_at(rendered.video_path, second.start - 0.01)

    def glyphs(frame: np.ndarray) -> np.ndarray:
        return frame[cy - 120:cy + 120, 80:1000].min(axis=2) > 200

    title = frame_at(rendered.video_path, 0.5)
    assert (glyphs(before) != glyphs(title)).sum() < 100  # the last title frame: no caption yet
    assert (glyphs(before) != glyphs(on)).sum() > 500  # the first shot frame carries the first caption
    assert (glyphs(on) == glyphs(last_of_first)).mean() > 0.99
    assert (glyphs(last_of_first) != glyphs(next_cap)).sum() > 500


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_cover_and_teaser(render_request: RenderRequest, rendered: RenderOutput) -> None:
    with Image.open(rendered.cover_path) as img:
        assert img.size == (1080, 1920)
        assert _close(np.asarray(img.convert("RGB"))[1800, 540], render_request.look.palette.background, 1)
    assert rendered.teaser_path is not None
    facts = probe(rendered.teaser_path)
    assert 5.0 <= facts.duration_s <= 10.0
    assert (facts.video_codec, facts.audio_codec, facts.width, facts.height) == ("h264", "aac", 1080, 1920)
    last = frame_at(rendered.teaser_path, facts.duration_s - 0.5)
    first = frame_at(rendered.teaser_path, 0.5)
    card = portrait_box(render_request.look.framing, "cold_open", 1080, 1920)
    assert np.abs(first[card.y:card.bottom, card.x:card.right].astype(int)
                  - last[card.y:card.bottom, card.x:card.right].astype(int)).mean() > 20


@pytest.mark.slow
@pytest.mark.xdist_group("local-render")  # share one worker's session render under -n
def test_same_request_renders_the_same_bytes(render_request: RenderRequest, rendered: RenderOutput,
                                             tmp_path: Path) -> None:
    from tools.render import LocalRenderer

    again = LocalRenderer().render(render_request.model_copy(update={"out_dir": tmp_path}))
    assert again.file_hash == rendered.file_hash
