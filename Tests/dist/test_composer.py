"""The composer package as a PHP user meets it: `composer require sello/sello` from a path
repository that copies (`"symlink": false`) and from an artifact repository (the zip itself),
Packagist turned off, SELLO_LIB unset; then FES is called against the sandbox, also after the
project folder was moved elsewhere."""
from __future__ import annotations

import json
import pathlib
import posixpath
import re
import shutil
import subprocess
import uuid
import zipfile
from typing import Any, Dict

import pytest

from dist_support import FES_REQUEST, FES_USER, OBTAIN_PATH, ROOT, VERSION, Sandbox, artifact, run, user_env

PLATFORM = "linux-x86_64"
USER_SCRIPT = r'''<?php
declare(strict_types=1);
require __DIR__ . '/vendor/autoload.php';
[$config, $request] = [json_decode($argv[1], true), json_decode($argv[2], true)];
$out = ['library' => Sello\Library::path(), 'version' => Sello\Sello::version()];
try {
    $fes = new Sello\Fes($config);
    $result = $fes->obtainCertificate($request);
    $fes->close();
    $out += ['ok' => true, 'estado' => $result['estado'], 'saved_to' => $result['saved_to']];
} catch (Sello\Exception\SelloException $e) {
    $out += ['ok' => false, 'code' => $e->errorCode(), 'message' => $e->getMessage()];
}
$out['mapped'] = array_values(array_unique(array_filter(array_map(
    fn (string $line): string => preg_split('/\s+/', trim($line))[5] ?? '',
    file('/proc/self/maps')), fn (string $path): bool => str_contains($path, '/lib'))));
echo json_encode($out), "\n";
'''


@pytest.fixture(scope="module")
def package_zip() -> pathlib.Path:
    return artifact(f"sello-php-{VERSION}.zip")


def composer_env(home: pathlib.Path) -> Dict[str, str]:
    return user_env(COMPOSER_HOME=str(home / ".composer"), COMPOSER_ALLOW_SUPERUSER="1", COMPOSER_NO_INTERACTION="1",
                    COMPOSER_DISABLE_NETWORK="1")


def make_project(folder: pathlib.Path, repository: Dict[str, Any]) -> pathlib.Path:
    project = folder / "project"
    project.mkdir()
    (project / "composer.json").write_text(json.dumps({
        "name": "someone/app", "type": "project",
        "repositories": [{"packagist.org": False}, repository],
        "require": {"sello/sello": VERSION},
    }, indent=2))
    (project / "issue.php").write_text(USER_SCRIPT)
    run(["composer", "install", "--no-progress"], cwd=project, env=composer_env(folder))
    return project


def issue(project: pathlib.Path, sandbox: Sandbox) -> Dict[str, Any]:
    sandbox.reset()
    # A new name each time: a certificate is never written over a file (SAVE_TO_EXISTS).
    request = {**FES_REQUEST, "save_to": str(project / f"cert-{uuid.uuid4().hex}.p12")}
    done = run(["php", "issue.php", json.dumps({"base_url": sandbox.fes_url, **FES_USER}), json.dumps(request)],
               cwd=project, env=user_env())
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_issued(out: Dict[str, Any], project: pathlib.Path, sandbox: Sandbox) -> None:
    assert out["ok"] is True, out
    assert out["estado"] == "OK" and out["version"] == VERSION
    installed = project / "vendor" / "sello" / "sello"
    assert out["library"] == str(installed / "lib" / PLATFORM / "libsello.so")
    # The package's own libcurl, OpenSSL and libxml2 are loaded (PHP's curl and xml extensions may
    # map the system's too: the vendored ones have their own names, so each keeps its own).
    for library in ("libcurl", "libssl", "libxml2"):
        vendored = str(installed / "lib" / PLATFORM / "libsello.libs" / library)
        assert any(path.startswith(vendored) for path in out["mapped"]), (library, out["mapped"])
    assert pathlib.Path(out["saved_to"]).stat().st_size > 1000
    assert [r["path"] for r in sandbox.requests()] == [OBTAIN_PATH]


def test_the_package_needs_nothing_from_packagist_and_carries_header_and_library(package_zip: pathlib.Path,
                                                                               tmp_path: pathlib.Path) -> None:
    with zipfile.ZipFile(package_zip) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("composer.json"))
        header = archive.read("build/sello.ffi.h").decode()
    assert set(manifest["require"]) == {"php", "ext-ffi"}
    assert manifest["name"] == "sello/sello" and manifest["version"] == VERSION
    assert f"lib/{PLATFORM}/libsello.so" in names
    # The README's and the guides' relative links lead to files the package carries.
    assert {"README.md", "docs/reference.md", "docs/errors.md", "docs/php-fpm.md"} <= names
    with zipfile.ZipFile(package_zip) as archive:
        for document in ("README.md", "docs/reference.md", "docs/errors.md", "docs/php-fpm.md"):
            text = archive.read(document).decode()
            for target in re.findall(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)", text):
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(document), target))
                assert resolved in names, f"{document} links to {target}, which the package does not carry"
    assert any(n.startswith(f"lib/{PLATFORM}/libsello.libs/libcurl") for n in names)
    # The header is generated from this checkout's include/sello.h by the binding's own generator.
    expected = tmp_path / "sello.ffi.h"
    subprocess.run(["php", str(ROOT / "bindings/php/bin/generate-header"), str(ROOT / "include/sello.h"), str(expected)],
                   check=True, capture_output=True)
    assert header == expected.read_text()


def test_installed_from_a_path_repository_that_copies(package_zip: pathlib.Path, sandbox: Sandbox,
                                                      tmp_path: pathlib.Path) -> None:
    unpacked = tmp_path / "sello-php"
    with zipfile.ZipFile(package_zip) as archive:
        archive.extractall(unpacked)
    for info in zipfile.ZipFile(package_zip).infolist():       # zipfile drops the mode bits
        (unpacked / info.filename).chmod((info.external_attr >> 16) & 0o777)
    project = make_project(tmp_path, {"type": "path", "url": str(unpacked), "options": {"symlink": False}})
    installed = project / "vendor" / "sello" / "sello"
    assert installed.is_dir() and not installed.is_symlink()
    shutil.rmtree(unpacked)                                    # nothing may point back to it
    check_issued(issue(project, sandbox), project, sandbox)

    moved = tmp_path / "elsewhere"                             # a vendor/ folder carried elsewhere
    shutil.move(str(project), str(moved))
    check_issued(issue(moved, sandbox), moved, sandbox)


def test_installed_from_an_artifact_repository(package_zip: pathlib.Path, sandbox: Sandbox,
                                               tmp_path: pathlib.Path) -> None:
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    shutil.copy(package_zip, artifacts)
    project = make_project(tmp_path, {"type": "artifact", "url": str(artifacts)})
    check_issued(issue(project, sandbox), project, sandbox)
