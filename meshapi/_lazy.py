"""Module attributes loaded on first use (PEP 562). No I/O beyond importing.

``import meshapi`` should cost almost nothing, not every model and resource: a package declares,
once, which of its modules defines each public name, and this builds the package's
``__getattr__``, ``__dir__`` and sorted ``__all__`` from that table.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Iterable, List, Mapping, MutableMapping, Tuple

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, namespace: MutableMapping[str, Any], exports: Mapping[str, Iterable[str]]
) -> Tuple[Callable[[str], Any], Callable[[], List[str]], List[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for ``package``.

    ``exports`` maps a (relative) module to the public names it defines. A loaded name is stored
    in ``namespace`` (the package's globals), so later lookups never reach ``__getattr__`` again.
    """
    home: Dict[str, str] = {}
    for module, names in exports.items():
        for name in names:
            if name in home:
                raise ValueError(f"{name!r} is exported by both {home[name]} and {module}")
            home[name] = module

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> List[str]:
        return sorted(set(namespace) | set(home))

    return __getattr__, __dir__, sorted(home)
