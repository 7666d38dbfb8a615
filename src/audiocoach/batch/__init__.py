"""Batch: many sessions on a local pool or a Dask cluster."""
