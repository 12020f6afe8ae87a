"""Prompts for a small local model: numbered passages, strict rules, one worked example."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.search.hybrid import Hit
from assistant.text.language import is_chinese

NOT_FOUND = "NOT_IN_DOCUMENTS"

SYSTEM = f"""You answer questions about government policy documents using ONLY the numbered passages.
Rules:
1. After every sentence, write the number of the passage that supports it, like [1] or [2].
2. Copy numbers, amounts and dates exactly as the passage writes them, with their unit and qualifier (for example
"up to", "最高 5000万元", "30%"). Never convert or translate a figure: write 5000万元, not "50 million".
3. Never use knowledge from outside the passages. If the passages do not answer the question, reply exactly: {NOT_FOUND}
4. Answer in the language of the question, in one to three short sentences."""

_EXAMPLE_PASSAGES = """[1] Tianjin Robotics Plan (2024) > Support measures
Pilot factories receive subsidies of no more than RMB 5 million per enterprise.

[2] Tianjin Robotics Plan (2024)
The plan was issued by the Tianjin Municipal Industry Bureau in May 2024 and lists 12 tasks.

[3] 天津市机器人产业若干措施 > 三、人才支持
对首次入选的领军人才，给予最高 100 万元奖励。"""
_EXAMPLE_QUESTION = "Who issued the Tianjin robotics plan, and what are the subsidy cap and the talent reward?"
_EXAMPLE_ANSWER = (
    "The plan was issued by the Tianjin Municipal Industry Bureau in May 2024 [2]. "
    "Pilot factories receive no more than RMB 5 million per enterprise [1]. "
    "Leading talents selected for the first time receive a reward of up to 100 万元 [3]."
)

REWRITE_SYSTEM = """Rewrite the user's follow-up question as one standalone question, using the earlier
question for missing context. Reply with the rewritten question only."""


def format_passages(hits: list[Hit], numbers: Sequence[int] = ()) -> str:
    blocks = []
    for n, hit in zip(numbers or range(1, len(hits) + 1), hits):
        meta = hit.metadata
        where = " > ".join(part for part in (meta.get("title", ""), meta.get("section", "")) if part)
        page = f" (p. {meta['page']})" if meta.get("page") else ""
        blocks.append(f"[{n}] {where}{page}\n{hit.text.strip()}")
    return "\n\n".join(blocks)


def _user_turn(passages: str, question: str) -> str:
    return f"Passages:\n{passages}\n\nQuestion: {question}"


def _language_hint(question: str) -> str:
    return "\n请用中文回答，并在每句话后注明段落编号。" if is_chinese(question) else ""


def answer_messages(question: str, hits: list[Hit], numbers: Sequence[int] = ()) -> list[BaseMessage]:
    """System rules and the worked example come first and never change, so llama.cpp reuses their cache.
    ``numbers``: the passages' own numbers when only some of the retrieved passages are shown."""
    return [
        SystemMessage(SYSTEM),
        HumanMessage(_user_turn(_EXAMPLE_PASSAGES, _EXAMPLE_QUESTION)),
        AIMessage(_EXAMPLE_ANSWER),
        HumanMessage(_user_turn(format_passages(hits, numbers), question) + _language_hint(question)),
    ]


def rewrite_messages(previous_question: str, follow_up: str) -> list[BaseMessage]:
    return [
        SystemMessage(REWRITE_SYSTEM),
        HumanMessage(f"Earlier question: {previous_question}\nFollow-up: {follow_up}\nStandalone question:"),
    ]
