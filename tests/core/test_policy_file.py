"""A county's policy file that cannot be read: the clerk is told where and why in Chinese, never tomllib's English."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("body", "where"), [
    (b'extends = "default"\n[[program]\ncode = "x"\n', "第 2 行第 10 列附近"),  # unclosed [[
    (b'extends = "default"\nceiling_times = 3\nceiling_times = 4\n', "第 3 行"),  # the same key twice
    (b'extends = default\n', "第 1 行"),  # text without quotes
])
def test_a_broken_policy_file_is_explained_in_chinese(cli, tmp_path, body, where):
    policy = tmp_path / "本县标准.toml"
    policy.write_bytes(body)
    result = cli("--policy", policy, "init")
    assert result.exit_code == 2
    assert f"资助标准文件 {policy} {where}" in result.output
    assert "不符合 TOML 写法" in result.output and "default.toml" in result.output
    assert not any(word in result.output for word in ("Expected", "Invalid", "Cannot", "line", "column"))


def test_a_policy_file_saved_as_gbk_is_named_as_such(cli, tmp_path):
    policy = tmp_path / "本县标准.toml"
    policy.write_bytes('extends = "default"\n# 本县标准\n'.encode("gbk"))
    result = cli("--policy", policy, "init")
    assert result.exit_code == 2
    assert "不是 UTF-8 编码" in result.output and "另存为" in result.output
