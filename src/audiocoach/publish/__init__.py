"""Publish: podcast feed, program pages and the file server."""
