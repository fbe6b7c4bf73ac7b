"""Validation with Great Expectations: rows that fail the suite move to quarantine, with the rule they broke.

The names below are loaded on first use: the validator service's choices (`service.VALIDATORS`) are
read by the configuration, which must not pay for pandas, let alone Great Expectations.
"""

from __future__ import annotations

from typing import Any

__all__ = ["quarantine_failures", "quarantine_failures_batch", "validate_observations"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from scorecards.expectations import validate

        return getattr(validate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
