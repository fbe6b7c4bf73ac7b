"""Orchestration: finding the files (discover.py), one file's steps (steps.py), batches and workers (batching.py),
the run (pipeline.py), the Prefect flow (ingest.py), the CLI (cli.py)."""
