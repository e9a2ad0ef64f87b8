"""年报问答 — the question side: settings, understanding, retrieval, answers, CLI."""
