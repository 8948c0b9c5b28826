"""Videos for the local gateway: a short looping animation of the prompt's scene.

Rule: the same prompt, size and frame count give the same file. The camera pans across a scene
twice the frame's width (``_engines/images.scene``) while the frames advance; colours are
quantised to a fixed 6x7x6 cube (252 colours) and the frames written as an animated GIF.
"""

from __future__ import annotations

from typing import List, Tuple

from .._formats.gif import encode_gif
from .images import scene

__all__ = ["PALETTE", "render_frames", "render_video"]

PALETTE: List[Tuple[int, int, int]] = [
    (r * 51, g * 255 // 6, b * 51) for r in range(6) for g in range(7) for b in range(6)
]


def _index(r: int, g: int, b: int) -> int:
    return ((r * 5 + 127) // 255) * 42 + ((g * 6 + 127) // 255) * 6 + (b * 5 + 127) // 255


def render_video(prompt: str, width: int, height: int, frames: int, fps: int) -> bytes:
    """An animated GIF of ``frames`` frames of ``width`` x ``height`` at ``fps`` frames/s."""
    out = render_frames(prompt, width, height, frames)
    return encode_gif(width, height, PALETTE, out, max(2, round(100 / fps)))


def render_frames(prompt: str, width: int, height: int, frames: int) -> List[bytes]:
    """The frames of :func:`render_video`: ``width * height`` indices into :data:`PALETTE`."""
    cell = max(4, min(width, height) // 18)
    rows = max(1, -(-height // cell))
    cols = max(1, -(-2 * width // cell))
    grid = scene(prompt, cols, rows)
    indexed = [[_index(c[0], c[1], c[2]) for c in row] for row in grid]
    span = cols * cell - width
    out: List[bytes] = []
    for t in range(frames):
        shift = span * t // max(1, frames - 1)
        col_of = [(x + shift) // cell for x in range(width)]
        picture = bytearray()
        last_row = -1
        line = b""
        for y in range(height):
            r = y // cell
            if r != last_row:
                cells = indexed[r]
                line = bytes(cells[c] for c in col_of)
                last_row = r
            picture += line
        out.append(bytes(picture))
    return out
