"""``meshapi moderate "text" ...``: classify texts (and images) for policy violations."""

from __future__ import annotations

from typing import Any, List, Union

from .._types.moderations import ModerationImageUrl, ModerationInputItem, ModerationParams
from .common import Context, build_params, command_parser
from .errors import UsageError

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "moderate",
        help="classify texts and images for policy violations (moderations)",
        description=(
            "Classify each text (arguments, or one text per stdin line) and each --image URL.\n"
            "One row per input: flagged or not, the flagged categories and the top score.\n"
            "--fail-flagged exits 1 when any input is flagged (for scripts)."
        ),
        examples=[
            'meshapi moderate "I will hurt you" "What a lovely day"',
            "meshapi moderate --image https://example.com/photo.png",
            "cat comments.txt | meshapi moderate --fail-flagged > /dev/null || echo flagged",
            'meshapi moderate "some text" --json | jq .results[0].category_scores',
        ],
    )
    p.add_argument("texts", nargs="*", metavar="TEXT", help="default: one text per stdin line")
    p.add_argument(
        "--image", action="append", default=[], metavar="URL", help="an image to classify too"
    )
    p.add_argument("-m", "--model", default="omni-moderation-latest", help="%(default)s")
    p.add_argument(
        "--fail-flagged", action="store_true", help="exit with status 1 when any input is flagged"
    )
    p.set_defaults(run=run)


def run(ctx: Context) -> int:
    args = ctx.args
    texts: List[str] = list(args.texts)
    if not texts and not args.image and not ctx.stdin.isatty():
        texts = [line for line in ctx.stdin.read().splitlines() if line.strip()]
    if not texts and not args.image:
        raise UsageError("nothing to classify: give texts (arguments or stdin lines) or --image")
    inputs: Union[List[str], List[ModerationInputItem]]
    if args.image:
        inputs = [ModerationInputItem(type="text", text=t) for t in texts] + [
            ModerationInputItem(type="image_url", image_url=ModerationImageUrl(url=u))
            for u in args.image
        ]
    else:
        inputs = texts
    params = build_params(ModerationParams, input=inputs, model=args.model)
    result = ctx.client().moderations.create(params)
    out = ctx.out
    if out.json_mode:
        out.json(result)
    else:
        rows = []
        for label, verdict in zip([*texts, *args.image], result.results):
            flagged = sorted(c for c, on in verdict.categories.items() if on)
            top = max(verdict.category_scores.items(), key=lambda kv: kv[1], default=("", 0.0))
            shown = label if len(label) <= 48 else label[:47] + "…"
            rows.append(
                [shown, "yes" if verdict.flagged else "no", ",".join(flagged) or "-",
                 f"{top[0]} {top[1]:.3f}" if top[0] else "-"]
            )  # fmt: skip
        out.table(["input", "flagged", "categories", "top score"], rows)
    if args.fail_flagged and any(r.flagged for r in result.results):
        return 1
    return 0
