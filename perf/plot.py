"""perf/results/speedup.png: speed-up vs NumPy per workload and size, one bar per contender (log scale)."""
from __future__ import annotations

from pathlib import Path


def speedup_png(run: dict, path: Path) -> bool:
    """Draws the chart; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only, no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    workloads = [w for w in run["workloads"] if w["name"] != "first_call"]
    names = [n for n in run["contenders"] if n != "numpy"]  # numpy is the line at 1.0
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(max(8, 2.0 * len(workloads)), 5))
    for i, name in enumerate(names):
        xs, ys = [], []
        for j, w in enumerate(workloads):
            speedup = w["results"].get(name, {}).get("speedup")
            if speedup:
                xs.append(j - 0.4 + (i + 0.5) * width)
                ys.append(speedup)
        ax.bar(xs, ys, width, label=name)
    ax.axhline(1.0, color="black", linewidth=0.8, label="numpy")
    ax.set_yscale("log")
    ax.set_xticks(range(len(workloads)), [f"{w['title']}\n{w['size']}" for w in workloads], fontsize=7)
    ax.set_ylabel("speed-up vs eager NumPy (higher is better)")
    ax.set_title(f"{run['machine']['cpu']}, {run['machine']['cores_usable']} cores")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True
