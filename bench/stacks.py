"""Summarise py-spy's collapsed stacks (``--format raw``): the share of samples in which each
function is on the stack (inclusive), the top ones, optionally only below a given frame.

    .venv/bin/python bench/stacks.py worker.txt [--under advance_case] [--top 40]
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path


def summarise(path: Path, under: str = "", top: int = 40, idle: bool = False) -> list[str]:
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if under:
            at = next((i for i, f in enumerate(frames) if under in f), None)
            if at is None:
                continue
            frames = frames[at:]
        if not idle and any(
            w in frames[-1] for w in ("wait (threading", "select (", "poll (", "_recv_into")
        ):
            continue
        n = int(count)
        total += n
        for frame in dict.fromkeys(f.split(" (")[0] + " " + _where(f) for f in frames):
            inclusive[frame] += n
    lines = [f"{path.name}: {total} samples" + (f" under {under}" if under else "")]
    for frame, n in inclusive.most_common(top):
        lines.append(f"{n / max(total, 1):6.1%}  {frame}")
    return lines


def _where(frame: str) -> str:
    inside = frame.partition(" (")[2].rstrip(")")
    path, _, _line = inside.rpartition(":")
    parts = path.split("/")
    return "/".join(parts[-2:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--under", default="")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--idle", action="store_true", help="count waiting samples too")
    args = parser.parse_args()
    for path in args.files:
        print("\n".join(summarise(path, args.under, args.top, args.idle)))


if __name__ == "__main__":
    main()
