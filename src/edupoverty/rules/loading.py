"""Loading policy profiles (读取政策配置): bundled names or TOML files, checked on load.

:func:`load_policy` reads and composes profiles into a :class:`~edupoverty.rules.policy.Policy`;
:func:`compose` lays overlays over a policy already loaded; :func:`list_profiles` and
:func:`profile_aliases` name the bundled ones. Every mistake in a file is a
:class:`~edupoverty.errors.PolicyError` naming the file, the key and the reason.

Examples:
    >>> load_policy("seed", "dangshan").name
    'seed+dangshan'
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from edupoverty.errors import ArgumentError, PolicyError
from edupoverty.records.enums import Stage
from edupoverty.records.safefile import load_toml
from edupoverty.rules.policy import GrantCheck, Policy, Programme
from edupoverty.rules.policy_tables import (
    PROGRAMME_KEYS,
    as_amount,
    check_keys,
    parse_parameters,
    parse_programme,
    required,
)

__all__ = ["compose", "list_profiles", "load_policy", "profile_aliases"]

_PROFILE_KEYS = {
    "id",
    "title_zh",
    "title_en",
    "aliases",
    "extends",
    "reviewed_school_years",
    "source",
}
_CHECK_KEYS = {"id", "stages", "programmes", "minimum", "hukou_province", "source", "rule"}
_TOP_KEYS = {"profile", "parameters", "programme", "check"}


def _profiles_dir() -> Any:
    return resources.files("edupoverty.rules") / "profiles"


def _bundled() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for entry in sorted(_profiles_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            out.append((entry.name[:-5], data.get("profile", {})))
    return out


def list_profiles() -> list[tuple[str, str, str]]:
    """The bundled profiles: ``(name, Chinese title, English title)``.

    Examples:
        >>> [name for name, _, _ in list_profiles()]
        ['dangshan', 'hebei', 'liling', 'national-2025', 'seed']
    """
    return [(name, p.get("title_zh", ""), p.get("title_en", "")) for name, p in _bundled()]


def profile_aliases() -> dict[str, str]:
    """The Chinese names a bundled profile may also be loaded by, e.g. ``砀山`` → ``dangshan``
    (each profile's ``aliases``).

    Examples:
        >>> profile_aliases()["砀山"], profile_aliases()["河北"]
        ('dangshan', 'hebei')
    """
    return {str(alias): name for name, p in _bundled() for alias in p.get("aliases", ())}


def _read(source: str | os.PathLike[str]) -> tuple[str, dict[str, Any]]:
    if not isinstance(source, str | os.PathLike):
        raise ArgumentError(
            "sources",
            "内置配置名称或 TOML 文件路径",
            "a bundled profile name or a path to a TOML file",
            type(source).__name__,
        )
    text_source = os.fspath(source)
    if not isinstance(text_source, str):
        raise ArgumentError("sources", "文本路径", "a text path", type(text_source).__name__)
    is_path = (
        isinstance(source, os.PathLike)
        or text_source.endswith(".toml")
        or os.sep in text_source
        or "/" in text_source
    )
    if is_path:
        label = Path(text_source).name
        return label, load_toml(
            text_source, refuse=lambda zh, en: PolicyError(label, "file", zh, en)
        )
    text_source = profile_aliases().get(text_source.strip(), text_source.strip())
    entry = _profiles_dir() / f"{text_source}.toml"
    if not entry.is_file():
        names = ", ".join(n for n, _, _ in list_profiles())
        raise PolicyError(
            text_source,
            "profile",
            f"没有这个内置配置（可用：{names}）",
            f"no such bundled profile (available: {names})",
        )
    return f"{text_source}.toml", tomllib.loads(entry.read_text(encoding="utf-8"))


def load_policy(*sources: str | os.PathLike[str]) -> Policy:
    """Load and compose policy profiles: bundled names (or their Chinese names, such as
    ``砀山``: :func:`profile_aliases`) or paths to TOML files.

    ``load_policy()`` and ``load_policy("seed")`` give the seed profile. An overlay (a file
    whose ``[profile]`` says ``extends = "seed"``) given first is laid over its base;
    several sources are laid over each other left to right, later ones replacing earlier
    ones per programme and case group (R-STK-4).

    Examples:
        >>> load_policy("dangshan").ids
        ('seed', 'dangshan')
        >>> load_policy("砀山").name, load_policy("醴陵").name
        ('seed+dangshan', 'seed+liling')
        >>> load_policy("seed", "dangshan", "liling").name
        'seed+dangshan+liling'
        >>> load_policy("atlantis")
        Traceback (most recent call last):
        ...
        edupoverty.errors.PolicyError: policy.invalid: atlantis: profile: 没有这个内置配置...
    """
    if not sources:
        sources = ("seed",)
    policy: Policy | None = None
    for source in sources:
        label, data = _read(source)
        base = data.get("profile", {}).get("extends") if isinstance(data, dict) else None
        if policy is None and base:
            policy = load_policy(base)
        policy = _apply_safely(policy, label, data)
    assert policy is not None
    return policy


def compose(base: Policy, *overlays: str | os.PathLike[str]) -> Policy:
    """Lay overlays (names or paths) over an already loaded policy.

    Examples:
        >>> compose(load_policy("seed"), "liling").name
        'seed+liling'
    """
    policy = base
    for source in overlays:
        label, data = _read(source)
        policy = _apply_safely(policy, label, data)
    return policy


def _apply_safely(base: Policy | None, file: str, data: Mapping[str, Any]) -> Policy:
    try:
        return _apply(base, file, data)
    except RecursionError:
        raise PolicyError(
            file, "programme", "条件嵌套过深", "conditions nested too deeply"
        ) from None


def _apply(base: Policy | None, file: str, data: Mapping[str, Any]) -> Policy:
    check_keys(data, _TOP_KEYS, file, "")
    prof = check_keys(required(data, "profile", file, ""), _PROFILE_KEYS, file, "profile")
    pid = str(required(prof, "id", file, "profile"))
    years = required(prof, "reviewed_school_years", file, "profile")
    if (
        not isinstance(years, list)
        or len(years) != 2
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)
        or years[0] > years[1]
    ):
        raise PolicyError(
            file, "profile.reviewed_school_years", "应为 [首学年, 末学年]", "must be [first, last]"
        )
    if base is None and prof.get("extends"):
        raise PolicyError(file, "profile.extends", "缺少基础配置", "base profile missing")
    params = parse_parameters(data.get("parameters"), file, base.parameters if base else None)
    programmes: dict[str, Programme] = {p.id: p for p in base.programmes} if base else {}
    raw_progs = data.get("programme", [])
    if not isinstance(raw_progs, list):
        raise PolicyError(
            file, "programme", "应为 [[programme]] 列表", "must be [[programme]] tables"
        )
    seen: set[str] = set()
    for i, raw in enumerate(raw_progs):
        key = f"programme[{i}]"
        check_keys(raw, PROGRAMME_KEYS, file, key)
        pid_ = str(required(raw, "id", file, key))
        key = f"programme.{pid_}"
        if pid_ in seen:
            raise PolicyError(file, key, "项目重复定义", "programme defined twice")
        seen.add(pid_)
        programmes[pid_] = parse_programme(raw, file, key, programmes.get(pid_), base is not None)
    for p in programmes.values():
        for r in p.replaces:
            if r not in programmes:
                raise PolicyError(
                    file, f"programme.{p.id}.replaces", f"未知的项目 {r}", f"unknown programme {r}"
                )
    checks = list(base.checks) if base else []
    for i, raw in enumerate(data.get("check", [])):
        key = f"check[{i}]"
        check_keys(raw, _CHECK_KEYS, file, key)
        progs = tuple(str(x) for x in required(raw, "programmes", file, key))
        for x in progs:
            if x not in programmes:
                raise PolicyError(
                    file, f"{key}.programmes", f"未知的项目 {x}", f"unknown programme {x}"
                )
        stages = [str(x) for x in required(raw, "stages", file, key)]
        if any(x not in {st.value for st in Stage} for x in stages):
            raise PolicyError(file, f"{key}.stages", "未知的学段", "unknown stage")
        checks.append(
            GrantCheck(
                id=str(required(raw, "id", file, key)),
                stages=tuple(str(s) for s in required(raw, "stages", file, key)),
                programmes=progs,
                minimum=as_amount(required(raw, "minimum", file, key), file, f"{key}.minimum"),
                hukou_province=tuple(str(s) for s in raw.get("hukou_province", ())),
                source=str(required(raw, "source", file, key)),
                rule=str(required(raw, "rule", file, key)),
            )
        )
    ids = (*base.ids, pid) if base else (pid,)
    return Policy(
        ids=ids,
        title_zh=str(prof.get("title_zh", pid))
        if base is None
        else f"{base.title_zh} + {prof.get('title_zh', pid)}",
        title_en=str(prof.get("title_en", pid))
        if base is None
        else f"{base.title_en} + {prof.get('title_en', pid)}",
        programmes=tuple(programmes.values()),
        parameters=params,
        # The profile laid on last states the school years the composition was reviewed for.
        reviewed_from=years[0],
        reviewed_until=years[1],
        files=(*base.files, file) if base else (file,),
        checks=tuple(checks),
    )
