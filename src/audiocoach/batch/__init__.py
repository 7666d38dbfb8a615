"""Batch: many sessions of a program on a local process pool or a Dask cluster, incremental.

Composes the stages below it (program, render, export's file helpers, speech's engine
choice); only the CLI imports it.
"""
