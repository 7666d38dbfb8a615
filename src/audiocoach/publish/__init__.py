"""Publish: podcast feed, program pages and the file server for a rendered folder.

May import export (formats, chapters, session plans) and the contracts; it reads what was
rendered and never renders.
"""
