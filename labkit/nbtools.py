"""Notebook hygiene and introspection: clean, check, the Colab set-up cell, and importing a lab's definitions.

>>> from labkit.nbtools import setup_cell_source
>>> "google.colab" in setup_cell_source("01-1")
True
"""
from __future__ import annotations

import ast
import re
import types
from pathlib import Path

CHECK_MARK = "NBVAL_CHECK_OUTPUT"
NOTEBOOK_METADATA_KEEP = ("kernelspec", "language_info")
CELL_METADATA_KEEP = ("tags", "jupyter", "deletable", "editable", "otter")
#: Paths of an author's machine that must never appear in a committed notebook.
AUTHOR_PATHS = re.compile(r"(/home/\w|/Users/\w|/root/|/tmp/|/var/folders/|[A-Z]:\\\\Users)")
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def read(path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def clean(nb):
    """Strip outputs (except cells marked NBVAL_CHECK_OUTPUT), execution counts and volatile metadata."""
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in NOTEBOOK_METADATA_KEEP}
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.get("metadata", {}).items() if k in CELL_METADATA_KEEP}
        if cell.cell_type == "code":
            checked = CHECK_MARK in source(cell)
            if not checked:
                cell.outputs = []
                cell.execution_count = None
            else:
                for out in cell.outputs:
                    out.pop("execution_count", None) if out.get("output_type") != "execute_result" else None
                    out.get("metadata", {}).clear() if "metadata" in out else None
        elif "attachments" in cell and not cell["attachments"]:
            del cell["attachments"]
    return nb


def write(nb, path) -> None:
    import nbformat

    text = nbformat.writes(nb) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def is_clean(path) -> bool:
    """True when cleaning the notebook at ``path`` would not change its file."""
    import nbformat

    original = Path(path).read_text(encoding="utf-8")
    return nbformat.writes(clean(read(path))) + "\n" == original


def setup_cell_source(lab_id: str, setup_args: str = "") -> str:
    """The first code cell of every lab: the Colab-only install, then ``labkit.setup``."""
    from labkit.env import GITHUB_REPO

    args = f'"{lab_id}"' + (f", {setup_args}" if setup_args else "")
    return (
        "# Set-up: on Colab, fetch the course and install labkit; elsewhere `make lab` installed it already.\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    subprocess.run(["git", "clone", "-q", "--depth", "1", "https://github.com/{GITHUB_REPO}", '
        '"/content/labs"], check=False)\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", "/content/labs"], check=True)\n'
        '    sys.path.insert(0, "/content/labs")\n'
        "\n"
        "import labkit\n"
        "\n"
        f"P = labkit.setup({args})\n"
    )


def check(path, lab_id: str | None = None) -> list[str]:
    """Problems with a committed lab notebook (empty list when it follows the conventions)."""
    from labkit.env import GITHUB_REPO
    from labkit.labs import colab_url, find

    path = Path(path)
    nb = read(path)
    problems = []
    lab = find(lab_id or path.name)
    cells = [c for c in nb.cells if c.cell_type != "raw"]     # otter's config / question cells are raw
    if not cells or cells[0].cell_type != "markdown":
        problems.append("the first cell must be the markdown header")
    else:
        head = source(cells[0])
        if not head.lstrip().startswith("# "):
            problems.append("the header must start with a '# ' title")
        if colab_url(lab.path) not in head:
            problems.append(f"the header must carry the Open in Colab badge for {colab_url(lab.path)}")
        if "learning objectives" not in head.lower():
            problems.append("the header must list the learning objectives")
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code or "labkit.setup(" not in source(code[0]) or "google.colab" not in source(code[0]):
        problems.append("the first code cell must be the set-up cell (Colab guard + labkit.setup)")
    elif f"github.com/{GITHUB_REPO}" not in source(code[0]):
        problems.append(f"the set-up cell must clone https://github.com/{GITHUB_REPO}")
    if "widgets" in nb.metadata:
        problems.append("widget state in the notebook metadata")
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append("kernelspec python3 missing")
    for i, cell in enumerate(nb.cells):
        src = source(cell)
        if cell.cell_type == "code" and cell.get("outputs") and CHECK_MARK not in src:
            problems.append(f"cell {i} has outputs but is not marked {CHECK_MARK}")
        if cell.cell_type == "code" and CHECK_MARK in src and not cell.get("outputs"):
            problems.append(f"cell {i} is marked {CHECK_MARK} but has no recorded output, so nbval checks nothing: "
                            f"run `labkit notebooks --record {lab.id}`")
        match = AUTHOR_PATHS.search(src)
        if match:
            problems.append(f"cell {i} contains an author's machine path ({match.group(0)!r})")
    if not is_clean(path):
        problems.append("not clean: run `labkit notebooks --fix`")
    return problems


# ---------------------------------------------------------------------------------------------- definitions

_KEEP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _is_constant_assign(node) -> bool:
    """Top-level UPPER_CASE = literal assignments (constants definitions may use)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)):
        return False
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    if not names or not all(n.isupper() for n in names):
        return False
    try:
        ast.literal_eval(node.value)
        return True
    except (ValueError, TypeError, SyntaxError):
        return False


def import_definitions(path, name: str | None = None) -> types.ModuleType:
    """Execute only the imports, functions, classes and constants of a notebook into a fresh module.

    This is how tests reach the code a lab writes without running its training cells::

        lab = import_definitions("05-llm/05-7-eval-textgeneration.ipynb")
        lab.bleu(["a cat"], [["a cat"]])
    """
    nb = read(path)
    module = types.ModuleType(name or Path(path).stem.replace("-", "_"))
    module.__file__ = str(path)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        src = source(cell)
        lines = [ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        keep = [node for node in tree.body if isinstance(node, _KEEP) or _is_constant_assign(node)]
        if keep:
            code = compile(ast.Module(body=keep, type_ignores=[]), str(path), "exec")
            exec(code, module.__dict__)
    return module
