"""``meshapi templates list|get|create|update|delete``: prompt templates."""

from __future__ import annotations

import argparse
import json
import re
from typing import Any, Dict, List, Optional

from .._types.chat import ChatMessage
from .._types.templates import CreateTemplateParams, TemplateSummary, UpdateTemplateParams
from .common import Context, add_common_options, command_parser
from .errors import UsageError

__all__ = ["register", "run"]

_SLOT = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "templates",
        help="manage prompt templates",
        description=(
            "List, show, create, update and delete prompt templates. Templates are named by\n"
            "id (tpl_...) or by name. Variables default to the {{slots}} found in the text."
        ),
        examples=[
            "meshapi templates list",
            "meshapi templates create support --model openai/gpt-4o-mini \\\n"
            '      --system "You are a support agent for {{company}}."',
            "meshapi templates get support --json",
            'meshapi templates update support --system "Be brief. You work for {{company}}."',
            "meshapi templates delete support",
        ],
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add_common_options(actions.add_parser("list", help="every template this key can see"))
    get = actions.add_parser("get", help="one template")
    get.add_argument("template", metavar="NAME_OR_ID")
    add_common_options(get)
    create = actions.add_parser("create", help="store a new template")
    create.add_argument("name", metavar="NAME")
    _content_options(create)
    add_common_options(create)
    update = actions.add_parser("update", help="change some fields of a template")
    update.add_argument("template", metavar="NAME_OR_ID")
    update.add_argument("--name", default=None, help="rename it")
    _content_options(update)
    add_common_options(update)
    delete = actions.add_parser("delete", help="delete a template")
    delete.add_argument("template", metavar="NAME_OR_ID")
    add_common_options(delete)
    p.set_defaults(run=run)


def _content_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--system", default=None, metavar="TEXT", help="the system message")
    p.add_argument(
        "--message",
        action="append",
        default=None,
        metavar="ROLE:TEXT",
        help="a message (repeatable), e.g. 'user:Summarise {{text}}'",
    )
    p.add_argument("--model", default=None, help="the model the template uses")
    p.add_argument("--description", default=None)
    p.add_argument(
        "--variable",
        action="append",
        default=None,
        metavar="NAME",
        help="a variable (repeatable; default: the {{slots}} in the text)",
    )
    p.add_argument(
        "--params",
        default=None,
        metavar="JSON",
        help="request parameters, e.g. '{\"temperature\": 0}'",
    )


def _messages(items: Optional[List[str]]) -> Optional[List[ChatMessage]]:
    if items is None:
        return None
    messages = []
    for item in items:
        role, sep, text = item.partition(":")
        if not sep or role not in ("system", "user", "assistant", "developer"):
            raise UsageError(
                f"--message takes ROLE:TEXT (role system/user/assistant), got {item!r}"
            )
        messages.append(ChatMessage(role=role, content=text))
    return messages


def slots(*texts: Optional[str]) -> List[str]:
    """The ``{{variable}}`` names in ``texts``, first appearance first."""
    found: Dict[str, None] = {}
    for text in texts:
        for name in _SLOT.findall(text or ""):
            found[name] = None
    return list(found)


def _fields(args: argparse.Namespace) -> Dict[str, Any]:
    messages = _messages(args.message)
    params = None
    if args.params is not None:
        try:
            params = json.loads(args.params)
        except ValueError as exc:
            raise UsageError(f"--params is not JSON: {exc}") from None
        if not isinstance(params, dict):
            raise UsageError("--params must be a JSON object")
    variables = args.variable
    if variables is None and (args.system is not None or messages is not None):
        texts = [args.system, *(str(m.content) for m in messages or [])]
        variables = slots(*texts) or None
    fields = {
        "system": args.system,
        "messages": messages,
        "model": args.model,
        "description": args.description,
        "variables": variables,
        "params": params,
    }
    return {k: v for k, v in fields.items() if v is not None}


def resolve(ctx: Context, name_or_id: str) -> str:
    """A template id from a name or an id (ids start with ``tpl_``)."""
    if name_or_id.startswith("tpl_"):
        return name_or_id
    for template in ctx.client().templates.list():
        if template.name == name_or_id:
            return template.id
    return name_or_id  # let the gateway answer 404 with its own words and request id


def show(ctx: Context, template: TemplateSummary) -> None:
    if ctx.out.json_mode:
        ctx.out.json(template)
        return
    ctx.out.fields(
        [
            ("id", template.id),
            ("name", template.name),
            ("model", template.model),
            ("description", template.description),
            ("variables", ", ".join(template.variables or []) or None),
            ("system", template.system),
            (
                "messages",
                None
                if not template.messages
                else "\n".join(f"{m.get('role')}: {m.get('content')}" for m in template.messages),
            ),
            ("params", json.dumps(template.params) if template.params else None),
            ("global", template.is_global or None),
            ("updated", template.updated_at),
        ]
    )


def run(ctx: Context) -> int:
    args = ctx.args
    client = ctx.client()
    out = ctx.out
    if args.action == "list":
        templates = client.templates.list()
        if out.json_mode:
            out.json(templates)
        else:
            out.table(
                ["id", "name", "model", "variables", "description"],
                [
                    [t.id, t.name, t.model, ", ".join(t.variables or []), t.description]
                    for t in templates
                ],
            )
    elif args.action == "get":
        show(ctx, client.templates.get(resolve(ctx, args.template)))
    elif args.action == "create":
        show(ctx, client.templates.create(CreateTemplateParams(name=args.name, **_fields(args))))
    elif args.action == "update":
        fields = _fields(args)
        if args.name is not None:
            fields["name"] = args.name
        if not fields:
            raise UsageError("update: nothing to change (give --system, --model, --name...)")
        template_id = resolve(ctx, args.template)
        show(ctx, client.templates.update(template_id, UpdateTemplateParams(**fields)))
    else:
        template_id = resolve(ctx, args.template)
        deleted = client.templates.delete(template_id)
        if out.json_mode:
            out.json(deleted)
        else:
            out.line(f"deleted {deleted.id or template_id}")
    return 0
