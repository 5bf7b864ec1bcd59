"""How personal numbers look to a caller who may not see them whole: the first and last
digits kept, the rest starred."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    return (
        value[:6] + "*" * max(0, len(value) - 10) + value[-4:]
        if len(value) > 10
        else "*" * len(value)
    )


def mask_phone(value: str) -> str:
    return (
        value[:3] + "*" * max(0, len(value) - 7) + value[-4:]
        if len(value) > 7
        else "*" * len(value)
    )
