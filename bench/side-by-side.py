#!/usr/bin/env python3
"""side-by-side [--rounds 3] LABEL=COMMAND [LABEL=COMMAND ...]

Runs several benchmark commands in rotation (A, B, C, A, B, C, ...) --rounds times, so that every command sees
the same machine state, and prints for each one the median over the rounds of its `median_ms` (the --json output of
`recurrent bench`, `Recurrent.OnnxBench` and ../shared/peers/peer) and its speed-up over the first command.

It extends ../shared/peers/compare, which alternates exactly two commands, to a before/after table against a peer in
one run: `side-by-side.py ort="peer ort rnn ..." before="dotnet /tmp/before/...dll bench rnn ..." after="..."`.
Each command must print exactly one JSON line with median_ms (or median_ms_per_step); other lines go to stderr.
Each COMMAND is split by the shell rules (shlex); environment assignments (`DOTNET_EnableAVX512F=0 dotnet ...`) are
allowed at its start.
"""
import json
import os
import shlex
import statistics
import subprocess
import sys


def fail(message, code=1):
    print(f"side-by-side: {message}", file=sys.stderr)
    sys.exit(code)


def parse(argv):
    rounds = 3
    commands = []
    i = 0
    while i < len(argv):
        if argv[i] == "--rounds":
            if i + 1 >= len(argv) or not argv[i + 1].isdigit() or int(argv[i + 1]) < 1:
                fail("--rounds expects a positive integer", 2)
            rounds = int(argv[i + 1])
            i += 2
            continue
        label, sep, command = argv[i].partition("=")
        if not sep or not label or not command:
            fail(f"argument {i + 1} is '{argv[i]}'; expected LABEL=COMMAND", 2)
        commands.append((label, command))
        i += 1
    if len(commands) < 2:
        fail("give at least two LABEL=COMMAND arguments", 2)
    return rounds, commands


def run(label, command):
    words = shlex.split(command)
    env = dict(os.environ)
    while words and "=" in words[0] and not words[0].startswith(("/", ".")) and words[0].split("=")[0].isidentifier():
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    result = subprocess.run(words, env=env, capture_output=True, text=True)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        fail(f"{label}: '{command}' exited with {result.returncode}")
    values = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            sys.stderr.write(line + "\n")
            continue
        case = json.loads(line)
        value = case.get("median_ms", case.get("median_ms_per_step"))
        if value is not None:
            values.append(float(value))
    if len(values) != 1:
        fail(f"{label}: expected one JSON line with median_ms, got {len(values)}")
    return values[0]


def main():
    rounds, commands = parse(sys.argv[1:])
    times = {label: [] for label, _ in commands}
    for r in range(rounds):
        for label, command in commands:
            times[label].append(run(label, command))
            print(f"round {r + 1}: {label} {times[label][-1]:.4f} ms", file=sys.stderr)
    base_label = commands[0][0]
    base = statistics.median(times[base_label])
    print(f"{'command':<16} {'median ms':>10} {'min-max ms':>20}  speed-up over {base_label}")
    for label, _ in commands:
        values = times[label]
        median = statistics.median(values)
        spread = f"{min(values):.4f}-{max(values):.4f}"
        print(f"{label:<16} {median:>10.4f} {spread:>20}  {base / median:.3f}x")


if __name__ == "__main__":
    main()
