"""The bundle writer, exactly (issue 20: the mutants of ``bundle/writer.py`` the behaviour tests
let through): the folder name a case gives the bag, and what the bag holds."""

from __future__ import annotations

import pytest

from blockwatch.bundle.writer import _slug


@pytest.mark.parametrize(
    ("case", "folder"),
    [
        ("Блокировка журналистов, ноябрь 2026", "blokirovka-zhurnalistov-noyabr-2026"),
        ("Қаңтар оқиғасы", "qangtar-oqighasy"),
        ("ABC def", "abc-def"),  # capitals kept as letters, then lowered
        ("X-Files", "x-files"),  # only separators are stripped from the ends
        ("  Case  ", "case"),
        ("", "case"),  # nothing left of the name: still a name
        ("!!!", "case"),
        ("!" + "a" * 40, "a" * 40),  # a separator first does not cost a letter of the forty
        ("a" * 39 + " b", "a" * 39),  # cut at forty on a separator: no dash at the end
        ("x" * 45, "x" * 40),
    ],
)
def test_a_case_name_becomes_a_folder_name_of_at_most_forty_letters_digits_and_dashes(
    case: str, folder: str
) -> None:
    assert _slug(case) == folder
