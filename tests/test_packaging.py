"""pyproject.toml against the code: every third-party package the code imports is declared (runtime
code: in the dependencies or an extra; tests: also the test extra), every declared dependency is imported
somewhere, nothing is pinned to one release, and the wheel carries the prompts inside the package."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

from conftest import REPO

from assistant.llm import CHECKOUT_PROMPTS, prompt

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
FIRST_PARTY = {"assistant", "index", "eval", "app", "conftest"}
LOADED_BY_NAME = {"psycopg": "SQLAlchemy's postgresql+psycopg dialect loads it from the database URL"}
RUNTIME_CODE = ["assistant", "index", "eval", "app.py"]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return canonical(match[0])


def local_modules() -> set[str]:
    """The project's own top-level modules: its packages, app.py, and the tests' helpers (tests/faults)."""
    tests = REPO / "tests"
    return FIRST_PARTY | {p.stem for p in tests.glob("*.py")} | {p.name for p in tests.iterdir() if p.is_dir()}


def imports_of(paths: list[str]) -> dict[str, set[str]]:
    """Every absolute import (module-level or inside a function) → the files that make it."""
    found: dict[str, set[str]] = {}
    local = local_modules() | set(sys.stdlib_module_names)
    for root in paths:
        top = REPO / root
        for path in sorted(top.rglob("*.py") if top.is_dir() else [top]):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                elif _dynamic_import(node):  # importlib.util.find_spec("cnsyn"), import_module("x")
                    names = [node.args[0].value]  # type: ignore[attr-defined]
                else:
                    continue
                for name in names:
                    if name.split(".")[0] not in local:
                        found.setdefault(name, set()).add(str(path.relative_to(REPO)))
    return found


def _dynamic_import(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("find_spec", "import_module")
            and bool(node.args) and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))


@cache
def top_level_distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


@cache
def distribution_of(module: str) -> str | None:
    """The installed distribution that provides `module` (namespace packages such as llama_index are
    shared by several: the one holding the module's own file)."""
    candidates = top_level_distributions().get(module.split(".")[0], [])
    if len(set(candidates)) <= 1:
        return canonical(candidates[0]) if candidates else None
    spec = importlib.util.find_spec(module)
    origin = Path(spec.origin).resolve() if spec and spec.origin else None
    for dist in candidates:
        files = importlib.metadata.distribution(dist).files or []
        if origin and any(Path(str(f.locate())).resolve() == origin for f in files):
            return canonical(dist)
    return canonical(candidates[0])


def optional_groups() -> list[str]:
    """The extras a user may install for a feature (cnsyn, minilm, eval); `test` is for the tests only."""
    return [g for g in PYPROJECT["project"]["optional-dependencies"] if g != "test"]


def declared(*groups: str) -> set[str]:
    project = PYPROJECT["project"]
    names = {requirement_name(r) for r in project["dependencies"]}
    for group in groups:
        names |= {requirement_name(r) for r in project["optional-dependencies"][group]}
    return names


def test_every_imported_package_is_declared() -> None:
    runtime_ok = declared(*optional_groups())
    test_ok = runtime_ok | declared("test")
    missing = []
    for paths, allowed in ((RUNTIME_CODE, runtime_ok), (["tests"], test_ok)):
        for module, files in imports_of(paths).items():
            dist = distribution_of(module)
            if dist is None or dist not in allowed:
                missing.append(f"{module} ({dist or 'not installed'}) in {sorted(files)[:3]}")
    assert not missing, "imported but not declared in pyproject.toml: " + "; ".join(sorted(set(missing)))


def test_every_declared_dependency_is_imported() -> None:
    used = {distribution_of(m) for m in imports_of(RUNTIME_CODE)}
    unused = sorted(declared(*optional_groups()) - used - set(LOADED_BY_NAME) - {"nianbao-assistant"})
    assert not unused, f"declared but never imported: {unused}"


def test_no_dependency_is_pinned_to_one_release() -> None:
    project = PYPROJECT["project"]
    requirements = project["dependencies"] + [r for g in project["optional-dependencies"].values() for r in g]
    assert [r for r in requirements if "==" in r] == []
    assert "torch" not in {requirement_name(r) for r in project["dependencies"]}  # the installer picks the build
    gradio = next(r for r in project["dependencies"] if requirement_name(r) == "gradio")
    assert ">=6" in gradio  # Gradio 6 API is used


def test_the_wheel_carries_the_prompts_inside_the_package() -> None:
    wheel = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"] == {"prompts": "assistant/prompts"}
    names = sorted(p.name for p in CHECKOUT_PROMPTS.glob("*.txt"))
    assert names == ["answer_system.txt", "answer_user.txt"]
    for name in names:  # in a checkout, read from prompts/ (the wheel smoke test in .ci/run reads the packaged copy)
        assert prompt(name) == (CHECKOUT_PROMPTS / name).read_text(encoding="utf-8")
