"""``meshapi images generate``: images from a prompt, written to files."""

from __future__ import annotations

import base64
import os
from typing import Any, Dict, List, Optional

from .._types.images import ImageGenerationParams
from .common import Context, add_common_options, command_parser
from .errors import CommandError, UsageError

__all__ = ["output_paths", "register", "run"]

DEFAULT_IMAGE_MODEL = "openai/gpt-image-1"
_FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "images",
        help="generate images",
        description="Generate images from a prompt and write them to files.",
        examples=[
            'meshapi images generate "A watercolor fox in the snow" -o fox.png',
            'meshapi images generate "Three logos for a bakery" -n 3 -o logo.webp'
            "   # logo-1.webp ...",
        ],
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    gen = actions.add_parser("generate", help="generate images from a prompt")
    gen.add_argument("prompt", nargs="+")
    gen.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write (.png .jpg .webp)"
    )
    gen.add_argument("-m", "--model", default=DEFAULT_IMAGE_MODEL, help=DEFAULT_IMAGE_MODEL)
    gen.add_argument("-n", type=int, default=None, help="how many images (FILE-1.png, ...)")
    gen.add_argument("--size", default=None, help="e.g. 1024x1024")
    gen.add_argument("--quality", default=None)
    gen.add_argument("--force", action="store_true", help="overwrite existing files")
    add_common_options(gen)
    p.set_defaults(run=run)


def output_paths(path: str, count: int) -> List[str]:
    """``out.png`` for one image; ``out-1.png``, ``out-2.png``... for several."""
    if count == 1:
        return [path]
    stem, ext = os.path.splitext(path)
    return [f"{stem}-{i}{ext}" for i in range(1, count + 1)]


def run(ctx: Context) -> int:
    args = ctx.args
    ext = os.path.splitext(args.output)[1].lower()
    if ext not in _FORMATS:
        raise UsageError(f"-o {args.output}: use a .png, .jpg or .webp file name")
    count = args.n or 1
    paths = output_paths(args.output, count)
    existing = [p for p in paths if os.path.exists(p)]
    if existing and not args.force:
        raise UsageError(f"{existing[0]} exists (use --force to overwrite)")
    result = ctx.client().images.generate(
        ImageGenerationParams(
            prompt=" ".join(args.prompt),
            model=args.model,
            n=args.n,
            size=args.size,
            quality=args.quality,
            output_format=_FORMATS[ext],
            response_format="b64_json",
        )
    )
    files: List[Dict[str, Any]] = []
    for path, image in zip(output_paths(args.output, len(result.data)), result.data):
        data: Optional[str] = image.b64_json
        if not data:
            raise CommandError(f"the gateway sent a URL instead of image bytes: {image.url}")
        content = base64.b64decode(data)
        try:
            with open(path, "wb") as fh:
                fh.write(content)
        except OSError as exc:
            raise UsageError(f"cannot write {path!r}: {exc.strerror or exc}") from None
        files.append({"path": path, "bytes": len(content), "revised_prompt": image.revised_prompt})
    if ctx.out.json_mode:
        ctx.out.json({"model": args.model, "files": files, "usage": result.usage})
    else:
        for f in files:
            ctx.out.line(f"wrote {f['path']} ({f['bytes']:,} bytes)")
    return 0
