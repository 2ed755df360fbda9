"""Files shipped with fupin: the default policy and the report templates."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the jiaoyu_fupin package
# A source checkout (or editable install) keeps them at the top of the repository; a wheel carries them in _data/.
_CANDIDATES = {
    "policies": (_PACKAGE.parents[1] / "data" / "policies", _PACKAGE / "_data" / "policies"),
    "templates": (_PACKAGE.parents[1] / "templates", _PACKAGE / "_data" / "templates"),
}


def resource_dir(kind: str) -> Path:
    for candidate in _CANDIDATES[kind]:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"找不到 fupin 自带的 {kind} 文件夹，安装可能不完整：请重新安装 fupin")


def default_policy_path() -> Path:
    return resource_dir("policies") / "default.toml"
