"""What newsbot eval prints and plots: the tables by question type, the comparison with the
baseline, the Hits@k curve and the latency histogram."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.evaluation.metrics import MAX_RANK

_COLUMNS = (
    ("Hits@1", "hits@1"),
    ("Hits@5", "hits@5"),
    ("Hits@10", "hits@10"),
    ("MRR@10", "mrr@10"),
    ("answer", "answer_accuracy"),
    ("EM", "exact_match"),
    ("F1", "f1"),
    ("choice", "choice_accuracy"),
    ("cite P", "citation_precision"),
    ("abstain", "abstention"),
    ("wrong ab", "wrong_abstention"),
    ("p50 ms", "latency_p50_ms"),
    ("p95 ms", "latency_p95_ms"),
)


_COMPARED = (
    ("Hits@1", "hits@1"),
    ("Hits@5", "hits@5"),
    ("Hits@10", "hits@10"),
    ("MRR@10", "mrr@10"),
    ("answer accuracy", "answer_accuracy"),
    ("latency p50 ms", "latency_p50_ms"),
    ("latency p95 ms", "latency_p95_ms"),
)


def _cell(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if key.startswith("latency") else f"{value:.3f}"


def format_table(summary: dict) -> str:
    """One row per group (all questions, then each type); n is questions/with gold answer."""
    groups = [("all", summary["overall"]), *summary.get("by_type", {}).items()]
    width = max(len(name) for name, _ in groups)
    lines = [
        f"{'':<{width}}  {'n':>9}" + "".join(f"  {title:>8}" for title, _ in _COLUMNS),
    ]
    for name, m in groups:
        n = f"{m['questions']}/{m['with_gold']}"
        cells = "".join(f"  {_cell(key, m[key]):>8}" for _, key in _COLUMNS)
        lines.append(f"{name:<{width}}  {n:>9}{cells}")
    return "\n".join(lines)


def format_comparison(newsbot: dict, baseline: dict) -> str:
    """newsbot and the baseline side by side, with newsbot / baseline."""
    lines = [f"{'':<16}  {'newsbot':>8}  {'baseline':>8}  {'ratio':>6}"]
    for title, key in _COMPARED:
        ours, theirs = newsbot[key], baseline[key]
        ratio = f"{ours / theirs:.2f}" if ours is not None and theirs else "-"
        lines.append(f"{title:<16}  {_cell(key, ours):>8}  {_cell(key, theirs):>8}  {ratio:>6}")
    return "\n".join(lines)


def plot_hits_curve(curves: dict[str, list[float | None]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on servers
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ks = list(range(1, MAX_RANK + 1))
    for name, curve in curves.items():
        ax.plot(ks, [np.nan if v is None else v for v in curve], marker="o", label=name)
    ax.set(xlabel="k", ylabel="Hits@k", xticks=ks, ylim=(0, 1), title="Hits@k")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_latency(latencies: dict[str, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    # Shared bins, so that the pipelines' bars compare.
    bins = np.histogram_bin_edges([v for values in latencies.values() for v in values], bins=30)
    for name, values in latencies.items():
        ax.hist(values, bins=list(bins), alpha=0.6, label=name)
    ax.set(xlabel="answer time per question (ms)", ylabel="questions", title="Latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
