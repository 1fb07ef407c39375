"""The episode's sound: a music bed synthesised offline to fit the tone, SFX, and the mix (moviepy).

The bed is numpy synthesis: a four-chord progression (minor and slower for tense/dark/suspense tones, major and
brighter for warm/witty/light ones) as detuned pads, a bass pulse on the beat and soft off-beat ticks. It is
generated mono at 24 kHz (a 2-minute bed is 11 MB), so memory stays flat with length. SFX are synthesised the
same way: a shimmer for the product, a sting (a low hit and a dissonant stab) on the cliffhanger.

The mix is moviepy's job (issue 13): each voice clip is an AudioArrayClip placed with `with_start`, the bed is an
AudioArrayClip whose gain follows a ducking envelope (down ~10 dB under every line, with 120 ms ramps), SFX are
AudioArrayClips at their cue times, and CompositeAudioClip writes one 48 kHz stereo WAV in chunks. Loudness
normalisation and the limiter stay in the encoder's single ffmpeg run (tools.render.encode). Clips are closed
explicitly: CompositeAudioClip.close() does not close its children (DESIGN §5).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import numpy as np

BED_RATE = 24000
MIX_RATE = 48000
BED_LEVEL = 0.16
DUCK_GAIN = 0.3  # ≈ -10 dB under dialogue
DUCK_RAMP = 0.12

DARK = re.compile(r"dark|tense|suspens|thrill|myster|noir|serious|dramatic|edgy|moody", re.IGNORECASE)


def _midi(note: int) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def progression(tone: str) -> tuple[list[list[int]], float]:
    """Chords (MIDI notes) and tempo for a tone: i–VI–III–VII in A minor when dark, I–V–vi–IV in C when light."""
    if DARK.search(tone or ""):
        return [[57, 60, 64], [53, 57, 60], [48, 52, 55], [55, 59, 62]], 80.0
    return [[48, 52, 55], [55, 59, 62], [57, 60, 64], [53, 57, 60]], 96.0


def music_bed(duration: float, tone: str, rate: int = BED_RATE) -> np.ndarray:
    """The bed as mono float32 in [-1, 1] (deterministic for the same duration and tone)."""
    chords, bpm = progression(tone)
    beat = 60.0 / bpm
    bar = 4 * beat
    n = int(duration * rate)
    out = np.zeros(n, dtype=np.float32)
    chord_len = int(2 * bar * rate)  # two bars per chord
    t_chord = np.arange(chord_len, dtype=np.float32) / rate
    attack = np.minimum(1.0, t_chord / 0.6) * np.minimum(1.0, (2 * bar - t_chord) / 0.4)
    for k, start in enumerate(range(0, n, chord_len)):
        notes = chords[k % len(chords)]
        seg = np.zeros(chord_len, dtype=np.float32)
        for note in notes:
            f = _midi(note + 12)
            for detune in (-0.6, 0.6):  # two slightly detuned voices make a pad
                seg += np.sin(2 * np.pi * (f + detune) * t_chord).astype(np.float32) * 0.16
        root = _midi(notes[0] - 12)
        phase_in_beat = (t_chord % beat)
        seg += (np.sin(2 * np.pi * root * t_chord) * np.exp(-phase_in_beat * 5.0)).astype(np.float32) * 0.55
        seg *= attack.astype(np.float32)
        end = min(n, start + chord_len)
        out[start:end] += seg[: end - start]
    # soft off-beat ticks: short decaying noise, seeded so the bed is the same every time
    rng = np.random.default_rng(7)
    tick = (rng.standard_normal(int(0.05 * rate)) * np.exp(-np.linspace(0, 8, int(0.05 * rate)))).astype(np.float32)
    for t in np.arange(beat / 2, duration, beat):
        i = int(t * rate)
        j = min(n, i + tick.size)
        out[i:j] += tick[: j - i] * 0.05
    fade = min(n, int(1.0 * rate))
    out[:fade] *= np.linspace(0, 1, fade, dtype=np.float32)
    out[n - fade:] *= np.linspace(1, 0, fade, dtype=np.float32)
    peak = float(np.abs(out).max()) or 1.0
    return out / peak * BED_LEVEL


def sting(rate: int = MIX_RATE) -> np.ndarray:
    """The cliffhanger hit: a low boom and a dissonant stab, decaying over ~2 s (mono float32)."""
    t = np.arange(int(2.2 * rate), dtype=np.float32) / rate
    boom = np.sin(2 * np.pi * 55 * t * (1 - 0.15 * t)) * np.exp(-t * 2.2)
    stab = sum(np.sin(2 * np.pi * _midi(n) * t) for n in (69, 70, 75, 76)) / 4 * np.exp(-t * 1.6)
    attack = np.minimum(1.0, t / 0.01)
    return ((0.9 * boom + 0.6 * stab) * attack * 0.8).astype(np.float32)


def shimmer(rate: int = MIX_RATE) -> np.ndarray:
    """The product's sparkle: a quick rising arpeggio of bell tones (mono float32)."""
    length = int(1.2 * rate)
    out = np.zeros(length, dtype=np.float32)
    for k, note in enumerate((84, 88, 91, 96)):
        start = int(k * 0.09 * rate)
        t = np.arange(length - start, dtype=np.float32) / rate
        out[start:] += (np.sin(2 * np.pi * _midi(note) * t) * np.exp(-t * 4.0)).astype(np.float32) * 0.2
    return out


