"""Synthetic scorecard reports with known tidy truth, for the demo, the tests and the benchmark."""
