#!/usr/bin/python3
"""Helpers of ./run bench (scripts/bench.sh), standard library only.

  bench-tools.py measure OUT TIMEOUT CMD...   run CMD, write "wall_s max_rss_kib tree_rss_kib rc cpu_s" to OUT
  bench-tools.py chart CSV SVG                grouped bar chart of delta bytes per pair and contender

measure: wall time, peak RSS and CPU time (user + system, all threads and
waited-for children) come from /usr/bin/time -f '%e %M %U %S' (the peak RSS is that of the
largest single process of the tree: for deltaimage that is the JVM, not the
xdelta3 processes it starts). Besides, the summed RSS of the whole process
tree (JVM + its xdelta3 children) is sampled every 50 ms, since GNU time
cannot see processes that run at the same time. After TIMEOUT seconds the
command's process group is killed and rc is 124, as with timeout(1).
"""

import csv
import html
import math
import os
import signal
import subprocess
import sys
import tempfile
import time

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def descendants_rss_kib(root_pid):
    """Summed resident set of root_pid and every process below it, in KiB."""
    children = {}
    rss = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm", "rb") as f:
                resident = int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # exited while we looked
        # The command name may hold spaces and parentheses: fields after the last ')'.
        fields = stat[stat.rindex(b")") + 2:].split()
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = resident * PAGE_KIB
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def measure(out, timeout_s, cmd):
    with tempfile.NamedTemporaryFile("r", prefix="bench-time.", delete=False) as t:
        time_file = t.name
    try:
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%e %M %U %S", "-o", time_file, "--", *cmd],
                                start_new_session=True)
        deadline = time.monotonic() + timeout_s
        peak, rc = 0, None
        while rc is None:
            peak = max(peak, descendants_rss_kib(proc.pid))
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                rc = 124
                break
            time.sleep(0.05)
            rc = proc.poll()
        with open(time_file) as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
        # time(1) prefixes "Command exited with non-zero status N" on failure.
        wall, max_rss, user, system = (lines[-1].split() + ["0"] * 4)[:4] if lines else ("0",) * 4
        cpu = f"{float(user) + float(system):.2f}"
        if rc == 124:
            wall, cpu = str(timeout_s), "-"
        with open(out, "w") as f:
            f.write(f"{wall} {max_rss} {peak} {rc} {cpu}\n")
        return 0
    finally:
        os.unlink(time_file)


# Colours per contender, in the order bench.sh lists them.
PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


def chart(csv_path, svg_path):
    with open(csv_path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["delta_bytes"].isdigit() and int(r["delta_bytes"]) > 0]
    pairs, contenders = [], []
    for r in rows:
        if r["pair"] not in pairs:
            pairs.append(r["pair"])
        if r["contender"] not in contenders:
            contenders.append(r["contender"])
    value = {(r["pair"], r["contender"]): int(r["delta_bytes"]) for r in rows}
    target = {r["pair"]: int(r["target_bytes"]) for r in rows}

    # Log scale from the decade below the smallest delta to the decade above the largest target.
    lo = 10 ** math.floor(math.log10(min(value.values()))) if value else 1
    hi = 10 ** math.ceil(math.log10(max(list(value.values()) + list(target.values())))) if value else 10
    width_group = 40 + 22 * len(contenders)
    left, top, plot_h = 90, 50, 320
    width = max(640, left + width_group * max(1, len(pairs)) + 30)
    height = top + plot_h + 70 + 18 * len(contenders)

    def y(v):
        return top + plot_h - plot_h * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    def size_label(v):
        for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
            if v >= scale:
                return f"{v / scale:g} {unit}"
        return f"{v} B"

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="20" font-size="15">Delta bytes per image pair and tool (log scale)</text>',
           f'<text x="{left}" y="38">dashed line: the target image as a registry stores it (gzip\'d layers)</text>']
    decade = lo
    while decade <= hi:
        yy = y(decade)
        out.append(f'<line x1="{left}" x2="{width - 20}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 8}" y="{yy + 4:.1f}" text-anchor="end">{size_label(decade)}</text>')
        decade *= 10
    for i, pair in enumerate(pairs):
        x0 = left + i * width_group + 20
        for j, contender in enumerate(contenders):
            v = value.get((pair, contender))
            if v is None:
                continue
            x = x0 + j * 22
            yy = y(v)
            out.append(f'<rect x="{x}" y="{yy:.1f}" width="18" height="{top + plot_h - yy:.1f}" '
                       f'fill="{PALETTE[j % len(PALETTE)]}"><title>{html.escape(contender)}: '
                       f'{v:,} bytes</title></rect>')
        if pair in target:
            yy = y(target[pair])
            out.append(f'<line x1="{x0 - 4}" x2="{x0 + 22 * len(contenders)}" y1="{yy:.1f}" y2="{yy:.1f}" '
                       f'stroke="black" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x0 + 11 * len(contenders)}" y="{top + plot_h + 18}" text-anchor="middle">'
                   f'{html.escape(pair)}</text>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="black"/>')
    out.append(f'<line x1="{left}" x2="{width - 20}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="black"/>')
    for j, contender in enumerate(contenders):
        yy = top + plot_h + 44 + 18 * j
        out.append(f'<rect x="{left}" y="{yy - 11}" width="14" height="14" fill="{PALETTE[j % len(PALETTE)]}"/>')
        out.append(f'<text x="{left + 20}" y="{yy}">{html.escape(contender)}</text>')
    out.append("</svg>")
    with open(svg_path, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "measure":
        return measure(argv[2], int(argv[3]), argv[4:])
    if len(argv) == 4 and argv[1] == "chart":
        return chart(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
