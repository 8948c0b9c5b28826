"""Image edits: every operation of ``POST /v1/images/edits`` as a deterministic transform.

Rule: the same inputs give the same picture, and each operation visibly does what its name
says. "Generated" content is the prompt's scene (``_engines/images.scene``), so a prompt
changes what is painted and nothing else:

- ``edit``: the picture blended half-way toward the prompt's scene (only where the mask is
  transparent, when a mask is given);
- ``inpaint``: where the mask is transparent, the scene replaces the picture; elsewhere every
  pixel is kept exactly (``mask_feather`` softens the border by that many pixels);
- ``outpaint``: a canvas ``expand_factor`` times larger, the scene around the untouched picture;
- ``mix``: the picture averaged with the reference pictures (each scaled to its size);
- ``reframe``: the canvas widened or heightened to ``aspect_ratio``, the scene filling the new
  sides, the picture untouched in the middle;
- ``upscale``: enlarged ``upscale_factor`` times (bilinear);
- ``remove_background``: the colour that dominates the border, and everything connected to the
  border within a tolerance of it, made fully transparent.
"""

from __future__ import annotations

from collections import Counter, deque
from typing import List, Optional, Sequence

from .._formats.png import Pixels
from .images import scene

__all__ = [
    "edit",
    "inpaint",
    "mix",
    "outpaint",
    "reframe",
    "remove_background",
    "resize",
    "scene_pixels",
    "upscale",
]


