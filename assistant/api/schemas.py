"""Request shapes of the API. Unknown filter keys are refused (a typo must not silently widen a search);
unknown top-level OpenAI options are accepted and ignored, so existing clients work unchanged."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from assistant.search.hybrid import Filter


class Filters(BaseModel):
    """Metadata filters: only passages of this region, this document, or dated within the range."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    region: str | None = Field(None, description="Region as indexed, e.g. 'Beijing'.", examples=["Beijing"])
    source: str | None = Field(
        None,
        validation_alias=AliasChoices("source", "document"),
        description="Document file name as listed by GET /v1/documents (alias: 'document').",
    )
    issuer: str | None = Field(None, description="Issuing body as indexed.")
    date_from: date | None = Field(None, description="Documents dated on or after this day (YYYY-MM-DD).")
    date_to: date | None = Field(None, description="Documents dated on or before this day (YYYY-MM-DD).")
    in_force: bool | None = Field(
        None, description="true: only documents in force today (taken effect, stated end of validity not passed)."
    )

    def to_filter(self) -> Filter:
        from assistant.service.filters import build_filter

        return build_filter(
            region=self.region, source=self.source, issuer=self.issuer, date_from=self.date_from, date_to=self.date_to,
            in_force=self.in_force,
        )


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text or "" for part in self.content if part.type == "text").strip()
        return (self.content or "").strip()


class ChatRequest(BaseModel):
    """POST /v1/chat/completions. The last message is the question; earlier user messages are the conversation."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": "policy-assistant",
                    "messages": [{"role": "user", "content": "What is the funding cap in Beijing's plan?"}],
                    "stream": False,
                    "filters": {"region": "Beijing"},
                }
            ]
        },
    )

    model: str | None = Field(None, description="The assistant's name as GET /v1/models lists it (optional).")
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    filters: Filters | None = Field(None, description="Optional metadata filters (extra field, not OpenAI).")


class SearchRequest(BaseModel):
    """POST /v1/search: the passages retrieval finds, without the language model."""

    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1, max_length=1000)
    k: int | None = Field(None, ge=1, le=50, description="Number of passages (default: ASSISTANT_TOP_K).")
    mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    filters: Filters | None = None


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rebuild: bool = Field(False, description="Drop the index and build it again from the documents folder.")
