"""Lighthouse (mobile) on the volunteer home and a project page of a running server.

    python bench/lighthouse.py --base-url http://127.0.0.1:8077 \\
        --cookie 'session=...' --out docs/lighthouse.json \\
        [--markdown docs/lighthouse.md]

Runs ``npx --yes lighthouse@12.2.3`` with Debian's Chromium (``CHROME_PATH``, default
/usr/bin/chromium) in Lighthouse's default mobile mode (emulated phone, simulated
slow 4G and CPU), as the logged-in person whose cookie is given (sent with
``--extra-headers``). Records the performance and accessibility scores (targets
DESIGN §5: ≥ 95 and 100), the main timings, the bytes transferred and any failed
accessibility audit, as JSON (``--out``) and a markdown table (``--markdown``, else
printed). Pages: ``/`` and the first project linked from ``/find`` (or
``--project-path``). Exit status 0 even when a target is missed: the table says so.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

LIGHTHOUSE = "lighthouse@12.2.3"
TARGETS = {"performance": 95, "accessibility": 100}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "Speed Index",
}


def first_project_path(base_url: str, cookie: str) -> str:
    """A project page to test: the first one the finding list links to."""
    if not base_url.startswith(("http://", "https://")):
        raise SystemExit("--base-url must be an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 - http(s) checked above
        f"{base_url}/find", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        page = response.read().decode("utf-8", "replace")
    match = re.search(r'href="(/projects/\d+)"', page)
    if not match:
        raise SystemExit("no project linked from /find: seed data first")
    return match.group(1)


def run_lighthouse(url: str, cookie: str, workdir: Path) -> dict:
    """One Lighthouse run; its JSON report."""
    report = workdir / "report.json"
    headers = workdir / "headers.json"
    headers.write_text(json.dumps({"Cookie": cookie} if cookie else {}))
    env = dict(os.environ)
    env.setdefault("CHROME_PATH", "/usr/bin/chromium")
    command = [
        shutil.which("npx") or "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={headers}",
        "--quiet",
    ]
    subprocess.run(command, check=True, env=env, timeout=300)  # noqa: S603 - fixed argv
    return json.loads(report.read_text())


def summarize(path: str, url: str, lhr: dict) -> dict:
    """Scores, timings, bytes and failed accessibility audits of one report."""
    categories, audits = lhr["categories"], lhr["audits"]
    failed = [
        {"id": ref["id"], "title": audits[ref["id"]]["title"]}
        for ref in categories["accessibility"]["auditRefs"]
        if ref["weight"] and audits[ref["id"]].get("score") not in (None, 1)
    ]
    requests = audits.get("network-requests", {}).get("details", {}).get("items", [])
    return {
        "page": path,
        "url": url,
        # A different final URL (the login page) means the cookie did not work.
        "final_url": lhr.get("finalDisplayedUrl", url),
        "performance": round(categories["performance"]["score"] * 100),
        "accessibility": round(categories["accessibility"]["score"] * 100),
        "metrics": {
            label: audits[key]["displayValue"]
            for key, label in METRICS.items()
            if key in audits
        },
        "transfer_bytes": sum(int(r.get("transferSize") or 0) for r in requests),
        "requests": len(requests),
        "failed_accessibility_audits": failed,
        "runtime_error": lhr.get("runtimeError", {}).get("message"),
    }


def markdown(results: list[dict]) -> str:
    """The table for docs/benchmarks.md."""
    lines = [
        f"Lighthouse {LIGHTHOUSE.split('@')[1]}, mobile (emulated phone, simulated "
        "slow 4G), Debian Chromium. Targets: performance ≥ "
        f"{TARGETS['performance']}, accessibility {TARGETS['accessibility']}.",
        "",
        "| page | performance | accessibility | FCP | LCP | TBT | CLS | transferred |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        m = r["metrics"]
        perf = f"{r['performance']}" + (
            "" if r["performance"] >= TARGETS["performance"] else " ✗"
        )
        a11y = f"{r['accessibility']}" + (
            "" if r["accessibility"] >= TARGETS["accessibility"] else " ✗"
        )
        lines.append(
            f"| `{r['page']}` | {perf} | {a11y} | {m.get('FCP', '–')} | "
            f"{m.get('LCP', '–')} | {m.get('TBT', '–')} | {m.get('CLS', '–')} | "
            f"{r['transfer_bytes'] / 1024:.1f} KB |"
        )
    for r in results:
        if r["final_url"] != r["url"]:
            lines.append(
                f"\n- `{r['page']}` ended at {r['final_url']} (not logged in?)"
            )
        for audit in r["failed_accessibility_audits"]:
            lines.append(f"\n- `{r['page']}` fails {audit['id']}: {audit['title']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8077")
    parser.add_argument("--cookie", default="", help="e.g. 'session=...'")
    parser.add_argument("--out", type=Path, default=Path("docs/lighthouse.json"))
    parser.add_argument("--markdown", type=Path, help="write the table here too")
    parser.add_argument("--project-path", help="default: first project on /find")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    pages = ["/", args.project_path or first_project_path(base, args.cookie)]
    results = []
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        for path in pages:
            print(f"[lighthouse] {base}{path}", file=sys.stderr, flush=True)
            lhr = run_lighthouse(f"{base}{path}", args.cookie, Path(tmp))
            results.append(summarize(path, f"{base}{path}", lhr))
    table = markdown(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "lighthouse": LIGHTHOUSE,
                "form_factor": "mobile",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "targets": TARGETS,
                "pages": results,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    if args.markdown:
        args.markdown.write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
