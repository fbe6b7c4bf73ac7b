"""What `pip install` gives a new user: one top-level name, and a package that works outside the checkout.

The sdist and the wheel are built as `python -m build` builds them (without warnings), the wheel is
installed into a fresh virtual environment, and a bundled sample is read from a folder outside the
checkout, through the API and through the CLI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real servers, OCR, LibreOffice, a browser or a wheel build: see README

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "reports" / "contract_000.pdf"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(the wheel, what the build printed). No build isolation: the pinned setuptools of the dev
    environment builds it, so no download is needed."""
    out = tmp_path_factory.mktemp("dist")
    # PYTHONDONTWRITEBYTECODE (set by some shells and CI images) makes distutils warn that it will
    # not byte-compile: a note about the machine, not about the package.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("scorecards-*.whl")
    assert list(out.glob("scorecards-*.tar.gz"))
    return wheel, done.stdout + done.stderr


def test_the_sdist_and_wheel_build_without_warnings(built: tuple[Path, str]) -> None:
    _, printed = built
    warnings = [line for line in printed.splitlines() if "warning" in line.lower()]
    assert not warnings, "\n".join(warnings)


def test_the_wheel_adds_one_top_level_name_and_no_samples(built: tuple[Path, str]) -> None:
    wheel, _ = built
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"scorecards"}
    for data in ("scorecards/normalise/vocab/vocabulary.toml", "scorecards/warehouse/schema.sql",
                 "scorecards/expectations/observations.json"):
        assert data in names
    assert any(n.startswith("scorecards/warehouse/review/templates/") for n in names)
    # reportlab draws the sample reports only: an extra, never a runtime requirement.
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist: reportlab")]
    assert requires and all("extra ==" in line for line in requires)


def test_the_installed_wheel_reads_a_report_outside_the_checkout(built: tuple[Path, str], tmp_path: Path) -> None:
    wheel, _ = built
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python, cli = venv / "bin" / "python", venv / "bin" / "scorecards"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    before = {p.name for p in site.iterdir()}
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                   check=True, timeout=300)
    added = {p.name for p in site.iterdir()} - before
    assert {name for name in added if not name.endswith(".dist-info") and name != "__pycache__"} == {"scorecards"}
    # The dependencies are the dev environment's (installing them afresh would download a gigabyte);
    # appended after the new environment's own site-packages, so `scorecards` is the wheel's.
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(SAMPLE, work / SAMPLE.name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PREFECT_API_URL", "VIRTUAL_ENV")}
    script = (
        "import scorecards\n"
        "reading = scorecards.read('contract_000.pdf')\n"
        "print(scorecards.__file__)\n"
        "print(len(reading.observations), len(reading.quarantine), reading.failed)\n"
    )
    api = subprocess.run([str(python), "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert api.returncode == 0, api.stderr
    where, counts = api.stdout.strip().splitlines()[-2:]
    assert where.startswith(str(site)), where  # the installed package, not the checkout
    observations, _, failed = counts.split()
    assert int(observations) > 0 and failed == "False"

    inspect = subprocess.run([str(cli), "inspect", SAMPLE.name], cwd=work, env=env, capture_output=True, text=True,
                             timeout=600)
    assert inspect.returncode == 0, inspect.stderr
    assert "region 1" in inspect.stdout
    ingest = subprocess.run([str(cli), "ingest", SAMPLE.name, "--warehouse", "w.duckdb", "--quiet", "--no-prefect"],
                            cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, ingest.stderr
    assert (work / "w.duckdb").exists()
    # The ingest validated in the wheel's own validator service (its suites are package data), and
    # the wheel's CLI stops it.
    stop = subprocess.run([str(cli), "validator", "--stop"], cwd=work, env=env, capture_output=True, text=True,
                          timeout=60)
    assert stop.stdout.strip() == "stopped", stop.stdout + stop.stderr
