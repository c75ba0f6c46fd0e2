"""The import rules of DESIGN.md, checked on the source.

A package may import only packages below it; siblings never import each
other; no package imports another package's private modules or names;
`ember/` never imports keras, tensorflow or torch at module level.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1] / "ember"
RANK = {
    "core": 0,
    "distribution": 0.5,  # core only; training places data by it
    "ops": 1,
    "dtype_policies": 1.5,  # core and ops; every layer takes a policy
    "random": 2,
    "activations": 3,
    "initializers": 3,
    "regularizers": 3,
    "constraints": 3,
    "layers": 4,
    "losses": 4,
    "metrics": 5,
    "optimizers": 5,
    "callbacks": 6,
    "saving": 6,
    "training": 7,
    # Below models: Model.export calls it; it takes models by duck typing.
    "export": 7.5,
    "models": 8,
    "utils": 9,  # below the other leaves: datasets download with get_file
}
LEAF_RANK = 10  # datasets, export, config...: may import anything
FORBIDDEN = ("keras", "tensorflow", "torch")


def _package(module_path: pathlib.Path) -> str:
    parts = module_path.relative_to(ROOT).parts
    return parts[0].removesuffix(".py") if len(parts) > 1 else "__init__"


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "ember":
                for alias in node.names:
                    yield node, f"ember.{alias.name}"
            else:
                yield node, node.module


def test_packages_import_only_downwards():
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        package = _package(path)
        if package == "__init__":
            continue
        rank = RANK.get(package, LEAF_RANK)
        for node, name in _imports(ast.parse(path.read_text())):
            if not name.startswith("ember."):
                continue
            target = name.split(".")[1]
            target_rank = RANK.get(target, LEAF_RANK)
            if target != package and target_rank >= rank:
                problems.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                )
    assert problems == []


def _imported_paths(tree: ast.AST):
    """Each import's dotted path, the imported name included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node, f"{node.module}.{alias.name}"


def test_no_private_import_across_packages():
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        package = _package(path)
        for node, name in _imported_paths(ast.parse(path.read_text())):
            parts = name.split(".")
            if parts[0] != "ember" or len(parts) < 2 or parts[1] == package:
                continue
            if any(p.startswith("_") and not p.startswith("__") for p in parts):
                problems.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                )
    assert problems == []


def test_no_other_framework_at_module_level():
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                for _, name in _imports(node):
                    if name.split(".")[0] in FORBIDDEN:
                        problems.append(f"{path.relative_to(ROOT)} {name}")
    assert problems == []
