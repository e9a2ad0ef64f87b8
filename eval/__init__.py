"""Evaluation: datasets (JSONL), scorers, the harness, the baseline, the synthetic corpus, benchmarks."""