def duck_envelope(duration: float, speech: list[tuple[float, float]], rate: int = 100) -> np.ndarray:
    """Bed gain over time at `rate` Hz: 1 in the clear, DUCK_GAIN under each speech window, with ramps."""
    n = int(duration * rate) + 2
    env = np.ones(n, dtype=np.float32)
    ramp = max(1, int(DUCK_RAMP * rate))
    for start, end in speech:
        a, b = max(0, int((start - DUCK_RAMP) * rate)), min(n, int((end + DUCK_RAMP) * rate))
        env[a:b] = DUCK_GAIN
    kernel = np.ones(ramp, dtype=np.float32) / ramp  # moving average turns steps into ramps
    return np.convolve(env, kernel, mode="same")


def mix(out_path: Path, duration: float, voices: list[tuple[Path, float, float]], tone: str,
        sfx: list[tuple[str, float]]) -> Path:
    """Write the episode's audio (48 kHz stereo WAV): voices (path, start, length), ducked bed, SFX (kind, at)."""
    from moviepy import AudioArrayClip, CompositeAudioClip

    from tools.voice.wav import read_mono

    env = duck_envelope(duration, [(s, s + d) for _p, s, d in voices])
    bed = music_bed(duration, tone)
    music = AudioArrayClip(np.repeat(bed[:, None], 2, axis=1), fps=BED_RATE).with_duration(duration)

    def ducked(get_frame, t):
        gain = np.interp(np.asarray(t, dtype=np.float64) * 100, np.arange(env.size), env)
        return get_frame(t) * (gain[:, None] if np.ndim(t) else gain)

    music = music.transform(ducked, keep_duration=True)
    effects = {"sting": sting, "shimmer": shimmer}
    with contextlib.ExitStack() as stack:
        clips = [music]
        for path, start, _length in voices:
            # read the WAV ourselves: AudioFileClip's buffered reader indexes past the end of short clips at
            # chunk edges (moviepy 2.2.1 IndexError), an array clip cannot
            samples, rate = read_mono(Path(path))
            clip = stack.enter_context(_closing(AudioArrayClip(np.repeat(samples[:, None], 2, axis=1), fps=rate)))
            clips.append(clip.with_start(start))
        for kind, at in sfx:
            wave = effects[kind]()
            end = min(duration, at + wave.size / MIX_RATE)
            if end <= at:
                continue
            clip = AudioArrayClip(np.repeat(wave[:, None], 2, axis=1), fps=MIX_RATE)
            clips.append(clip.with_start(at).with_duration(end - at))
        composite = CompositeAudioClip(clips).with_duration(duration)
        tmp = out_path.with_name(f".{out_path.name}.part.wav")
        composite.write_audiofile(str(tmp), fps=MIX_RATE, nbytes=2, codec="pcm_s16le", logger=None,
                                  buffersize=MIX_RATE * 2)
        composite.close()
        tmp.replace(out_path)
    return out_path


@contextlib.contextmanager
def _closing(clip):
    try:
        yield clip
    finally:
        clip.close()
