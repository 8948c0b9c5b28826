"""``meshapi video``: generate a video (and wait for it, and save it), look at tasks."""

from __future__ import annotations

import os
from typing import Any

from .. import JobFailedError
from .common import Context, add_common_options, command_parser, read_prompt
from .errors import CommandError, UsageError

__all__ = ["register", "run"]

DEFAULT_VIDEO_MODEL = "byteplus/dreamina-seedance-2-0"
_STEPS = {"queued": 0, "running": 1}


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "video",
        help="generate videos",
        description="Submit a video generation task, wait for it and save the video; list tasks.",
        examples=[
            'meshapi video generate "A serene mountain lake at sunrise" --wait -o lake.mp4',
            'meshapi video generate "A paper boat on a river" --duration 5 --ratio 9:16',
            "meshapi video status cgt_01J...",
            "meshapi video list --status succeeded --json",
        ],
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    gen = actions.add_parser("generate", help="submit a task (and wait with --wait or -o)")
    gen.add_argument("prompt", nargs="*", help="what to film (default: stdin)")
    gen.add_argument("-m", "--model", default=DEFAULT_VIDEO_MODEL, help=DEFAULT_VIDEO_MODEL)
    gen.add_argument("--duration", type=int, default=None, help="seconds")
    gen.add_argument("--ratio", default=None, help="16:9, 9:16, 1:1, ...")
    gen.add_argument("--resolution", default=None, help="480p, 720p, 1080p")
    gen.add_argument("--wait", action="store_true", help="wait until the task ends")
    gen.add_argument("-o", "--output", default=None, metavar="FILE", help="save the video (waits)")
    gen.add_argument("--force", action="store_true", help="overwrite an existing file")
    gen.add_argument(
        "--interval", type=float, default=2.0, metavar="SECONDS", help="between polls (2)"
    )
    gen.add_argument(
        "--wait-timeout", type=float, default=900.0, metavar="SECONDS", help="give up after (900)"
    )
    add_common_options(gen)
    status = actions.add_parser("status", help="one task")
    status.add_argument("task_id")
    add_common_options(status)
    listing = actions.add_parser("list", help="recent tasks")
    listing.add_argument("--status", default=None)
    listing.add_argument("--limit", type=int, default=20)
    add_common_options(listing)
    p.set_defaults(run=run)


def run(ctx: Context) -> int:
    if ctx.args.action == "status":
        _show(ctx, ctx.client().videos.retrieve(ctx.args.task_id))
        return 0
    if ctx.args.action == "list":
        return _list(ctx)
    return _generate(ctx)


def _show(ctx: Context, task: Any) -> None:
    if ctx.out.json_mode:
        ctx.out.json(task)
        return
    ctx.out.fields(
        [
            ("id", task.id),
            ("status", task.status),
            ("model", task.model),
            ("video_url", task.content.video_url if task.content else None),
            ("error", f"{task.error.code}: {task.error.message}" if task.error else None),
        ]
    )


def _list(ctx: Context) -> int:
    page = ctx.client().videos.list({"status": ctx.args.status, "limit": ctx.args.limit})
    if ctx.out.json_mode:
        ctx.out.json(page)
        return 0
    ctx.out.table(
        ["id", "status", "model", "created_at"],
        [[t.id, t.status, t.model, t.created_at] for t in page.data],
    )
    ctx.out.note(f"{len(page.data)} of {page.total} tasks")
    return 0


def _generate(ctx: Context) -> int:
    from .._types.videos import VideoContentItem, VideoGenerationParams

    args = ctx.args
    prompt = read_prompt(args.prompt, ctx.stdin)
    if args.output and os.path.exists(args.output) and not args.force:
        raise UsageError(f"{args.output} exists (use --force to overwrite)")
    if args.interval <= 0:
        raise UsageError("--interval must be above 0 seconds")
    params = VideoGenerationParams(
        model=args.model,
        content=[VideoContentItem(type="text", text=prompt)],
        duration=args.duration,
        ratio=args.ratio,
        resolution=args.resolution,
    )
    client = ctx.client()
    created = client.videos.generate(params)
    if not (args.wait or args.output):
        if ctx.out.json_mode:
            ctx.out.json(created)
        else:
            ctx.out.line(created.id)
        return 0
    with ctx.out.progress(f"video {created.id}", 2) as bar:
        try:
            task = client.videos.wait(
                created.id,
                poll_interval=args.interval,
                max_wait=args.wait_timeout,
                on_update=lambda t: bar.update(_STEPS.get(t.status, 2), t.status),
            )
        except TimeoutError as exc:
            raise CommandError(str(exc)) from None
        except JobFailedError as exc:  # failed, expired or cancelled
            reason = f": {exc.reason}" if exc.reason else ""
            raise CommandError(f"video task {created.id} ended {exc.state}{reason}") from None
    written = None
    if args.output:
        try:
            written = client.videos.download(task, args.output)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output!r}: {exc.strerror or exc}") from None
        _note_format(ctx, args.output)
    if ctx.out.json_mode:
        ctx.out.json({"task": task, "path": args.output, "bytes": written})
    elif args.output:
        ctx.out.line(f"wrote {args.output} ({written:,} bytes)")
    else:
        ctx.out.line((task.content.video_url if task.content else None) or task.id)
    return 0


def _note_format(ctx: Context, path: str) -> None:
    """Say so when the file's name promises another format than the bytes (the local gateway
    makes animated GIFs)."""
    with open(path, "rb") as fh:
        head = fh.read(6)
    if head.startswith(b"GIF8") and not path.lower().endswith(".gif"):
        ctx.out.note(f"note: {path} holds an animated GIF (what this gateway makes)")
