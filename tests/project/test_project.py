"""The course as a project: dependencies in agreement, notebooks wired to the one Colab setting,
stored notebooks in sync with their sources."""

import json
import re
import shutil
import subprocess
import sys
import tomllib

import course_repo
import jupytext
import pytest
from course_repo import NOTEBOOKS, ROOT, SOURCES

NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
CONDA_NAMES = {"pytorch": "torch"}


def _pyproject_requirements() -> dict[str, str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    out = {}
    for spec in specs:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", spec)
        assert match, f"pyproject.toml: {spec!r} must be a lower bound 'name>=version', not a pin"
        out[match.group(1).lower()] = match.group(2)
    return out


def _conda_requirements() -> dict[str, str]:
    out = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.fullmatch(r"\s*- ([A-Za-z0-9_.-]+)(?:>=([0-9.]+)|\[version='>=([0-9.]+)'.*\])", line)
        if match and match.group(1) != "python":
            name = CONDA_NAMES.get(match.group(1), match.group(1)).lower()
            out[name] = match.group(2) or match.group(3)
    return out


def test_environment_yml_and_pyproject_list_the_same_packages_and_bounds():
    assert _conda_requirements() == _pyproject_requirements()


def _parse_requirements(path) -> list:
    """pip's own requirements-file parser, the one `pip install -r` runs."""
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    return list(parse_requirements(str(path), session=PipSession()))


def _pip_parse_errors() -> tuple[type[BaseException], ...]:
    from pip._internal.exceptions import RequirementsFileParseError
    from pip._internal.req.req_file import OptionParsingError

    return RequirementsFileParseError, OptionParsingError


PIP_PARSE_ERRORS = _pip_parse_errors()


def _conda_pip_section() -> list[str]:
    """The lines of environment.yml's `- pip:` list, as conda writes them to a requirements file."""
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(r"\s*- pip:\s*", line))
    indent = len(lines[start]) - len(lines[start].lstrip())
    section = []
    for line in lines[start + 1:]:
        if line.strip() and not line.lstrip().startswith("#"):
            if len(line) - len(line.lstrip()) <= indent:
                break
            section.append(re.fullmatch(r"\s*- (.+?)\s*", line).group(1))
    return section


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pip's vendored pkg_resources
def test_environment_yml_pip_section_is_a_valid_requirements_file(tmp_path):
    """conda runs `pip install -r` on the pip: section from environment.yml's folder: pip's own parser
    must accept every line (an option such as --no-deps is refused there), and `-e .` is the course."""
    lines = _conda_pip_section()
    requirements = tmp_path / "condaenv.requirements.txt"
    requirements.write_text("\n".join(lines) + "\n")
    try:
        parsed = _parse_requirements(requirements)
    except PIP_PARSE_ERRORS as error:
        pytest.fail(f"environment.yml's pip section is not a valid requirements file: {error}")
    assert len(parsed) == len(lines), f"every line must be a requirement, got {lines}"
    editable = [p for p in parsed if p.is_editable]
    assert [p.requirement for p in editable] == ["."], "the pip section installs the course (-e .)"
    assert (ROOT / "pyproject.toml").is_file()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_pip_section_check_refuses_an_option_line(tmp_path):
    requirements = tmp_path / "bad.txt"
    requirements.write_text("--no-deps\n-e .\n")
    with pytest.raises(PIP_PARSE_ERRORS, match="no-deps"):
        _parse_requirements(requirements)


def test_no_exact_pins_anywhere():
    text = (ROOT / "pyproject.toml").read_text() + (ROOT / "environment.yml").read_text()
    assert not re.search(r"[A-Za-z]==\d", text)


def test_ipywidgets_bound_accepts_colab():
    assert _pyproject_requirements()["ipywidgets"] == "7.7"


def test_there_is_a_notebook_per_source_and_each_has_a_readme_row():
    assert [p.stem for p in sorted(SOURCES.glob("[0-9][0-9]_*.py"))] == [p.stem for p in NOTEBOOK_FILES]
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOK_FILES:
        assert course_repo.badge(path.name) in readme, f"README.md has no Colab badge for {path.name}"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_notebook_has_badge_and_setup_cell_from_the_one_setting(path):
    nb = json.loads(path.read_text())
    first_md = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert course_repo.badge(path.name) in "".join(first_md["source"])
    assert "".join(first_code["source"]).strip() == course_repo.setup_cell().strip()
    assert not first_code["outputs"], "the setup cell prints nothing outside Colab"
    text = path.read_text() + (SOURCES / f"{path.stem}.py").read_text()
    for repo in re.findall(r"colab\.research\.google\.com/github/([^/\s]+/[^/\s]+)/blob", text):
        assert repo == course_repo.slug(course_repo.setting()["repository"])


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_stored_notebook_matches_its_source_and_was_run_top_to_bottom(path):
    stored = json.loads(path.read_text())
    source = jupytext.read(SOURCES / f"{path.stem}.py", fmt="py:percent")
    assert [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in stored["cells"]] \
        == [c.source for c in source.cells], "rebuild with `make notebooks`"
    counts = [c["execution_count"] for c in stored["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), "outputs must come from one headless run"
    for cell in stored["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error"
            text = json.dumps(out.get("text", "")) + json.dumps(out.get("data", {}).get("text/plain", ""))
            assert not re.search(r"/(root|work|tmp|home)/", text), "an output shows a local path"
    assert path.stat().st_size < 6_000_000  # sharp figures, not megabytes of them


def test_repoint_rewrites_every_badge_and_setup_cell(tmp_path):
    copy = tmp_path / "course"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv*", ".git", "*.egg-info", "__pycache__",
                                                              ".pytest_cache", ".ruff_cache", "artifacts"))
    fork = "https://github.com/someone/my-fork"
    subprocess.run([sys.executable, "tools/repoint.py", fork, "--branch", "teaching"], cwd=copy, check=True,
                   capture_output=True)
    with open(copy / "pyproject.toml", "rb") as f:
        assert tomllib.load(f)["tool"]["course"] == {"repository": fork, "branch": "teaching"}
    cells = ["".join(c["source"]) for p in copy.glob("notebooks/*.ipynb")
             for c in json.loads(p.read_text())["cells"]]
    text = "".join([(copy / "README.md").read_text(), *cells,
                    *(p.read_text() for p in copy.glob("notebooks/src/*.py"))])
    assert "training-nn-course/training-neural-networks" not in text
    assert text.count("github/someone/my-fork/blob/teaching/notebooks/") >= 2 * len(NOTEBOOK_FILES)
    assert text.count(f'COURSE_REPO = "{fork}"') == 2 * len(NOTEBOOK_FILES)
