"""The repository stands alone: a stranger's clone, with nothing beside it, passes its tests.

The suite-wide guard is in ``conftest.py`` (an audit hook that fails any test opening a file in a
sibling of the repository, and a session check that nothing is left in the system's temporary
directory); these tests show the guard works and that no file points outside.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from .conftest import OUTSIDE_READS, ROOT, SYSTEM_TMP

pytestmark = pytest.mark.reads_source  # reads the source text: not in mutation runs

TEXT = ("*.py", "*.md", "*.toml", "*.txt", "*.1", "run")


def _tracked_text_files() -> list[Path]:
    skip = {".git", ".venv", "vectors", "__pycache__", ".mypy_cache", ".ruff_cache"}
    return [
        p
        for pattern in TEXT
        for p in ROOT.rglob(pattern)
        if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
    ]


def test_no_file_points_outside_the_repository() -> None:
    outward = re.compile(r"\.\./shared|parents\[\d\]\.parent|Path\(\"\.\.\"\)")
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in _tracked_text_files()
        for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1)
        if outward.search(line) and p.name != "test_repository.py"
    ]
    assert found == []


def test_relative_links_in_the_docs_resolve_inside_the_repository() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert len(docs) > 1
    broken = []
    for doc in docs:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text()):
            path = (doc.parent / target).resolve()
            if not path.exists() or not path.is_relative_to(ROOT):
                broken.append(f"{doc.name}: {target}")
    assert broken == []


def test_reading_beside_the_repository_is_caught() -> None:
    """The guard in conftest.py cannot pass vacuously: a read of ../shared is recorded."""
    beside = ROOT.parent / "shared" / "vectors" / "merkle" / "tree.json"
    start = len(OUTSIDE_READS)
    try:
        with pytest.raises(OSError):
            open(beside / "not-a-file")  # noqa: SIM115 - the attempt is what is recorded
        assert OUTSIDE_READS[start:] == [str(beside / "not-a-file")]
    finally:
        del OUTSIDE_READS[start:]
    open(ROOT / "README.md").close()  # the repository itself is fine
    open(Path(tempfile.gettempdir()) / "x", "w").close()  # and so is the temporary folder
    assert OUTSIDE_READS[start:] == []


def test_temporary_files_go_below_pytests_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    made = Path(tempfile.mkdtemp(prefix="blockwatch-demo-"))
    assert made.is_relative_to(tmp_path_factory.getbasetemp())
    assert made.parent != SYSTEM_TMP
