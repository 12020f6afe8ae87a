"""The comparison: a RAG pipeline built the way a LangChain tutorial builds it.

RecursiveCharacterTextSplitter(1000, 200) → MiniLM through HuggingFaceEmbeddings → langchain_chroma.Chroma
(persisted in a folder) → ``similarity_search`` → a "stuff" prompt to the same local model.

Run as a script, in its own process so the caller can measure its time and memory:
``python bench/baseline.py ingest FOLDER PERSIST_DIR`` prints ``{"documents", "chunks", "stored", "seconds"}``;
``python bench/baseline.py app FOLDER PERSIST_DIR QUESTIONS.json`` indexes, prints a ``ready`` event, waits
for a line on stdin, then answers, printing an ``answered`` event per question.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200
COLLECTION = "langchain"


def minilm():
    from langchain_huggingface import HuggingFaceEmbeddings

    from assistant.embeddings import packaged_minilm_path

    return HuggingFaceEmbeddings(model_name=str(packaged_minilm_path()))


def load_folder(folder: Path) -> list:
    """What ``DirectoryLoader(folder, glob="**/*.txt", loader_cls=TextLoader)`` returns."""
    from langchain_core.documents import Document

    return [
        Document(page_content=path.read_text(encoding="utf-8", errors="replace"), metadata={"source": path.name})
        for path in sorted(folder.rglob("*.txt"))
    ]


def split(documents: list) -> list:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP).split_documents(documents)


def open_vectorstore(persist_dir: Path, embeddings):
    from langchain_chroma import Chroma

    return Chroma(collection_name=COLLECTION, embedding_function=embeddings, persist_directory=str(persist_dir))


def ingest(folder: Path, persist_dir: Path, embeddings=None) -> dict:
    """The tutorial's indexing step. It has no change detection: every run embeds and adds everything again."""
    started = time.perf_counter()
    documents = load_folder(folder)
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


def stuff_context(documents: list) -> str:
    """The retrieved documents numbered [1]..[k] as in ``eval answers``, so the prompt's "cite as [n]" can work."""
    from assistant.prompts import format_passages
    from assistant.retrieval import Hit

    hits = [Hit(str(n), doc.page_content, {"title": doc.metadata.get("source", "")}) for n, doc in enumerate(documents)]
    return format_passages(hits)


def answer_questions(folder: Path, persist_dir: Path, questions: list[str]) -> None:
    """The tutorial as a running app: index, then answer; prints one event line per step for the memory probe."""
    from assistant.eval.answers import baseline_chain
    from assistant.llm import make_chat_model
    from assistant.settings import Settings

    embeddings = minilm()
    ingest(folder, persist_dir, embeddings)
    store = open_vectorstore(persist_dir, embeddings)
    chain = baseline_chain(make_chat_model(Settings()))
    _event("ready")
    sys.stdin.readline()  # the caller measures the app at rest, then lets it answer
    for question in questions:
        context = stuff_context(store.similarity_search(question, k=4))
        "".join(chain.stream({"context": context, "question": question}))
        _event("answered")


def _event(name: str) -> None:
    print(json.dumps({"event": name}), flush=True)


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "ingest":
        print(json.dumps(ingest(Path(argv[1]), Path(argv[2]))))
        return 0
    if len(argv) == 4 and argv[0] == "app":
        answer_questions(Path(argv[1]), Path(argv[2]), json.loads(Path(argv[3]).read_text(encoding="utf-8")))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(here.parent)] + [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.exit(main(sys.argv[1:]))
