"""HTML gate: the Nu HTML Checker (vnu.jar) over every HTML, CSS and SVG file of the output.

Fails on any error, naming the file, line and column; warnings are listed but do not fail.
vnu's plain "info" notes are only counted.

    python html_valid.py PUBLIC_DIR VNU_JAR
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.exit(f"usage: {argv[0]} PUBLIC_DIR VNU_JAR")
    public, jar = Path(argv[1]).resolve(), argv[2]
    files = sorted(p for p in public.rglob("*") if p.suffix in (".html", ".css", ".svg"))
    # The folder, not a file list (no argument-length limit); the report on stdout, apart
    # from anything the JVM prints (e.g. "Picked up JAVA_TOOL_OPTIONS").
    run = subprocess.run(
        ["java", "-jar", jar, "--stdout", "--format", "json", "--skip-non-html", "--also-check-css", "--also-check-svg", str(public)],
        capture_output=True,
        text=True,
    )
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError):
        print(f"html: FAIL vnu.jar gave no report (exit {run.returncode}):\n{run.stderr}{run.stdout}")
        return 1

    errors, warnings, info = [], [], Counter()
    for m in messages:
        where = unquote(urlsplit(m.get("url", "")).path)
        if where.startswith(str(public)):
            where = where[len(str(public)) + 1 :]
        if "lastLine" in m:
            where += f":{m['lastLine']}:{m.get('firstColumn', m.get('lastColumn', 0))}"
        line = f"{where}: {m['message']}"
        if m.get("extract"):
            line += f"\n    {m['extract'].strip()}"
        if m["type"] in ("error", "non-document-error") or m.get("subType") == "fatal":
            errors.append(line)
        elif m.get("subType") == "warning":
            warnings.append(line)
        else:
            info[m["message"]] += 1

    for w in warnings:
        print(f"html: warning {w}")
    for e in errors:
        print(f"html: FAIL {e}")
    notes = "; ".join(f"{n}× {msg}" for msg, n in info.most_common())
    summary = f"{len(files)} files, {len(errors)} errors, {len(warnings)} warnings" + (
        f", info: {notes}" if notes else ""
    )
    print(f"html: {'ok' if not errors else 'FAILED'}; {summary}")
    return 1 if errors or run.returncode not in (0, 1) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
