"""Prefect flows that run the pipeline, and the `nianbao` command."""
