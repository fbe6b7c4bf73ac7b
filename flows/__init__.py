"""Orchestration: the pipeline's plain steps (pipeline.py), the Prefect flow (ingest.py), the CLI (cli.py)."""
