"""Local render engine: Pillow composes the still layers once, ffmpeg moves and encodes them (DESIGN §5)."""

from tools.render.local import LocalRenderer

__all__ = ["LocalRenderer"]
