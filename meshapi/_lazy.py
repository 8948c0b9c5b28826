"""Module attributes loaded on first use (PEP 562). No I/O beyond importing.

``import meshapi`` should cost the client and its transport, not every model and resource: a
package lists where each of its lazy names lives, and this builds the module's ``__getattr__``
and ``__dir__`` from that table.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, List, Mapping, MutableMapping, Tuple

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, namespace: MutableMapping[str, Any], homes: Mapping[str, str]
) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``homes`` maps a name to the (relative)
    module that defines it. A loaded name is stored in ``namespace`` (the package's globals), so
    later lookups never reach ``__getattr__`` again."""
    table: Dict[str, str] = dict(homes)

    def __getattr__(name: str) -> Any:
        home = table.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value
        return value

    def __dir__() -> List[str]:
        return sorted(set(namespace) | set(table))

    return __getattr__, __dir__
