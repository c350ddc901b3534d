"""flows/inputs.py: which files a run reads, and the issue dates a folder's manifest.csv gives them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows.inputs import InputError, InputFile, discover


def _write(path: Path, text: str = "页") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_is_searched_recursively_in_path_order_without_hidden_files_or_the_manifest(tmp_path):
    _write(tmp_path / "b.txt", "乙乙")
    _write(tmp_path / "a.txt")
    _write(tmp_path / "sub" / "c.txt")
    _write(tmp_path / ".hidden.txt")
    _write(tmp_path / ".git" / "x.txt")
    _write(tmp_path / "manifest.csv", "file,issue_date\n")
    found = discover([str(tmp_path)])
    assert [Path(f.path).relative_to(tmp_path).as_posix() for f in found] == ["a.txt", "b.txt", "sub/c.txt"]
    assert found[1].size == len("乙乙".encode())
    assert all(f.issue_date is None for f in found)


def test_manifest_gives_issue_dates_to_the_files_it_names(tmp_path):
    _write(tmp_path / "a.txt")
    _write(tmp_path / "sub" / "c.txt")
    _write(tmp_path / "unlisted.txt")
    # a spreadsheet's BOM, a path below the manifest's folder, spaces around the date
    (tmp_path / "manifest.csv").write_text("file,issue_date\na.txt,2021-03-09\nsub/c.txt, 2020-12-31 \n",
                                          encoding="utf-8-sig")
    dates = {Path(f.path).name: f.issue_date for f in discover([str(tmp_path)])}
    assert dates == {"a.txt": dt.date(2021, 3, 9), "c.txt": dt.date(2020, 12, 31), "unlisted.txt": None}


def test_a_manifest_in_a_subfolder_dates_that_subfolders_files(tmp_path):
    _write(tmp_path / "2019" / "p.txt")
    _write(tmp_path / "2019" / "manifest.csv", "file,issue_date\np.txt,2019-05-01\n")
    (f,) = discover([str(tmp_path)])
    assert f.issue_date == dt.date(2019, 5, 1)


def test_a_file_given_by_name_takes_its_date_from_its_folders_manifest(tmp_path):
    page = _write(tmp_path / "a.txt")
    _write(tmp_path / "manifest.csv", "file,issue_date\na.txt,2022-01-02\n")
    assert discover([str(page)]) == [InputFile(str(page), page.stat().st_size, dt.date(2022, 1, 2))]


def test_a_file_named_twice_is_one_input(tmp_path):
    page = _write(tmp_path / "a.txt")
    assert len(discover([str(tmp_path), str(page), str(tmp_path)])) == 1


@pytest.mark.parametrize("body, problem", [
    ("file,issue_date\na.txt,9 March 2021\n", "2"),          # not YYYY-MM-DD
    ("file,issue_date\na.txt,2021-03-09\nb.txt,\n", "3"),    # an empty date, on the third line
    ("name,date\na.txt,2021-03-09\n", "2"),                  # wrong column names
])
def test_a_bad_manifest_row_is_an_error_naming_the_file_and_line(tmp_path, body, problem):
    _write(tmp_path / "a.txt")
    _write(tmp_path / "manifest.csv", body)
    with pytest.raises(InputError, match=rf"manifest\.csv:{problem}: bad manifest row .*file,issue_date"):
        discover([str(tmp_path)])


def test_a_missing_input_path_is_an_error_naming_it(tmp_path):
    with pytest.raises(InputError, match="does not exist: .*nowhere"):
        discover([str(tmp_path / "nowhere")])
