#!/usr/bin/env python3
"""Run the signing benchmarks and write their results as markdown.

    python3 benches/report.py            # criterion + callgrind, rewrite the README section
    python3 benches/report.py --no-run   # only re-read target/criterion

Criterion medians come from target/criterion/**/new/{benchmark,estimates}.json; callgrind
instruction counts from running the `callgrind` bench binary with N and 2N signatures and
dividing the difference by N (set-up cancels out). The table goes to benches/RESULTS.md and
between the `<!-- perf:begin -->` / `<!-- perf:end -->` markers of README.md.
"""

import argparse
import glob
import json
import os
import platform
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRITERION = os.path.join(ROOT, "target", "criterion")
CALLGRIND_IMPLEMENTATIONS = ["sigv4_sign", "signer", "aws-sigv4", "crypto", "crypto-cached"]


def run(cmd, **kwargs):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, cwd=ROOT, check=True, **kwargs)


def medians():
    """{(group, function, parameter or None): median nanoseconds}."""
    results = {}
    for path in glob.glob(os.path.join(CRITERION, "**", "new", "benchmark.json"), recursive=True):
        with open(path) as f:
            bench = json.load(f)
        with open(os.path.join(os.path.dirname(path), "estimates.json")) as f:
            estimates = json.load(f)
        key = (bench["group_id"], bench["function_id"], bench.get("value_str"))
        results[key] = estimates["median"]["point_estimate"]
    return results


def callgrind_counts():
    """{implementation: instructions per W1 signature}, or {} without valgrind."""
    if shutil.which("valgrind") is None:
        print("valgrind not found: no instruction counts", file=sys.stderr)
        return {}
    out = run(
        ["cargo", "bench", "--bench", "callgrind", "--no-run", "--message-format=json"],
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    binary = None
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "callgrind":
            binary = message.get("executable") or binary
    if binary is None:
        sys.exit("could not find the callgrind bench binary")
    counts = {}
    out_file = os.path.join(ROOT, "target", "callgrind.out")
    for implementation in CALLGRIND_IMPLEMENTATIONS:
        totals = []
        for n in (200, 400):
            result = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", binary,
                 implementation, str(n)],
                capture_output=True, text=True, check=True,
            )
            match = re.search(r"Collected : (\d+)", result.stderr)
            totals.append(int(match.group(1)))
        counts[implementation] = (totals[1] - totals[0]) // 200
    return counts


def fmt_time(ns):
    if ns is None:
        return "n/a"
    if ns >= 1_000_000:
        return f"{ns / 1_000_000:.2f} ms"
    if ns >= 1_000:
        return f"{ns / 1_000:.2f} us"
    return f"{ns:.0f} ns"


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"


