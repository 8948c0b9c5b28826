"""Prompt templates: CRUD in SQLite and ``{{variable}}`` rendering for chat/responses/compare.

Rule: templates belong to the owner of the key that created them; names are unique per owner.
Global templates (``is_global``, owner ``system``) are visible to every key and read-only.
"""

from __future__ import annotations

import copy
import json
import re
import sqlite3
from typing import Any, Dict, List, Literal, Mapping, Optional

import pydantic

from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway

__all__ = [
    "TemplateCreate",
    "TemplateStore",
    "TemplateUpdate",
    "render_template",
    "slots_in",
    "store",
]

_SLOT_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")
GLOBAL_OWNER = "system"

_DDL = """
CREATE TABLE IF NOT EXISTS templates (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    is_global INTEGER NOT NULL DEFAULT 0,
    description TEXT,
    system TEXT,
    messages TEXT NOT NULL,
    model TEXT,
    params TEXT NOT NULL,
    variables TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (owner, name)
);
"""

_GLOBALS: List[Dict[str, Any]] = [
    {
        "name": "summarize",
        "description": "Summarise a text in a given number of sentences.",
        "system": "You are a precise summariser. Answer in {{sentences}} sentences.",
        "messages": [{"role": "user", "content": "Summarize: {{text}}"}],
        "model": "openai/gpt-4o-mini",
        "params": {"temperature": 0.2},
        "variables": ["sentences", "text"],
    },
    {
        "name": "translate",
        "description": "Translate a text into a target language.",
        "system": "You are a professional translator into {{language}}.",
        "messages": [{"role": "user", "content": "Translate to {{language}}: {{text}}"}],
        "model": "openai/gpt-4o-mini",
        "params": {},
        "variables": ["language", "text"],
    },
]


def slots_in(*texts: Optional[str]) -> List[str]:
    """The ``{{variable}}`` names used in ``texts``, in order of first use."""
    names: List[str] = []
    for text in texts:
        for name in _SLOT_RE.findall(text or ""):
            if name not in names:
                names.append(name)
    return names


class TemplateMessage(pydantic.BaseModel):
    """One message of a template."""

    role: Literal["system", "developer", "user", "assistant"]
    content: str


class TemplateCreate(pydantic.BaseModel):
    """Body of ``POST /v1/templates``."""

    name: str = pydantic.Field(min_length=1, max_length=200)
    description: Optional[str] = None
    system: Optional[str] = None
    messages: List[TemplateMessage] = pydantic.Field(default_factory=list)
    model: Optional[str] = None
    params: Dict[str, Any] = pydantic.Field(default_factory=dict)
    variables: List[str] = pydantic.Field(default_factory=list)


class TemplateUpdate(pydantic.BaseModel):
    """Body of ``PATCH /v1/templates/{id}``: any subset of the create fields."""

    name: Optional[str] = pydantic.Field(default=None, min_length=1, max_length=200)
    description: Optional[str] = None
    system: Optional[str] = None
    messages: Optional[List[TemplateMessage]] = None
    model: Optional[str] = None
    params: Optional[Dict[str, Any]] = None
    variables: Optional[List[str]] = None


