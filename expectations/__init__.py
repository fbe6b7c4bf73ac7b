"""Validation with Great Expectations: rows that fail the suite move to quarantine, with the rule they broke."""

from __future__ import annotations

from scorecards.expectations.validate import quarantine_failures, quarantine_failures_batch, validate_observations

__all__ = ["quarantine_failures", "quarantine_failures_batch", "validate_observations"]