def table(rows, header):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def report(results, counts):
    get = lambda group, function, value=None: results.get((group, function, value))
    w1 = {name: get("W1", name) for name in
          ["libsigv4 sigv4_sign", "libsigv4 sign_into", "aws-sigv4", "crypto floor"]}
    cached = {name: get("W1 cached key", name) for name in
              ["libsigv4 sigv4_signer_sign", "libsigv4 Signer::sign_into", "crypto floor (cached key)"]}
    w2 = {name: get("W2", name) for name in
          ["libsigv4 sigv4_sign", "aws-sigv4", "raw SHA-256", "libsigv4 PayloadHasher, 64 KiB pieces"]}
    out = []
    out.append(f"Medians of criterion runs on {platform.machine()}, {os.cpu_count()} cores; one "
               "`cargo bench` run, so every ratio compares numbers taken side by side.\n")
    rows = [
        ["W1 `apigw-get`", fmt_time(w1["libsigv4 sigv4_sign"]), fmt_time(w1["libsigv4 sign_into"]),
         fmt_time(w1["aws-sigv4"]), fmt_time(w1["crypto floor"]),
         ratio(w1["libsigv4 sigv4_sign"], w1["crypto floor"]),
         ratio(w1["aws-sigv4"], w1["libsigv4 sigv4_sign"])],
        ["W1, cached signing key", fmt_time(cached["libsigv4 sigv4_signer_sign"]),
         fmt_time(cached["libsigv4 Signer::sign_into"]), "(no cache)",
         fmt_time(cached["crypto floor (cached key)"]),
         ratio(cached["libsigv4 sigv4_signer_sign"], cached["crypto floor (cached key)"]),
         ratio(w1["aws-sigv4"], cached["libsigv4 sigv4_signer_sign"])],
        ["W2 `s3-put-1MiB`", fmt_time(w2["libsigv4 sigv4_sign"]), "", fmt_time(w2["aws-sigv4"]),
         fmt_time(w2["raw SHA-256"]) + " (SHA-256 alone)",
         ratio(w2["libsigv4 sigv4_sign"], w2["raw SHA-256"]),
         ratio(w2["aws-sigv4"], w2["libsigv4 sigv4_sign"])],
    ]
    out.append(table(rows, ["workload", "libsigv4 (C ABI)", "libsigv4 (Rust)", "aws-sigv4 1.6",
                            "crypto floor", "C ABI / floor", "aws-sigv4 / C ABI"]))
    if w2["libsigv4 PayloadHasher, 64 KiB pieces"]:
        out.append(f"\nW2's body through the incremental payload hasher in 64 KiB pieces: "
                   f"{fmt_time(w2['libsigv4 PayloadHasher, 64 KiB pieces'])} "
                   f"({ratio(w2['libsigv4 PayloadHasher, 64 KiB pieces'], w2['raw SHA-256'])} "
                   "of SHA-256 in one piece).")
    if counts:
        out.append("\nInstructions per W1 signature (valgrind callgrind; the crypto here is "
                   "SHA-256 in software, since valgrind does not run SHA-NI):\n")
        rows = [[name, f"{counts[key]:,}"] for name, key in [
            ("libsigv4 sigv4_sign", "sigv4_sign"), ("libsigv4 sigv4_signer_sign (cached key)", "signer"),
            ("aws-sigv4 1.6", "aws-sigv4"), ("crypto floor", "crypto"),
            ("crypto floor, cached key", "crypto-cached")] if key in counts]
        out.append(table(rows, ["implementation", "instructions"]))
    for group, label in [("scale: headers", "headers"), ("scale: URL bytes", "URL bytes"),
                         ("scale: query parameters", "query parameters")]:
        sizes = sorted({int(k[2]) for k in results if k[0] == group and k[2] is not None})
        if not sizes:
            continue
        rows = []
        for size in sizes:
            ours = get(group, "libsigv4 sigv4_sign", str(size))
            aws = get(group, "aws-sigv4", str(size))
            rows.append([str(size), fmt_time(ours), fmt_time(aws), ratio(aws, ours)])
        out.append(f"\nCost against the number of {label} (W1-like GET, no token):\n")
        out.append(table(rows, [label, "libsigv4 sigv4_sign", "aws-sigv4", "aws-sigv4 / libsigv4"]))
    one, two = get("threads", "libsigv4 sigv4_sign", "1"), get("threads", "libsigv4 sigv4_sign", "2")
    if one and two:
        out.append(f"\nThroughput on W1 with `sigv4_sign`: {1e9 / one:,.0f} signatures/s on one "
                   f"thread, {1e9 / two:,.0f} on two threads ({one / two:.2f}x).")
        floor_one = get("threads", "crypto floor", "1")
        floor_two = get("threads", "crypto floor", "2")
        if floor_one and floor_two:
            out.append(f"The crypto floor alone scales {floor_one / floor_two:.2f}x from one thread "
                       "to two on the same machine: the ceiling for any signer.")
    out.append("\nRegenerate with `python3 benches/report.py` (runs `cargo bench --bench signing` "
               "and the callgrind counts).")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-run", action="store_true", help="only read existing results")
    parser.add_argument("--no-callgrind", action="store_true", help="skip instruction counts")
    args = parser.parse_args()
    if not args.no_run:
        run(["cargo", "bench", "--bench", "signing"])
    counts = {} if args.no_callgrind else callgrind_counts()
    text = report(medians(), counts)
    with open(os.path.join(ROOT, "benches", "RESULTS.md"), "w") as f:
        f.write("# Benchmark results\n\n" + text)
    readme_path = os.path.join(ROOT, "README.md")
    with open(readme_path) as f:
        readme = f.read()
    begin, end = "<!-- perf:begin -->", "<!-- perf:end -->"
    if begin in readme and end in readme:
        head, rest = readme.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(readme_path, "w") as f:
            f.write(head + begin + "\n" + text + end + tail)
    print(text)


if __name__ == "__main__":
    main()
