"""Ingestion: the documents folder in, chunks with metadata in the index out.

``loaders`` reads a file into text plus the structure its format marks (``encoding`` decodes text files,
``filetype`` checks what a file's bytes say it is, ``pages/`` reads scans by OCR and renders page previews);
``chunking`` cuts the text along its headings, paragraphs and sentences; ``metadata`` and ``facts`` read the
document's title, issuer, number, dates and place; ``indexer`` embeds and stores the chunks, file by file,
incrementally and crash-safely.
"""
