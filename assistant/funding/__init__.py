"""Funding finder: every funding provision of the indexed documents as one cited, filterable table.

Owns the extraction of provisions from text (``extract``), the records derived from the indexed chunks
and kept in step with them (``records``), their filtering and rendering for chat (``query``), the CSV
and XLSX exports (``export``) and the web UI tab (``tab``).
"""