def scene_pixels(prompt: str, width: int, height: int) -> Pixels:
    """The prompt's scene drawn at ``width`` x ``height``."""
    cell = max(4, min(width, height) // 24)
    cols, rows = max(1, -(-width // cell)), max(1, -(-height // cell))
    grid = scene(prompt or "scene", cols, rows)
    data = bytearray()
    for y in range(height):
        cells = grid[y * rows // height]
        line = bytearray()
        for x in range(width):
            line += bytes(cells[x * cols // width])
        data += line
    return Pixels(width, height, data)


def resize(image: Pixels, width: int, height: int) -> Pixels:
    """``image`` scaled to ``width`` x ``height`` (bilinear)."""
    src, sw, sh = image.data, image.width, image.height
    out = bytearray(width * height * 4)
    xs = []
    for x in range(width):
        fx = max(0.0, (x + 0.5) * sw / width - 0.5)
        x0 = min(int(fx), sw - 1)
        xs.append((x0, min(x0 + 1, sw - 1), fx - x0))
    o = 0
    for y in range(height):
        fy = max(0.0, (y + 0.5) * sh / height - 0.5)
        y0 = min(int(fy), sh - 1)
        y1, ty = min(y0 + 1, sh - 1), fy - y0
        r0, r1 = y0 * sw * 4, y1 * sw * 4
        for x0, x1, tx in xs:
            a, b = r0 + x0 * 4, r0 + x1 * 4
            c, d = r1 + x0 * 4, r1 + x1 * 4
            for k in range(4):
                top = src[a + k] + (src[b + k] - src[a + k]) * tx
                bottom = src[c + k] + (src[d + k] - src[c + k]) * tx
                out[o] = int(top + (bottom - top) * ty + 0.5)
                o += 1
    return Pixels(width, height, out)


def _mask_weights(mask: Pixels, width: int, height: int, feather: int) -> List[float]:
    """Per pixel, how much to edit: 1 where the mask is transparent, 0 where it is opaque."""
    if (mask.width, mask.height) != (width, height):
        mask = resize(mask, width, height)
    weights = [1.0 - a / 255.0 for a in mask.data[3::4]]
    if feather <= 0:
        return weights
    # A box blur of radius ``feather``, rows then columns.
    for _ in range(2):
        blurred = [0.0] * len(weights)
        for y in range(height):
            row = weights[y * width : (y + 1) * width]
            for x in range(width):
                lo, hi = max(0, x - feather), min(width, x + feather + 1)
                blurred[y * width + x] = sum(row[lo:hi]) / (hi - lo)
        weights = [0.0] * len(blurred)
        for x in range(width):
            col = blurred[x::width]
            for y in range(height):
                lo, hi = max(0, y - feather), min(height, y + feather + 1)
                weights[y * width + x] = sum(col[lo:hi]) / (hi - lo)
    return weights


def _blend(base: Pixels, top: Pixels, weights: Sequence[float]) -> Pixels:
    out = base.copy()
    d, t = out.data, top.data
    for i, w in enumerate(weights):
        if w <= 0.0:
            continue
        j = i * 4
        for k in range(4):
            d[j + k] = int(d[j + k] + (t[j + k] - d[j + k]) * w + 0.5)
    return out


def edit(image: Pixels, prompt: str, mask: Optional[Pixels] = None, feather: int = 0) -> Pixels:
    """Half-way toward the prompt's scene, everywhere or where the mask is transparent."""
    painted = scene_pixels(prompt, image.width, image.height)
    if mask is None:
        weights: Sequence[float] = [0.5] * (image.width * image.height)
    else:
        weights = [w * 0.5 for w in _mask_weights(mask, image.width, image.height, feather)]
    return _blend(image, painted, weights)


def inpaint(image: Pixels, mask: Pixels, prompt: str, feather: int = 0) -> Pixels:
    """The scene painted where the mask is transparent; the rest kept exactly."""
    painted = scene_pixels(prompt, image.width, image.height)
    return _blend(image, painted, _mask_weights(mask, image.width, image.height, feather))


def _paste(canvas: Pixels, image: Pixels, left: int, top: int) -> Pixels:
    row = image.width * 4
    for y in range(image.height):
        start = ((top + y) * canvas.width + left) * 4
        canvas.data[start : start + row] = image.data[y * row : (y + 1) * row]
    return canvas


def outpaint(image: Pixels, prompt: str, factor: float) -> Pixels:
    """A canvas ``factor`` times larger: the scene around the untouched picture."""
    width, height = round(image.width * factor), round(image.height * factor)
    canvas = scene_pixels(prompt, width, height)
    return _paste(canvas, image, (width - image.width) // 2, (height - image.height) // 2)


def reframe(image: Pixels, prompt: str, ratio_w: int, ratio_h: int) -> Pixels:
    """The canvas grown to ``ratio_w:ratio_h``, the picture untouched in the middle."""
    width, height = image.width, image.height
    if width * ratio_h < height * ratio_w:
        width = round(height * ratio_w / ratio_h)
    else:
        height = round(width * ratio_h / ratio_w)
    canvas = scene_pixels(prompt or "reframe", width, height)
    return _paste(canvas, image, (width - image.width) // 2, (height - image.height) // 2)


def mix(image: Pixels, references: Sequence[Pixels]) -> Pixels:
    """The picture (half) averaged with the references (the other half, shared)."""
    scaled = [
        r
        if (r.width, r.height) == (image.width, image.height)
        else resize(r, image.width, image.height)
        for r in references
    ]
    out = bytearray(len(image.data))
    share = 0.5 / len(scaled)
    for i, value in enumerate(image.data):
        total = value * 0.5 + sum(r.data[i] for r in scaled) * share
        out[i] = int(total + 0.5)
    return Pixels(image.width, image.height, out)


def upscale(image: Pixels, factor: float) -> Pixels:
    """Enlarged ``factor`` times."""
    return resize(image, round(image.width * factor), round(image.height * factor))


def remove_background(image: Pixels, tolerance: int = 48) -> Pixels:
    """The border's dominant colour, and all connected to the border near it, made transparent."""
    w, h, d = image.width, image.height, image.data
    border = [(x, 0) for x in range(w)] + [(x, h - 1) for x in range(w)]
    border += [(0, y) for y in range(h)] + [(w - 1, y) for y in range(h)]
    counts = Counter(image.get(x, y)[:3] for x, y in border)
    bg = counts.most_common(1)[0][0]
    limit = tolerance * tolerance * 3

    def near(i: int) -> bool:
        j = i * 4
        return (d[j] - bg[0]) ** 2 + (d[j + 1] - bg[1]) ** 2 + (d[j + 2] - bg[2]) ** 2 <= limit

    out = image.copy()
    seen = bytearray(w * h)
    queue = deque(y * w + x for x, y in border)
    while queue:
        i = queue.popleft()
        if seen[i] or not near(i):
            continue
        seen[i] = 1
        out.data[i * 4 + 3] = 0
        x, y = i % w, i // w
        if x > 0:
            queue.append(i - 1)
        if x < w - 1:
            queue.append(i + 1)
        if y > 0:
            queue.append(i - w)
        if y < h - 1:
            queue.append(i + w)
    return out