def _row_to_template(row: sqlite3.Row) -> Dict[str, Any]:
    return {
        "id": row["id"],
        "object": "template",
        "name": row["name"],
        "owner": row["owner"],
        "is_global": bool(row["is_global"]),
        "description": row["description"],
        "system": row["system"],
        "messages": json.loads(row["messages"]),
        "model": row["model"],
        "params": json.loads(row["params"]),
        "variables": json.loads(row["variables"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


class TemplateStore:
    """Template rows for one gateway."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.db = gateway.db
        self.db.ensure_schema(_DDL)
        now = gateway.iso()
        for spec in _GLOBALS:
            self.db.execute(
                "INSERT OR IGNORE INTO templates (id, owner, name, is_global, description, system,"
                " messages, model, params, variables, created_at, updated_at)"
                " VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"tpl_global_{spec['name']}",
                    GLOBAL_OWNER,
                    spec["name"],
                    spec["description"],
                    spec["system"],
                    json.dumps(spec["messages"]),
                    spec["model"],
                    json.dumps(spec["params"]),
                    json.dumps(spec["variables"]),
                    now,
                    now,
                ),
            )

    # -- queries ------------------------------------------------------------------------------

    def list(self, owner: str) -> List[Dict[str, Any]]:
        """The owner's templates and the global ones, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM templates WHERE owner = ? OR is_global = 1 ORDER BY created_at, id",
            (owner,),
        )
        return [_row_to_template(r) for r in rows]

    def get(self, template_id: str, owner: str) -> Dict[str, Any]:
        """One visible template by id; 404 ``not_found`` otherwise."""
        rows = self.db.execute(
            "SELECT * FROM templates WHERE id = ? AND (owner = ? OR is_global = 1)",
            (template_id, owner),
        )
        if not rows:
            raise GatewayError(404, "not_found", f"Template {template_id!r} was not found.")
        return _row_to_template(rows[0])

    def find(self, ref: str, owner: str) -> Dict[str, Any]:
        """A template by id or by name (the owner's own first, then a global one)."""
        rows = self.db.execute(
            "SELECT * FROM templates WHERE (id = ? OR name = ?) AND (owner = ? OR is_global = 1)"
            " ORDER BY (id = ?) DESC, is_global ASC LIMIT 1",
            (ref, ref, owner, ref),
        )
        if not rows:
            raise GatewayError(404, "not_found", f"Template {ref!r} was not found.")
        return _row_to_template(rows[0])

    # -- changes ------------------------------------------------------------------------------

    def _check_model(self, model: Optional[str]) -> None:
        if model is not None:
            self.gateway.catalogue.require(model)

    def create(self, params: TemplateCreate, owner: str) -> Dict[str, Any]:
        """Store a new template; 409 ``conflict`` if the owner already has that name."""
        self._check_model(params.model)
        now = self.gateway.iso()
        template_id = self.gateway.new_id("tpl")
        try:
            self.db.execute(
                "INSERT INTO templates (id, owner, name, is_global, description, system, messages,"
                " model, params, variables, created_at, updated_at)"
                " VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    template_id,
                    owner,
                    params.name,
                    params.description,
                    params.system,
                    json.dumps([m.model_dump() for m in params.messages]),
                    params.model,
                    json.dumps(params.params),
                    json.dumps(params.variables),
                    now,
                    now,
                ),
            )
        except sqlite3.IntegrityError:
            raise GatewayError(
                409, "conflict", f"A template named {params.name!r} already exists."
            ) from None
        return self.get(template_id, owner)

    def _own(self, template_id: str, owner: str) -> Dict[str, Any]:
        template = self.get(template_id, owner)
        if template["owner"] != owner:
            raise GatewayError(403, "forbidden", "Global templates are read-only.")
        return template

    def update(self, template_id: str, params: TemplateUpdate, owner: str) -> Dict[str, Any]:
        """Change some fields of the owner's template."""
        self._own(template_id, owner)
        changes = params.model_dump(exclude_unset=True)
        if "name" in changes and changes["name"] is None:
            raise GatewayError(
                422,
                "validation_error",
                "name cannot be null.",
                details=[
                    validation_detail(
                        ["body", "name"], "Input should be a valid string", "string_type"
                    )
                ],
            )
        self._check_model(changes.get("model"))
        columns: Dict[str, Any] = {}
        for field, value in changes.items():
            if field in {"messages", "params", "variables"}:
                columns[field] = json.dumps(
                    value if value is not None else ([] if field != "params" else {})
                )
            else:
                columns[field] = value
        columns["updated_at"] = self.gateway.iso()
        assignments = ", ".join(f"{name} = ?" for name in columns)
        try:
            self.db.execute(
                f"UPDATE templates SET {assignments} WHERE id = ? AND owner = ?",
                (*columns.values(), template_id, owner),
            )
        except sqlite3.IntegrityError:
            raise GatewayError(
                409, "conflict", f"A template named {changes.get('name')!r} already exists."
            ) from None
        return self.get(template_id, owner)

    def delete(self, template_id: str, owner: str) -> None:
        """Remove the owner's template."""
        self._own(template_id, owner)
        self.db.execute("DELETE FROM templates WHERE id = ? AND owner = ?", (template_id, owner))

    # -- rendering ----------------------------------------------------------------------------

    def render(self, body: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
        """See :meth:`Gateway.render_template`."""
        out = copy.deepcopy(dict(body))
        ref = out.pop("template", None)
        variables = out.pop("variables", None)
        if ref is None:
            return out
        if not isinstance(ref, str) or not ref:
            raise GatewayError(
                422,
                "validation_error",
                "template must be a template name or id.",
                details=[
                    validation_detail(
                        ["body", "template"], "Input should be a valid string", "string_type"
                    )
                ],
            )
        if variables is None:
            variables = {}
        if not isinstance(variables, dict):
            raise GatewayError(
                422,
                "validation_error",
                "variables must be an object mapping names to values.",
                details=[
                    validation_detail(
                        ["body", "variables"], "Input should be a valid dictionary", "dict_type"
                    )
                ],
            )
        template = self.find(ref, key.owner)
        texts = [template["system"]] + [m["content"] for m in template["messages"]]
        missing = [name for name in slots_in(*texts) if name not in variables]
        if missing:
            raise GatewayError(
                422,
                "validation_error",
                f"Template {template['name']!r} needs variable(s): {', '.join(missing)}.",
                details=[
                    validation_detail(
                        ["body", "variables", name],
                        f"Missing template variable {name!r}",
                        "missing",
                    )
                    for name in missing
                ],
            )

        def fill(text: str) -> str:
            def value(match: re.Match[str]) -> str:
                raw = variables[match.group(1)]
                return raw if isinstance(raw, str) else json.dumps(raw)

            return _SLOT_RE.sub(value, text)

        prefix: List[Dict[str, Any]] = []
        system = fill(template["system"]) if template["system"] else None
        rendered = [
            {"role": m["role"], "content": fill(m["content"])} for m in template["messages"]
        ]
        if "messages" not in out and "input" in out:
            # Responses API: the system prompt joins the instructions, messages go first.
            if system:
                existing = out.get("instructions")
                out["instructions"] = system + (f"\n\n{existing}" if existing else "")
            user_input = out["input"]
            if rendered:
                items: List[Any] = list(rendered)
                if isinstance(user_input, str):
                    items.append({"role": "user", "content": user_input})
                elif isinstance(user_input, list):
                    items.extend(user_input)
                out["input"] = items
        else:
            if system:
                prefix.append({"role": "system", "content": system})
            existing_messages = out.get("messages") or []
            if not isinstance(existing_messages, list):
                existing_messages = [existing_messages]
            out["messages"] = prefix + rendered + existing_messages
        if not out.get("model") and template["model"]:
            out["model"] = template["model"]
        for name, param in template["params"].items():
            if name not in {"model", "messages", "input", "stream"}:
                out.setdefault(name, param)
        return out


def store(gateway: Gateway) -> TemplateStore:
    """The template store of ``gateway`` (made, with its table and globals, on first use)."""
    return gateway.part(TemplateStore)


def render_template(gateway: Gateway, body: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
    """Apply ``template`` + ``variables`` to a chat/responses/compare body.

    Returns a new body without ``template``/``variables``: the template's system prompt and
    messages come first, its model and params apply unless the body sets them. A body without
    ``template`` comes back unchanged (copied). Unknown template: 404 ``not_found``; a missing
    variable: 422 ``validation_error`` naming it.
    """
    return store(gateway).render(body, key)
