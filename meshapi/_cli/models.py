"""``meshapi models``: the catalogue as a table (filtered, or searched with ``--search``);
``meshapi models get ID``."""

from __future__ import annotations

from typing import Any, List, Optional

from .._types.models import ModelInfo, ModelSearchParams
from .common import Context, add_common_options, build_params, command_parser
from .errors import UsageError

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "models",
        help="list the model catalogue (id, context, prices, modalities), or get one model",
        description="List the models the gateway routes to, or show one with `models get ID`.",
        examples=[
            "meshapi models",
            "meshapi models --free",
            "meshapi models get openai/gpt-4o-mini",
            "meshapi models --paid --json | jq -r '.[].id'",
            "meshapi models --type embedding --provider openai",
            "meshapi models --search claude --limit 5 --offset 5",
            "meshapi models --search gpt --brand OpenAI --sort context_length --desc",
        ],
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--free", action="store_true", help="only the models that cost nothing")
    which.add_argument("--paid", action="store_true", help="only the billed models")
    p.add_argument(
        "--type",
        choices=["text", "embedding", "image", "audio", "video"],
        default=None,
        help="only models of this output kind",
    )
    p.add_argument("--provider", default=None, metavar="NAME", help="only this provider's models")
    p.add_argument(
        "--search",
        default=None,
        metavar="TEXT",
        help="search the catalogue (fuzzy over id, name, brand): one page, with the brands",
    )
    p.add_argument("--brand", action="append", default=None, metavar="BRAND", help="with --search")
    p.add_argument(
        "--sort",
        choices=["brand", "name", "id", "context_length"],
        default=None,
        help="with --search",
    )
    p.add_argument("--desc", action="store_true", help="with --search: sort descending")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="with --search: 1-100 (20)")
    p.add_argument("--offset", type=int, default=None, metavar="K", help="with --search: skip K")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    get = actions.add_parser(
        "get", help="one model's details", description="Show one model of the catalogue."
    )
    get.add_argument("model_id", metavar="ID", help="e.g. openai/gpt-4o-mini")
    add_common_options(get)
    p.set_defaults(run=run)


def _price(value: Optional[float]) -> str:
    return "-" if value is None else f"${value:g}"


def modalities(model: ModelInfo) -> str:
    """``text,image -> text``."""
    inputs = ",".join(model.input_modalities or [])
    outputs = ",".join(model.output_modalities or [])
    return f"{inputs} -> {outputs}" if inputs or outputs else ""


def row(model: ModelInfo) -> List[str]:
    pricing = model.pricing
    if model.is_free:
        prices = ["free", "free"]
    elif pricing is None:
        prices = ["-", "-"]
    else:
        prices = [_price(pricing.prompt_usd_per_1k), _price(pricing.completion_usd_per_1k)]
    context = "" if model.context_length is None else f"{model.context_length:,}"
    return [model.id, context, *prices, modalities(model)]


HEADERS = ["id", "context", "in /1k", "out /1k", "modalities"]


def run(ctx: Context) -> int:
    args = ctx.args
    client = ctx.client()
    out = ctx.out
    if args.action == "get":
        model = client.models.get(args.model_id)
        if out.json_mode:
            out.json(model)
            return 0
        pricing = model.pricing
        out.fields(
            [
                ("id", model.id),
                ("name", model.name),
                ("description", model.description),
                ("type", model.model_type),
                ("context", model.context_length),
                ("free", model.is_free),
                ("prompt", None if pricing is None else _price(pricing.prompt_usd_per_1k) + "/1k"),
                (
                    "completion",
                    None if pricing is None else _price(pricing.completion_usd_per_1k) + "/1k",
                ),
                ("modalities", modalities(model) or None),
                ("thinking", model.supports_thinking),
            ]
        )
        return 0
    if args.search is not None or args.brand or args.sort or args.limit or args.offset:
        return _search(ctx, client)
    if args.free:
        models = client.models.free()
    elif args.paid:
        models = client.models.paid()
    else:
        models = client.models.list()
    if args.type or args.provider:
        wanted = {m.id for m in client.models.list(type=args.type, provider=args.provider)}
        models = [m for m in models if m.id in wanted]
    if out.json_mode:
        out.json(models)
    else:
        out.table(HEADERS, [row(m) for m in models], title=f"{len(models)} models")
    return 0


def _search(ctx: Context, client: Any) -> int:
    args = ctx.args
    if args.type or args.provider:
        raise UsageError("--type and --provider filter the list; with --search use --brand")
    params = build_params(
        ModelSearchParams,
        q=args.search or None,
        free=True if args.free else (False if args.paid else None),
        brand=args.brand,
        sort=args.sort,
        order="desc" if args.desc else None,
        limit=args.limit,
        offset=args.offset,
    )
    page = client.models.search(params)
    out = ctx.out
    if out.json_mode:
        out.json(page)
        return 0
    first = page.offset + 1 if page.items else page.offset
    title = f"{first}-{page.offset + len(page.items)} of {page.total} models"
    out.table(HEADERS, [row(m) for m in page.items], title=title)
    out.note(f"{title}; brands: {', '.join(page.brands) or '-'}")
    return 0
