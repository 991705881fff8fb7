"""install.sh, run with stand-ins for apt-get, sudo, sleep and Python: what it asks apt to do."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import REPO

LOCKED = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 7 (apt-get)"
# apt-get logs how it was called; `update` fails as told by $UPDATE_FAILS, a line a call.
APT_GET = """#!/bin/sh
echo "apt-get DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "$LOG"
case "$*" in *update*)
  failure=$(sed -n 1p "$UPDATE_FAILS"); sed -i 1d "$UPDATE_FAILS"
  if [ -n "$failure" ]; then echo "$failure" >&2; exit 100; fi;;
esac
"""
STAND_INS = {
    "apt-get": APT_GET,
    "sudo": '#!/bin/sh\nexec "$@"\n',
    "sleep": '#!/bin/sh\necho "sleep $*" >> "$LOG"\n',
    "python3": "#!/bin/sh\n",  # python3 -m venv .venv: the .venv below is already there
}


def run_install(tmp_path: Path, update_fails: list[str]) -> tuple[subprocess.CompletedProcess, str]:
    shutil.copy(REPO / "install.sh", tmp_path / "install.sh")
    for name, script in {**STAND_INS, ".venv/bin/python": "#!/bin/sh\n"}.items():
        path = tmp_path / ("bin" if "/" not in name else "") / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script)
        path.chmod(0o755)
    (tmp_path / "fails").write_text("".join(f"{line}\n" for line in update_fails))
    env = {
        **os.environ,
        "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
        "LOG": str(tmp_path / "log"),
        "UPDATE_FAILS": str(tmp_path / "fails"),
    }
    result = subprocess.run(
        ["bash", str(tmp_path / "install.sh")], env=env, capture_output=True, text=True, check=False
    )
    log = (tmp_path / "log").read_text() if (tmp_path / "log").exists() else ""
    return result, log


def test_install_waits_while_another_package_manager_holds_the_lock(tmp_path: Path) -> None:
    result, log = run_install(tmp_path, [LOCKED, LOCKED])
    assert result.returncode == 0, result.stderr
    apt = "apt-get DEBIAN_FRONTEND=noninteractive -o DPkg::Lock::Timeout=300"
    calls = log.splitlines()
    assert calls[:5] == [f"{apt} update -qq", "sleep 5"] * 2 + [f"{apt} update -qq"]
    assert calls[5].startswith(f"{apt} install -y -qq --no-install-recommends python3-venv ")
    assert "another package manager is running" in result.stderr


def test_install_stops_at_once_when_update_fails_otherwise(tmp_path: Path) -> None:
    failure = "E: Some index files failed to download"
    result, log = run_install(tmp_path, [failure])
    assert result.returncode == 100
    assert failure in result.stderr
    assert "sleep" not in log and "install" not in log
