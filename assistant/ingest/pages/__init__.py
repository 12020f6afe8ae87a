"""Pages as images: OCR of scanned PDF pages and image files (with a per-page cache and work budgets),
tables read from PDFs, and page previews with the cited passage highlighted.

Everything here is offline: RapidOCR's PP-OCRv4 models ship inside the ``rapidocr-onnxruntime`` wheel and
``pypdfium2`` renders PDF pages.
"""
