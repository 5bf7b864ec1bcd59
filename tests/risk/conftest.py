"""The change stream fixtures, for following a projection through the stream."""

from tests.streams import relay, stream

__all__ = ["relay", "stream"]
