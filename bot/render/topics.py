"""Topic slugs as people read them."""

from __future__ import annotations

# Words a topic slug spells in lowercase that a person writes otherwise.
_TOPIC_WORDS = {
    "ai": "AI", "pm": "PM", "pms": "PMs", "ml": "ML", "llm": "LLM", "rag": "RAG", "eu": "EU", "ip": "IP", "mcp": "MCP",
    "a2a": "A2A", "ab": "A/B", "ux": "UX", "vs": "vs", "nist": "NIST", "rmf": "RMF",
}


_TOPIC_TITLES = {"eu-ai-act": "EU AI Act", "rag-vs-fine-tuning": "RAG vs fine-tuning", "llm-as-judge": "LLM-as-judge",
                 "offline-to-online": "Offline to online", "accuracy-speed-cost": "Accuracy, speed and cost"}


def topic_title(tag: str) -> str:
    """A topic as a person reads it: ``two-kinds-of-ai-pm`` is "Two kinds of AI PM"."""
    if tag in _TOPIC_TITLES:
        return _TOPIC_TITLES[tag]
    words = [_TOPIC_WORDS.get(word, word) for word in tag.split("-") if word]
    if not words:
        return tag
    first = words[0]
    return " ".join([first if first in _TOPIC_WORDS.values() else first.capitalize(), *words[1:]])
