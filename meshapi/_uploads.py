"""What an upload of a file is called and what type it is, decided before any I/O. No I/O.

``rag.upload_file`` takes bytes, a path or a binary file object. The name defaults to the path's
(or the file object's ``name``) last component; the MIME type, when not given, is guessed from
that name; a type that cannot be guessed is an error that says to pass ``mime_type=``.
"""

from __future__ import annotations

import mimetypes
import os
from typing import Any, Optional, Tuple

from ._errors import InvalidRequestError

__all__ = ["is_file_source", "name_and_type"]


def is_file_source(value: Any) -> bool:
    """Whether ``value`` is a path or a file object (rather than params or bytes)."""
    return isinstance(value, (str, os.PathLike)) or callable(getattr(value, "read", None))


def name_and_type(file: Any, file_name: Optional[str], mime_type: Optional[str]) -> Tuple[str, str]:
    """The file name and MIME type of an upload from a path or a file object."""
    name = file_name
    if name is None:
        source = file if isinstance(file, (str, os.PathLike)) else getattr(file, "name", None)
        if isinstance(source, (str, os.PathLike)):
            name = os.path.basename(os.fspath(source))
    if not name:
        raise InvalidRequestError(
            "upload_file() cannot tell this file object's name: pass file_name= (and mime_type=)"
        )
    if mime_type is None:
        mime_type = mimetypes.guess_type(name)[0]
        if mime_type is None:
            raise InvalidRequestError(
                f"cannot guess the MIME type of {name!r} from its name: pass mime_type="
            )
    return name, mime_type
