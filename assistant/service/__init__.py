"""Services shared by the web UI, the HTTP API and the CLI, so each does the same thing the same way:
``filters`` (what a user typed or picked, to a search ``Filter``), ``queries`` (search rows and answers in their
public shapes), ``library`` (the documents folder: safe uploads, delete, list) and ``jobs`` (re-index passes,
one at a time, coalesced, with progress).
"""
