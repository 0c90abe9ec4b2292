"""Hostile inputs on the file-system side: what is not a regular file in the project, bad
environment variables, and errors from the operating system.

Each case asserts the exit code, the exact message (the file's path where it is about a file,
else a one-line reason), no traceback, that the command finished (a FIFO must not hang it),
and that the previous site and every input file are untouched (hashed before and after).
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
from pathlib import Path

import pytest

from fs_helpers import metdocs, one_line_error, snapshot

pytestmark = pytest.mark.slow


@pytest.fixture
def project(built_project) -> Path:
    return built_project


def _fifo(path: Path, project: Path) -> None:
    os.mkfifo(path)


def _link(target: str):
    def make(path: Path, project: Path) -> None:
        path.symlink_to(target.replace("{outside}", str(project.parent / "outside")))
    return make


def _socket(path: Path, project: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()  # the socket file stays


def _sparse(size: int):
    def make(path: Path, project: Path) -> None:
        with open(path, "wb") as f:
            f.truncate(size)  # takes no disk space
    return make


def _two_link_loop(path: Path, project: Path) -> None:
    path.symlink_to(path.with_name("b.yaml"))
    path.with_name("b.yaml").symlink_to(path)


LOOP = "expected a file, found a symbolic link loop (the link leads back to itself)"
FAULTS = {
    # id: (path in the project, how to make it, the expected error lines after "path: error: ")
    "fifo-in-catalog": ("data/catalog/pipe.yaml", _fifo,
                        ["expected a regular file, found a FIFO (named pipe); metdocs never reads one"]),
    "fifo-in-cases": ("data/cases/pipe.yaml", _fifo,
                      ["expected a regular file, found a FIFO (named pipe); metdocs never reads one"]),
    "fifo-page-template": ("templates/pages/extra.md.j2", _fifo,
                           ["expected a regular file, found a FIFO (named pipe); metdocs never reads one"]),
    "fifo-form": ("templates/forms/pipe.yaml", _fifo,
                  ["expected a regular file, found a FIFO (named pipe); metdocs never reads one"]),
    "fifo-page": ("site_src/pipe.md", _fifo,
                  ["expected a regular file, found a FIFO (named pipe); metdocs never reads one"]),
    "socket-in-catalog": ("data/catalog/sock.yaml", _socket,
                          ["expected a regular file, found a socket; metdocs never reads one"]),
    "dev-zero-case": ("data/cases/zero.yaml", _link("/dev/zero"),
                      ["expected a file inside the project, found a symbolic link to /dev/zero, outside it; "
                       "copy the file into the project instead"]),
    "dev-zero-page": ("site_src/zero.md", _link("/dev/zero"),
                      ["expected a file inside the project, found a symbolic link to /dev/zero, outside it; "
                       "copy the file into the project instead"]),
    "dev-zero-template": ("templates/pages/zero.md.j2", _link("/dev/zero"),
                          ["expected a file inside the project, found a symbolic link to /dev/zero, outside it; "
                           "copy the file into the project instead"]),
    "link-loop": ("data/catalog/loop.yaml", _link("loop.yaml"), [LOOP]),
    "two-link-loop": ("data/catalog/a.yaml", _two_link_loop, [LOOP, LOOP]),
    "link-leaves-project": ("data/catalog/outside.yaml", _link("{outside}/catalog.yaml"),
                            ["expected a file inside the project, found a symbolic link to {outside}/catalog.yaml, "
                             "outside it; copy the file into the project instead"]),
    "folder-link-leaves-project": ("data/cases", _link("{outside}"),
                                   ["expected a folder inside the project, found a symbolic link to {outside}, "
                                    "outside it; copy the folder into the project instead"]),
    "dangling-link": ("data/catalog/gone.yaml", _link("missing.yaml"),
                      ["expected a file, found a symbolic link to missing.yaml, which does not exist"]),
    "folder-link-loop": ("site_src/again", _link("."),
                         ["expected a folder, found a symbolic link to a folder that holds the link (a loop)"]),
    "huge-case": ("data/cases/huge.yaml", _sparse(3_000_000),
                  ["expected a file under 2,000,000 bytes, found 3,000,000 bytes"]),
    "huge-template": ("templates/pages/huge.md.j2", _sparse(2_500_000),
                      ["expected a file under 2,000,000 bytes, found 2,500,000 bytes"]),
    "huge-page": ("site_src/huge.md", _sparse(25_000_000),
                  ["expected a file under 20,000,000 bytes, found 25,000,000 bytes"]),
}


def _expected(rel: str, lines: list[str], project: Path) -> list[str]:
    outside = str(project.parent / "outside")
    paths = [rel] if len(lines) == 1 else [rel, rel.replace("a.yaml", "b.yaml")]
    return sorted(f"{p}: error: {line.replace('{outside}', outside)}" for p, line in zip(paths, lines))


@pytest.mark.parametrize("name", sorted(FAULTS))
@pytest.mark.parametrize("command", ["check", "build"])
def test_what_is_not_a_regular_file_in_the_project_is_reported_never_read(project, name, command):
    rel, make, lines = FAULTS[name]
    outside = project.parent / "outside"
    outside.mkdir()
    shutil.copy(project / "data" / "catalog" / "catalog.yaml", outside / "catalog.yaml")
    path = project / rel
    if path.is_dir():
        shutil.rmtree(path)
    make(path, project)
    before = snapshot(project.parent)
    code, out, err = metdocs(command, cwd=project, timeout=120)  # a read FIFO would hang: timeout fails it
    errors = sorted(line for line in err.splitlines() if ": error: " in line)
    assert errors == _expected(rel, lines, project), err
    assert code == 1 and "Traceback" not in err + out
    assert snapshot(project.parent) == before


def test_a_symlink_inside_the_project_is_followed(project):
    shared = project / "shared"
    shared.mkdir()
    (project / "data" / "catalog" / "catalog.yaml").rename(shared / "catalog.yaml")
    (project / "data" / "catalog" / "catalog.yaml").symlink_to("../../shared/catalog.yaml")
    code, _, err = metdocs("check", cwd=project)
    assert code == 0, err


@pytest.mark.parametrize("kind", ["fifo", "folder", "dev-zero"])
def test_a_config_that_is_not_a_regular_file_is_a_usage_error(tmp_path, kind):
    config = tmp_path / "mkdocs.yml"
    {"fifo": lambda: os.mkfifo(config), "folder": config.mkdir,
     "dev-zero": lambda: config.symlink_to("/dev/zero")}[kind]()
    code, _, err = metdocs("check", cwd=tmp_path, timeout=60)
    assert code == 2 and one_line_error(err).startswith("metdocs: error: mkdocs.yml: expected ")


BAD_ENV = [
    ("METDOCS_TODAY", "2026-02-30", "expected METDOCS_TODAY to be a real date, found '2026-02-30', which does not exist"),
    ("METDOCS_TODAY", "tomorrow", "expected METDOCS_TODAY as YYYY-MM-DD (e.g. 2026-04-01), found 'tomorrow'"),
    ("METDOCS_TODAY", "2026-4-1", "expected METDOCS_TODAY as YYYY-MM-DD (e.g. 2026-04-01), found '2026-4-1'"),
    ("METDOCS_TODAY", "２０２６-04-01", "expected METDOCS_TODAY as YYYY-MM-DD (e.g. 2026-04-01), found '２０２６-04-01'"),
    ("METDOCS_TODAY", "0001-01-01", "expected METDOCS_TODAY from 1970-01-01 to 2999-12-31, found 0001-01-01"),
    ("SOURCE_DATE_EPOCH", "", "found ''"),
    ("SOURCE_DATE_EPOCH", "yesterday", "found 'yesterday'"),
    ("SOURCE_DATE_EPOCH", "-1", "found '-1'"),
    ("SOURCE_DATE_EPOCH", "1.5e9", "found '1.5e9'"),
    ("SOURCE_DATE_EPOCH", "99999999999999", "found '99999999999999'"),
    ("METDOCS_CACHE_DIR", "{file}", "expected METDOCS_CACHE_DIR to be a folder, found a file at {file}"),
    ("METDOCS_CACHE_DIR", "{file}/sub", "expected METDOCS_CACHE_DIR to be a folder metdocs can create, "
                                        "found {file}/sub: Not a directory"),
    ("METDOCS_DATA_DIR", "{file}", "expected METDOCS_DATA_DIR to name a data folder, found no folder at {file}"),
    ("METDOCS_OFFLINE", "yes", "expected METDOCS_OFFLINE to be true or false, found 'yes'"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD_ENV, ids=[f"{n}={v}" for n, v, _ in BAD_ENV])
@pytest.mark.parametrize("command", [["check"], ["build"], ["build", "--offline"]], ids=" ".join)
def test_a_bad_environment_variable_is_a_usage_error(project, run_cli, monkeypatch, name, value, message, command):
    a_file = project.parent / "a-file"
    a_file.write_text("not a folder")
    monkeypatch.setenv(name, value.replace("{file}", str(a_file)))
    before = snapshot(project.parent)
    code, out, err = run_cli(*command, cwd=project)
    line = one_line_error(err)
    assert code == 2 and line.startswith("metdocs: error: expected ")
    assert message.replace("{file}", str(a_file)) in line
    assert snapshot(project.parent) == before


def test_a_good_source_date_epoch_and_today_pass(project, run_cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setenv("METDOCS_TODAY", "2026-04-01")
    code, _, err = run_cli("check", cwd=project)
    assert code == 0, err


# --- errors from the operating system --------------------------------------------------------------

def _long_id(project: Path) -> None:
    catalog = project / "data" / "catalog" / "catalog.yaml"
    text = catalog.read_text()
    assert "id: tug\n" in text
    catalog.write_text(text.replace("tug", "t" * 300))


@pytest.mark.parametrize("offline", [False, True], ids=["site", "offline"])
def test_a_name_too_long_for_the_file_system_is_one_line(project, run_cli, offline):
    _long_id(project)
    before = snapshot(project)
    code, out, err = run_cli("build", *(["--offline"] if offline else []), cwd=project)
    site = "site-offline" if offline else "site"
    errors = [line for line in err.splitlines() if "error" in line.lower()]
    assert errors == [f"metdocs: error: cannot write {site}/measures/{'t' * 300}{'.html' if offline else ''}: "
                      "File name too long (ENAMETOOLONG); shorten the id that names this page, or use a shorter "
                      "--site-dir"], err
    assert code == 3 and "Traceback" not in err
    assert snapshot(project) == before


def test_disk_full_is_one_line_and_keeps_the_previous_site(project, run_cli, monkeypatch):
    import mkdocs.utils

    def full(content, path):
        raise OSError(errno.ENOSPC, "No space left on device", path)

    monkeypatch.setattr(mkdocs.utils, "write_file", full)
    before = snapshot(project)
    code, out, err = run_cli("build", cwd=project)
    errors = [line for line in err.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and errors[0].startswith("metdocs: error: cannot write site/"), err
    assert errors[0].endswith(": No space left on device (ENOSPC); free some disk space and build again "
                              "(the previous site is unchanged)")
    assert code == 3 and "Traceback" not in err
    assert snapshot(project) == before
    code, out, err = run_cli("--debug", "build", cwd=project)
    assert code == 3 and "Traceback (most recent call last)" in err  # --debug shows it


@pytest.mark.skipif(not Path("/sys/fs").is_dir(), reason="needs Linux's /sys, which no one may write to, root included")
def test_a_site_folder_that_cannot_be_written_is_one_line(project, run_cli):
    code, _, err = run_cli("build", "--site-dir", "/sys/fs/metdocs-site", cwd=project)
    line = one_line_error(err.split("building the site with MkDocs ...\n")[-1])
    assert code == 3
    assert line == ("metdocs: error: cannot write /sys/fs/.metdocs-site.lock: Permission denied (EACCES); "
                    "check the folder's permissions")


def test_serve_on_a_port_in_use_is_one_line(project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = metdocs("serve", "--dev-addr", f"127.0.0.1:{port}", cwd=project, timeout=120)
    assert code == 3
    assert one_line_error(err) == (f"metdocs: error: cannot serve on 127.0.0.1:{port}: Address already in use "
                                   "(EADDRINUSE); another program is serving there: pass --dev-addr with another port")


@pytest.mark.parametrize("addr", ["8000", "localhost:", "127.0.0.1:99999", "127.0.0.1:８０００"])
def test_serve_with_a_bad_address_is_a_usage_error(project, run_cli, addr):
    code, _, err = run_cli("serve", "--dev-addr", addr, cwd=project)
    assert code == 2 and one_line_error(err).startswith("metdocs: error: expected --dev-addr as IP:PORT")


def test_an_internal_error_is_one_line_unless_debug(project, run_cli, monkeypatch):
    from metdocs.site import plugin

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(plugin, "generate", broken)
    code, _, err = run_cli("build", cwd=project)
    assert code == 70 and "Traceback" not in err
    assert err.splitlines()[-1] == ("metdocs: internal error: ValueError: a bug (run with --debug for the traceback, "
                                    "and please report it)")
    code, _, err = run_cli("build", "--debug", cwd=project)
    assert code == 70 and "Traceback (most recent call last)" in err and "ValueError: a bug" in err


def test_debug_is_a_global_option(run_cli):
    code, out, _ = run_cli("--help")
    assert code == 0 and "--debug" in out and "3 the system refused" in out
