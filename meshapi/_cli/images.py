"""``meshapi images generate`` and ``edit``: images from a prompt or a picture, written to files."""

from __future__ import annotations

import base64
import os
from typing import Any, Dict, List, Optional

from .._types.images import ImageGenerationParams
from .common import Context, add_common_options, command_parser, read_bytes_arg
from .errors import CommandError, UsageError

__all__ = ["output_paths", "register", "run"]

DEFAULT_IMAGE_MODEL = "openai/gpt-image-1"
_FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "images",
        help="generate and edit images",
        description="Generate images from a prompt, or edit a PNG, and write them to files.",
        examples=[
            'meshapi images edit photo.png "Replace the background with a beach" -o beach.png',
            "meshapi images edit photo.png --operation remove_background -o cutout.png",
            'meshapi images edit photo.png --operation inpaint --mask hole.png "a cat" -o cat.png',
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
    edit = actions.add_parser("edit", help="edit a picture (PNG) and write the result")
    edit.add_argument("image", help="the picture to edit (a PNG file)")
    edit.add_argument("prompt", nargs="*", help="what to change (edit, inpaint, outpaint, mix)")
    edit.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write (.png)")
    edit.add_argument("-m", "--model", default=DEFAULT_IMAGE_MODEL, help=DEFAULT_IMAGE_MODEL)
    edit.add_argument(
        "--operation",
        default="edit",
        choices=["edit", "inpaint", "outpaint", "mix", "reframe", "upscale", "remove_background"],
    )
    edit.add_argument("--mask", default=None, metavar="PNG", help="transparent = change here")
    edit.add_argument("--reference", action="append", default=None, metavar="PNG", help="for mix")
    edit.add_argument("--aspect-ratio", default=None, help="for reframe, e.g. 16:9")
    edit.add_argument("--upscale-factor", default=None, help="for upscale, e.g. 2")
    edit.add_argument("--expand-factor", default=None, help="for outpaint, e.g. 1.5")
    edit.add_argument("--force", action="store_true", help="overwrite an existing file")
    add_common_options(edit)
    p.set_defaults(run=run)


def output_paths(path: str, count: int) -> List[str]:
    """``out.png`` for one image; ``out-1.png``, ``out-2.png``... for several."""
    if count == 1:
        return [path]
    stem, ext = os.path.splitext(path)
    return [f"{stem}-{i}{ext}" for i in range(1, count + 1)]


def _data_url(path: str, what: str) -> str:
    content = read_bytes_arg(path, what)
    return "data:image/png;base64," + base64.b64encode(content).decode("ascii")


def run_edit(ctx: Context) -> int:
    """``meshapi images edit IMAGE [PROMPT] -o OUT.png``."""
    from .._types.images import ImageEditParams

    args = ctx.args
    if not args.output.lower().endswith(".png"):
        raise UsageError(f"-o {args.output}: edits are PNG files; use a .png file name")
    if os.path.exists(args.output) and not args.force:
        raise UsageError(f"{args.output} exists (use --force to overwrite)")
    params = ImageEditParams(
        model=args.model,
        image=_data_url(args.image, "image"),
        prompt=" ".join(args.prompt),
        operation=args.operation,
        mask=_data_url(args.mask, "mask") if args.mask else None,
        reference_images=[_data_url(p, "reference image") for p in args.reference]
        if args.reference
        else None,
        aspect_ratio=args.aspect_ratio,
        upscale_factor=args.upscale_factor,
        expand_factor=args.expand_factor,
        response_format="b64_json",
    )
    result = ctx.client().images.edit(params)
    data = result.data[0].b64_json if result.data else None
    if not data:
        raise CommandError("the gateway sent no image bytes")
    content = base64.b64decode(data)
    try:
        with open(args.output, "wb") as fh:
            fh.write(content)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output!r}: {exc.strerror or exc}") from None
    if ctx.out.json_mode:
        size = getattr(result, "size", None)
        ctx.out.json({"path": args.output, "bytes": len(content), "size": size})
    else:
        ctx.out.line(f"wrote {args.output} ({len(content):,} bytes)")
    return 0


def run(ctx: Context) -> int:
    args = ctx.args
    if args.action == "edit":
        return run_edit(ctx)
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
