"""What travels to an engine: result rows, and parameters an engine may encode faster."""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


class Positional(list[Any]):
    """A parameter that holds only lists, strings, finite numbers, booleans and nulls, never
    maps (rows by position, id lists). An engine may encode it faster than a general value.
    Its values come from validated models, which refuse NaN and infinity."""
