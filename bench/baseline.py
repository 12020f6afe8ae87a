"""The LangChain tutorial pipeline (assistant/eval/tutorial.py) as a process of its own, for the benchmarks.

RecursiveCharacterTextSplitter(1000, 200) → MiniLM through HuggingFaceEmbeddings → langchain_chroma.Chroma
(persisted in a folder) → ``similarity_search`` → a "stuff" prompt to the same local model.

Run as a script, in its own process so the caller can measure its time and memory:
``python -m bench.baseline ingest FOLDER PERSIST_DIR`` prints ``{"documents", "chunks", "stored", "seconds"}``;
``python -m bench.baseline app FOLDER PERSIST_DIR QUESTIONS.json`` indexes, prints a ``ready`` event, waits
for a line on stdin, then answers, printing an ``answered`` event per question.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.eval.tutorial import ingest, minilm, open_vectorstore, stuff_context


def answer_questions(folder: Path, persist_dir: Path, questions: list[str]) -> None:
    """The tutorial as a running app: index, then answer; prints one event line per step for the memory probe."""
    from assistant.eval.tutorial import chain as tutorial_chain
    from assistant.llm.backends import make_chat_model
    from assistant.settings import Settings

    embeddings = minilm()
    ingest(folder, persist_dir, embeddings)
    store = open_vectorstore(persist_dir, embeddings)
    chain = tutorial_chain(make_chat_model(Settings()))
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
    sys.exit(main(sys.argv[1:]))
