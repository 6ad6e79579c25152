"""Adapters to the orchestrator (Prefect): starting deployment runs. Depends only on core."""
