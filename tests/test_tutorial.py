"""The tutorial notebook (docs/tutorial.ipynb): committed without outputs, and it runs.

The notebook is run top to bottom in a fresh kernel of this interpreter, in a temporary
working directory, as a reader would run it. Its outputs must never show an ID number, a
bank account or a national student number of the sample roster (the student number often
holds the ID number).
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"

CELL_TIMEOUT = 120  # seconds for one cell
STARTUP_TIMEOUT = 60  # seconds for the kernel to start

# Columns of the sample roster whose values may never appear in an output.
PRIVATE_HEADERS = ("身份证号", "银行卡号", "全国学籍号")
# A run of digits as long as an ID number (15 or 18 characters) or a bank account.
LONG_NUMBER = re.compile(r"\d{14,}[\dXx]")


def _notebook_json() -> dict[str, Any]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))


def test_the_committed_notebook_has_no_outputs() -> None:
    cells = _notebook_json()["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code, "the tutorial has code cells"
    with_output = [i for i, c in enumerate(cells) if c.get("outputs")]
    counted = [i for i, c in enumerate(cells) if c.get("execution_count") is not None]
    assert with_output == [], f"cells {with_output} have outputs: clear them before committing"
    assert counted == [], f"cells {counted} have execution counts: clear them before committing"


def _kernel_manager(tmp: Path) -> Any:
    """A kernel of this interpreter importing this checkout, whatever kernels are installed."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec_dir = tmp / "kernels" / "edupoverty-tutorial"
    spec_dir.mkdir(parents=True)
    pythonpath = os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH")) if p)
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "edupoverty tutorial",
                "language": "python",
                "env": {
                    "PYTHONPATH": pythonpath,
                    # matplotlib's inline backend draws with Agg: no display needed
                    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                    "MPLCONFIGDIR": str(tmp / "mplconfig"),
                },
            }
        ),
        encoding="utf-8",
    )
    return KernelManager(
        kernel_name="edupoverty-tutorial",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp / "kernels")]),
    )


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    try:
        import ipykernel  # noqa: F401
        import nbformat
        from nbclient import NotebookClient
    except ImportError as e:
        pytest.skip(f"running the tutorial needs the test extra (edupoverty[test]): {e}")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tmp = tmp_path_factory.mktemp("tutorial")
    workdir = tmp / "work"
    workdir.mkdir()
    client = NotebookClient(
        nb,
        km=_kernel_manager(tmp),
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()  # a failing cell raises CellExecutionError naming the cell
    return nb


def _texts(cell: Any) -> list[str]:
    """Every text a code cell showed: streams, results, HTML (images left out)."""
    out = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            out.append(o["text"])
        elif o["output_type"] in ("execute_result", "display_data"):
            for mime, value in o["data"].items():
                if mime.startswith("text/"):
                    out.append(value if isinstance(value, str) else "".join(value))
        elif o["output_type"] == "error":
            out.append("\n".join(o["traceback"]))
    return out


def _tagged(nb: Any, tag: str) -> Any:
    [cell] = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    return cell


def test_the_tutorial_runs_without_an_error(executed: Any) -> None:
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    assert not [o for c in code for o in c.outputs if o["output_type"] == "error"]


def test_the_summary_by_programme_names_the_programmes(executed: Any) -> None:
    text = "\n".join(_texts(_tagged(executed, "summary-by-programme")))
    assert "compulsory.fee_waiver" in text
    assert "免学杂费" in text


def test_the_summary_by_funding_names_the_levels(executed: Any) -> None:
    text = "\n".join(_texts(_tagged(executed, "summary-by-funding")))
    for level in ("central", "provincial", "county", "unknown"):
        assert level in text


def test_the_plot_is_drawn(executed: Any) -> None:
    images = [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert len(images) == 1


def test_no_output_shows_an_id_number_or_a_bank_account(executed: Any) -> None:
    from edupoverty.records.sample import sample_roster_path

    with open(sample_roster_path(), encoding="utf-8-sig", newline="") as f:
        private = {
            value.strip()
            for row in csv.DictReader(f)
            for header, value in row.items()
            if header in PRIVATE_HEADERS and value and len(value.strip()) >= 6
        }
    assert len(private) > 40  # the sample's ID numbers, accounts and student numbers
    for n, cell in enumerate(executed.cells):
        for text in _texts(cell):
            shown = sorted(v for v in private if v in text)
            assert shown == [], f"cell {n} shows private values"
            assert LONG_NUMBER.search(text) is None, f"cell {n} shows a long number"
