"""Where a command is told to write, checked by the library before any work (core/files.py)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from jiaoyu_fupin.core.files import (
    made_folders,
    os_reason,
    require_folder,
    require_xlsx,
    write_atomic,
    write_or_refuse,
)
from jiaoyu_fupin.core.problems import ClerkError


def test_an_output_workbook_is_an_xlsx_in_a_folder_that_exists(tmp_path):
    require_xlsx(None, "x.xlsx")
    require_xlsx(tmp_path / "核对.xlsx", "核对.xlsx")
    with pytest.raises(ClerkError) as refused:
        require_xlsx(tmp_path / "核对.xls", "核对_2019秋.xlsx")
    assert (refused.value.message, refused.value.hint) == (f"输出文件“{tmp_path / '核对.xls'}”须以 .xlsx 结尾",
                                                           "例如 --out 核对_2019秋.xlsx")
    with pytest.raises(ClerkError, match="所在的文件夹“.*deeper”不存在"):
        require_xlsx(tmp_path / "nowhere" / "deeper" / "核对.xlsx", "核对.xlsx")
    assert not (tmp_path / "nowhere").exists()
    (tmp_path / "已有.xlsx").mkdir()
    with pytest.raises(ClerkError, match="是一个已有的文件夹"):
        require_xlsx(tmp_path / "已有.xlsx", "核对.xlsx")


def test_an_output_folder_is_made_one_level_deep_and_said(tmp_path):
    made_folders()
    require_folder(tmp_path / "责任书", "责任书")
    assert (tmp_path / "责任书").is_dir() and made_folders() == [tmp_path / "责任书"] and made_folders() == []
    with pytest.raises(ClerkError, match="所在的文件夹“.*b”不存在"):
        require_folder(tmp_path / "a" / "b", "责任书")
    with pytest.raises(ClerkError, match="不存在"):
        require_folder(tmp_path / "台账", "台账", make=False)
    assert not (tmp_path / "a").exists() and not (tmp_path / "台账").exists()
    # The atomic writer goes by the same rule: it never grows a tree.
    with pytest.raises(ClerkError, match="不存在"):
        write_atomic(tmp_path / "x" / "y" / "z.txt", lambda p: p.write_text("z"))
    assert not (tmp_path / "x").exists()


def test_an_output_folder_must_exist_and_be_one(tmp_path):
    require_folder(tmp_path, "责任书")
    (tmp_path / "文件").write_text("")
    with pytest.raises(ClerkError, match="责任书所在的“.*文件”不是文件夹"):
        require_folder(tmp_path / "文件", "责任书")


def test_a_file_that_cannot_be_written_is_refused_with_the_reason(tmp_path):
    def denied():
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "x.xlsx"))

    with pytest.raises(ClerkError) as refused:
        write_or_refuse(tmp_path / "x.xlsx", denied)
    assert refused.value.message == f"无法写入“{tmp_path / 'x.xlsx'}”：没有写入权限" and refused.value.misuse
    assert write_or_refuse(tmp_path / "y", lambda: 7) == 7
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间已满"


def test_a_folder_that_exists_but_takes_no_files_is_not_called_missing(tmp_path):
    temp = tmp_path / ".x.xlsx.123.tmp"  # what the system names: the temporary file next to the output
    refused = FileNotFoundError(errno.ENOENT, "No such file or directory", str(temp))
    assert os_reason(refused) == f"文件夹“{tmp_path}”里不能新建文件（系统的特殊文件夹，如 /proc，不能存放文件）"
    gone = FileNotFoundError(errno.ENOENT, "No such file or directory", str(tmp_path / "nowhere" / "x.tmp"))
    assert os_reason(gone) == "文件夹不存在"


@pytest.mark.skipif(not (Path("/proc/self").is_dir()), reason="a system with /proc")
def test_errors_into_proc_says_what_is_wrong(cli, tmp_path):
    from helpers.files import ROLL_HEADER, roll_rows, write_xlsx

    rows = roll_rows()
    rows[0][0] = None
    result = cli("import", write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows), "--term", "2019秋",
                 "--errors", "/proc/x.xlsx")
    assert result.exit_code == 1, result.output
    assert "无法写入错误工作簿 /proc/x.xlsx：文件夹“/proc”里不能新建文件" in result.output, result.output
    assert "文件夹不存在" not in result.output
