"""The generator refuses a scale or a folder it cannot use, with the hint (not Python's English)."""

from __future__ import annotations

import pytest

from jiaoyu_fupin.core.problems import ClerkError


def test_the_sample_scale_and_folder_are_checked_by_the_generator(tmp_path):
    from jiaoyu_fupin.sample import generate, require_scale

    require_scale(0.02)
    for bad in (0, -1, 20.5):
        with pytest.raises(ClerkError, match="--scale 须大于 0 且不超过 20"):
            require_scale(bad)
    (tmp_path / "s").write_text("")
    with pytest.raises(ClerkError, match="已存在且不是文件夹"):
        generate(tmp_path / "s", scale=0.01)


def test_the_sample_makes_only_the_last_folder_of_its_path(tmp_path):
    from jiaoyu_fupin.sample import generate

    with pytest.raises(ClerkError, match="所在的文件夹“.*b”不存在"):
        generate(tmp_path / "a" / "b", scale=0.01)
    assert not (tmp_path / "a").exists()
