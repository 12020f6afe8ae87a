"""The comparison every evaluation runs beside this project: a RAG pipeline built the way a LangChain
tutorial builds it.

RecursiveCharacterTextSplitter(1000, 200) → MiniLM through HuggingFaceEmbeddings → langchain_chroma.Chroma
(persisted in a folder) → ``similarity_search`` → a "stuff" prompt to the same local model, nothing checked.
The one copy: ``eval retrieval``, ``eval answers`` and the benchmarks (``bench/baseline.py``) all use it.
"""

from __future__ import annotations

import time
from pathlib import Path

CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200
COLLECTION = "langchain"
SYSTEM = (
    "Use the following pieces of context to answer the question at the end. "
    "If you don't know the answer, just say that you don't know, don't try to make up an answer. "
    "Cite the passages you use as [n]."
)
REFUSALS = (
    "don't know",
    "do not know",
    "not mentioned",
    "no information",
    "not provided",
    "don't say",
    "不知道",
    "没有提到",
    "未提及",
)


def minilm():
    from langchain_huggingface import HuggingFaceEmbeddings

    from assistant.search.embeddings import packaged_minilm_path

    return HuggingFaceEmbeddings(model_name=str(packaged_minilm_path()))


def load_folder(folder: Path, paths: list[Path] | None = None) -> list:
    """What ``DirectoryLoader(folder, glob="**/*.txt", loader_cls=TextLoader)`` returns (or the given files, as text)."""
    from langchain_core.documents import Document

    return [
        Document(page_content=path.read_text(encoding="utf-8", errors="replace"), metadata={"source": path.name})
        for path in (paths if paths is not None else sorted(folder.rglob("*.txt")))
    ]


def split(documents: list) -> list:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP).split_documents(documents)


def open_vectorstore(persist_dir: Path, embeddings, collection: str = COLLECTION):
    from langchain_chroma import Chroma

    return Chroma(collection_name=collection, embedding_function=embeddings, persist_directory=str(persist_dir))


def ingest(folder: Path, persist_dir: Path, embeddings=None, paths: list[Path] | None = None) -> dict:
    """The tutorial's indexing step. It has no change detection: every run embeds and adds everything again."""
    started = time.perf_counter()
    documents = load_folder(folder, paths)
    splits = split(documents)
    store = open_vectorstore(persist_dir, embeddings or minilm())
    if splits:  # Chroma refuses an empty batch
        store.add_documents(splits)
    return {
        "documents": len(documents),
        "chunks": len(splits),
        "stored": store._collection.count(),
        "seconds": time.perf_counter() - started,
    }


def chain(chat_model):
    """A stuff prompt piped into the model, no checks."""
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_messages([("system", SYSTEM), ("human", "{context}\n\nQuestion: {question}")])
    return prompt | chat_model | StrOutputParser()


def stuff_context(documents: list) -> str:
    """The retrieved documents numbered [1]..[k] as in ``eval answers``, so the prompt's "cite as [n]" can work."""
    from assistant.answer.prompts import format_passages
    from assistant.search.hybrid import Hit

    hits = [Hit(str(n), doc.page_content, {"title": doc.metadata.get("source", "")}) for n, doc in enumerate(documents)]
    return format_passages(hits)


def refused(text: str) -> bool:
    return any(phrase in text.lower() for phrase in REFUSALS)
