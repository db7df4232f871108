"""How long a browser takes to show the report of a 10,000-call bundle, its size, its pages.

    uv run python bench/report_render.py [--calls 10000] [--runs 5] [--lang ru] [--browser PATH]

Imports ``--calls`` synthetic calls (bench/import_calls.py's generator) into a fresh vault,
exports a bundle in ``--lang``, and takes ``data/report.html`` out of it.  Then, with a
headless Chromium (``chromium``, ``chromium-browser`` or ``google-chrome`` on PATH, or
``--browser``), medians of ``--runs`` runs, each a fresh browser process:

* baselines, in the same run: the same command on the report of a one-call bundle (browser
  start-up, a page load, a layout), and on a bare HTML table of as many rows of seven cells as
  the report has calls (what any page of that many rows costs this browser on this machine)
* ``--dump-dom``: the page loaded and parsed (the load event)
* ``--screenshot``: the first screen laid out and painted, what a reader sees on opening it
* ``--print-to-pdf``: every page laid out for A4, as an officer prints it; the PDF's page
  count is what the printed report takes

The render time is the report's figure minus the one-call report's.  Target from the issue: under
2 seconds.  Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_calls import generate
from vaults import EXE, new_vault

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MODES = {
    "load (--dump-dom)": ["--dump-dom"],
    "first screen (--screenshot)": ["--screenshot={out}.png", "--window-size=1280,900"],
    "every A4 page (--print-to-pdf)": ["--print-to-pdf={out}.pdf", "--no-pdf-header-footer"],
}


def browser(given: str | None) -> str:
    found = given or next((b for b in map(shutil.which, BROWSERS) if b), None)
    if not found:
        raise SystemExit(
            "no Chromium found: install it (Debian: apt install chromium) or --browser"
        )
    return found


def report_of(calls: int, lang: str, root: Path) -> Path:
    """Import ``calls`` synthetic calls into a fresh vault; the report of their bundle."""
    where = root / f"calls{calls}"
    where.mkdir()
    quiet = {"env": new_vault(where / "vault"), "check": True, "stdout": subprocess.DEVNULL}
    xml = where / "calls.xml"
    generate(xml, calls)
    subprocess.run([EXE, "import", str(xml)], **quiet)  # type: ignore[call-overload]
    bundle = where / "bundle.zip"
    subprocess.run([EXE, "export", str(bundle), "--lang", lang], **quiet)  # type: ignore[call-overload]
    with zipfile.ZipFile(bundle) as z:
        [name] = [n for n in z.namelist() if n.endswith("/data/report.html")]
        report = where / "report.html"
        report.write_bytes(z.read(name))
    return report


def bare_table(rows: int, root: Path) -> Path:
    """A page of one unstyled table: ``rows`` rows of seven short cells, as a call's row has."""
    page = root / "bare.html"
    cells = "<td>{n}</td><td>21:06:40</td><td>Call</td><td>+33639980441</td><td>France</td>"
    cells += "<td>phone</td><td>incoming, 0 seconds</td>"
    body = "".join(f"<tr>{cells.format(n=n)}</tr>\n" for n in range(rows))
    page.write_text(f"<!DOCTYPE html><html><body><table>{body}</table></body></html>")
    return page


def render(chrome: str, page: Path, flags: list[str], out: Path) -> float:
    argv = [
        chrome,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        f"--user-data-dir={out.parent / 'profile'}",
        *(f.format(out=out) for f in flags),
        page.as_uri(),
    ]
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def pdf_pages(pdf: Path) -> int:
    """Pages of a PDF Chromium wrote: its page objects (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", default="ru")
    parser.add_argument("--browser")
    args = parser.parse_args()
    chrome = browser(args.browser)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        pages = {
            "baseline": report_of(1, args.lang, root),
            "bare": bare_table(args.calls, root),
            "report": report_of(args.calls, args.lang, root),
        }
        seconds: dict[tuple[str, str], list[float]] = {}
        for n in range(args.runs):
            for mode, flags in MODES.items():
                for which, page in pages.items():
                    out = root / f"{which}-{n}"
                    seconds.setdefault((mode, which), []).append(render(chrome, page, flags, out))
        printed = pdf_pages(root / "report-0.pdf")
        version = subprocess.run(
            [chrome, "--version"], capture_output=True, text=True
        ).stdout.strip()
        size = pages["report"].stat().st_size
        print(
            f"{args.calls} calls, report in {args.lang}: {size / 1024**2:.1f} MiB of HTML, "
            f"{printed} printed A4 pages"
        )
        print(f"{version}, headless; medians of {args.runs} runs; {os.cpu_count()} cores")
        print(
            f"{'':<32} {'1-call report':>14} {'bare table':>11} {'this report':>12} {'render':>8}"
        )
        for mode in MODES:
            base, bare, full = (
                statistics.median(seconds[mode, k]) for k in ("baseline", "bare", "report")
            )
            print(f"{mode:<32} {base:>13.2f}s {bare:>10.2f}s {full:>11.2f}s {full - base:>7.2f}s")


if __name__ == "__main__":
    main()
