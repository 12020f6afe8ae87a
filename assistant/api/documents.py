"""``/v1/search``, ``/v1/documents`` and ``/v1/ingest``: the Documents tab's work over HTTP, through
the same ``library`` functions (same checks on uploads, same listing with status)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from assistant.api.errors import ApiError
from assistant.api.schemas import IngestRequest, SearchRequest
from assistant.search.hybrid import NO_FILTER
from assistant.service import library
from assistant.service.jobs import IngestJobs
from assistant.service.queries import search_rows

WAIT_S = 600.0


class DocumentRoutes:
    def __init__(self, services, jobs: IngestJobs):
        self.services, self.jobs = services, jobs

    def router(self, check_key) -> APIRouter:
        router = APIRouter(prefix="/v1", dependencies=[Depends(check_key)])
        add = router.add_api_route
        add("/search", self.search, methods=["POST"], tags=["search"], summary="Retrieve passages (no LLM)")
        add("/documents", self.list, methods=["GET"], tags=["documents"], summary="Documents with their status")
        add(
            "/documents",
            self.upload,
            methods=["POST"],
            tags=["documents"],
            summary="Add documents, then re-index",
            status_code=201,
            response_model=None,
        )
        add(
            "/documents/{source:path}",
            self.delete,
            methods=["DELETE"],
            tags=["documents"],
            summary="Delete a document, then re-index",
        )
        add(
            "/documents",
            self.delete,
            methods=["DELETE"],
            tags=["documents"],
            summary="Delete the document named by ?source=, then re-index",
        )
        add(
            "/ingest",
            self.ingest,
            methods=["POST"],
            tags=["documents"],
            summary="Re-index in the background",
            status_code=202,
        )
        add("/ingest/{job_id}", self.job, methods=["GET"], tags=["documents"], summary="A re-index job's progress")
        add("/funding", self.funding, methods=["GET"], tags=["funding"], summary="Funding provisions (funding --json)")
        return router

    async def funding(
        self,
        region: list[str] = Query(default=[]),  # noqa: B008 - FastAPI reads repeated ?region= this way
        source: str = "",
        min_yuan: float | None = None,
        max_yuan: float | None = None,
        keyword: str = "",
    ) -> dict:
        """The same records as `python -m assistant funding --json`, filtered the same way."""
        from assistant.funding.query import find_provisions

        records = await run_in_threadpool(self.services.funding.records)
        found = find_provisions(
            records, places=region or None, min_yuan=min_yuan, max_yuan=max_yuan, keyword=keyword or None,
            sources=[source] if source else None,
        )  # fmt: skip
        return {"records": [record.as_dict() for record in found]}

    async def search(self, request: SearchRequest) -> dict:
        query = request.query.strip()
        if not query:
            raise ApiError(422, "The query is empty.", "empty_query")
        filters = request.filters.to_filter() if request.filters else NO_FILTER
        k = request.k or self.services.settings.top_k
        rows = await run_in_threadpool(search_rows, self.services.searcher, query, k, filters, request.mode)
        return {"query": query, "hits": rows}

    async def list(self) -> dict:
        rows = await run_in_threadpool(library.document_rows, self.services, self.jobs.failures)
        return {"documents": rows}

    async def upload(
        self,
        files: list[UploadFile] = File(..., description="One or more pdf, docx, txt, md or html files."),  # noqa: B008
        wait: bool = Query(False, description="Answer after the re-index has finished."),  # noqa: B008
    ):
        results = [await run_in_threadpool(self._add, upload) for upload in files]
        added = [r for r in results if r.ok]
        body = {
            "documents": [
                {"file": r.original, "saved_as": r.saved, "added": r.ok, "message": r.message} for r in results
            ]
        }
        if not added:
            return JSONResponse(
                {
                    "error": {
                        "message": " ".join(r.message for r in results),
                        "type": "invalid_request_error",
                        "code": "document_refused",
                    },
                    **body,
                },
                422,
            )
        body["ingest"] = await self._reindex(wait)
        return body

    def _add(self, upload: UploadFile) -> library.AddResult:
        settings = self.services.settings
        with tempfile.TemporaryDirectory(prefix="api-upload-") as folder:
            path = Path(folder) / "upload"
            with path.open("wb") as out:
                shutil.copyfileobj(upload.file, out)
            return library.add_document(settings.documents_dir, path, upload.filename or "", settings.max_file_mb)

    async def delete(self, source: str, wait: bool = False) -> dict:
        """Only a name the documents list shows is deleted; the reply never names a server path."""
        problem = library.malformed_source(source)
        if problem:
            raise ApiError(400, f"Invalid document name: {problem}.", "invalid_document_name")
        message = await run_in_threadpool(library.delete_document, self.services.settings.documents_dir, source)
        if not message.startswith("Deleted"):
            raise ApiError(404, message, "document_not_found")
        return {"deleted": source, "message": message, "ingest": await self._reindex(wait)}

    async def ingest(self, request: IngestRequest | None = None, wait: bool = False) -> dict:
        return await self._reindex(wait, rebuild=bool(request and request.rebuild))

    async def job(self, job_id: str) -> dict:
        job = self.jobs.get(job_id)
        if job is None:
            raise ApiError(404, f"No re-index job {job_id!r} (jobs are kept while the server runs).", "job_not_found")
        return job.as_dict()

    async def _reindex(self, wait: bool, rebuild: bool = False) -> dict:
        job = self.jobs.start(rebuild)
        if wait:
            await run_in_threadpool(self.jobs.wait, job, WAIT_S)
        return job.as_dict()
