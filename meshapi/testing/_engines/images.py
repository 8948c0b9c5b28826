"""Pictures for the local gateway: a deterministic mosaic scene per prompt.

Rule: the same prompt and size always give the same picture. The scene is a small grid of flat
colour cells drawn from the prompt's words and hash; ``_formats/images.py`` encodes it.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
from typing import Dict, List, Tuple

from .._formats.images import RGBA, CellImage, encode

__all__ = ["render_image", "scene"]


_THEMES: Dict[str, Tuple[float, float, float]] = {
    # word: (hue, saturation, value) nudges for the palette
    "snow": (0.58, 0.08, 0.97),
    "snowy": (0.58, 0.08, 0.97),
    "winter": (0.6, 0.12, 0.95),
    "forest": (0.33, 0.55, 0.55),
    "tree": (0.3, 0.5, 0.6),
    "ocean": (0.55, 0.7, 0.75),
    "sea": (0.55, 0.7, 0.75),
    "night": (0.68, 0.6, 0.25),
    "sunset": (0.05, 0.75, 0.95),
    "fox": (0.07, 0.85, 0.9),
    "fire": (0.03, 0.9, 0.95),
    "desert": (0.11, 0.5, 0.9),
    "space": (0.72, 0.5, 0.15),
    "watercolor": (0.55, 0.3, 0.9),
    "city": (0.6, 0.15, 0.6),
}


def _hsv(h: float, s: float, v: float) -> Tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, max(0.0, min(1.0, s)), max(0.0, min(1.0, v)))
    return int(r * 255), int(g * 255), int(b * 255)


def _mix(a: Tuple[int, int, int], b: Tuple[int, int, int], t: float) -> Tuple[int, int, int]:
    return (
        int(a[0] + (b[0] - a[0]) * t),
        int(a[1] + (b[1] - a[1]) * t),
        int(a[2] + (b[2] - a[2]) * t),
    )


def scene(prompt: str, cols: int, rows: int, *, transparent: bool = False) -> List[List[RGBA]]:
    """A ``rows`` x ``cols`` grid: sky gradient, a sun, hills and a few shapes, from the prompt."""
    seed = int.from_bytes(hashlib.blake2b(prompt.encode("utf-8"), digest_size=8).digest(), "big")
    rng = random.Random(seed)
    words = [w.strip(".,!?").lower() for w in prompt.split()]
    themes = [_THEMES[w] for w in words if w in _THEMES]
    base_h, base_s, base_v = themes[0] if themes else (rng.random(), 0.45, 0.85)
    sky_top = _hsv(base_h + 0.02, base_s * 0.9, min(1.0, base_v + 0.1))
    sky_bottom = _hsv(base_h - 0.05, base_s * 0.5, min(1.0, base_v + 0.15))
    accent = _hsv(themes[1][0] if len(themes) > 1 else base_h + 0.45, 0.8, 0.95)
    ground = _hsv(base_h + 0.25 + rng.uniform(-0.05, 0.05), base_s + 0.2, base_v * 0.55)
    ground2 = _hsv(base_h + 0.3, base_s + 0.1, base_v * 0.4)
    sun_x, sun_y = rng.uniform(0.2, 0.8) * cols, rng.uniform(0.15, 0.35) * rows
    sun_r = rng.uniform(0.07, 0.13) * min(cols, rows)
    phase, phase2 = rng.uniform(0, math.tau), rng.uniform(0, math.tau)
    freq, freq2 = rng.uniform(1.5, 3.5), rng.uniform(2.5, 5.0)
    shapes = []
    for _ in range(rng.randint(2, 5)):
        shapes.append(
            (
                rng.uniform(0.1, 0.9) * cols,
                rng.uniform(0.55, 0.9) * rows,
                rng.uniform(0.03, 0.07) * min(cols, rows),
                _hsv(base_h + rng.uniform(0.3, 0.7), 0.7, 0.9),
            )
        )
    grid: List[List[RGBA]] = []
    for y in range(rows):
        t = y / max(1, rows - 1)
        sky = _mix(sky_top, sky_bottom, t)
        row: List[RGBA] = []
        for x in range(cols):
            u = x / max(1, cols - 1)
            hill = 0.62 + 0.08 * math.sin(u * freq * math.pi + phase)
            hill2 = 0.75 + 0.06 * math.sin(u * freq2 * math.pi + phase2)
            alpha = 255
            if y / rows > hill2:
                color = ground2
            elif y / rows > hill:
                color = ground
            elif (x - sun_x) ** 2 + (y - sun_y) ** 2 <= sun_r**2:
                color = accent
            else:
                color = sky
                if transparent:
                    alpha = 0
            for sx, sy, sr, scolor in shapes:
                if (x - sx) ** 2 + (y - sy) ** 2 <= sr**2:
                    color, alpha = scolor, 255
            row.append((color[0], color[1], color[2], alpha if transparent else 255))
        grid.append(row)
    return grid


def render_image(
    prompt: str,
    width: int,
    height: int,
    fmt: str = "png",
    *,
    transparent: bool = False,
    coarseness: int = 1,
    quality: int = 85,
) -> Tuple[bytes, str]:
    """Encoded bytes and MIME type of the picture for ``prompt``.

    ``coarseness`` > 1 draws fewer, bigger cells (used for streamed partial images).
    """
    cell = max(8, (min(width, height) // 64) // 8 * 8) * max(1, coarseness)
    cols, rows = max(1, -(-width // cell)), max(1, -(-height // cell))
    image = CellImage(width, height, scene(prompt, cols, rows, transparent=transparent))
    return encode(image, fmt, quality=quality)
