"""Browser code from npm is vendored unchanged, with its licence, and served by the build."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .conftest import REPO

VENDOR = REPO / "site_gen" / "static" / "vendor" / "jsqr"


def test_jsqr_is_the_published_file_with_its_licence() -> None:
    notes = (VENDOR / "README.txt").read_text("utf-8")
    recorded = re.search(r"SHA-256 of `jsQR.js`: `([0-9a-f]{64})`", notes)
    assert recorded is not None
    assert hashlib.sha256((VENDOR / "jsQR.js").read_bytes()).hexdigest() == recorded.group(1)
    assert "Apache License" in (VENDOR / "LICENSE").read_text("utf-8")


def test_the_build_serves_jsqr_and_its_licence(demo_site: Path) -> None:
    served = demo_site / "assets" / "vendor" / "jsqr"
    assert (served / "jsQR.js").read_bytes() == (VENDOR / "jsQR.js").read_bytes()
    assert (served / "LICENSE").is_file()
    page = (demo_site / "verify" / "index.html").read_text("utf-8")
    assert 'data-jsqr="../assets/vendor/jsqr/jsQR.js"' in page
    assert "jsQR.js\"" not in page.replace('data-jsqr="../assets/vendor/jsqr/jsQR.js"', "")


AGE = REPO / "site_gen" / "static" / "vendor" / "age"


def test_age_is_the_recorded_bundle_with_every_licence() -> None:
    notes = (AGE / "README.txt").read_text("utf-8")
    recorded = re.search(r"SHA-256 of `age.js`: `([0-9a-f]{64})`", notes)
    assert recorded is not None
    assert hashlib.sha256((AGE / "age.js").read_bytes()).hexdigest() == recorded.group(1)
    licences = (AGE / "LICENSE").read_text("utf-8")
    lock = (REPO / "tools" / "vendor-age" / "package-lock.json").read_text("utf-8")
    for package in ("age-encryption", "@noble/ciphers", "@noble/curves", "@noble/hashes",
                    "@scure/base"):
        assert f"==== {package} " in licences and f'"node_modules/{package}"' in lock
    assert "Redistribution and use in source and binary forms" in licences  # BSD-3
    assert "Permission is hereby granted, free of charge" in licences  # MIT


def test_the_build_serves_age_to_the_filing_form_only(demo_site: Path) -> None:
    served = demo_site / "assets" / "vendor" / "age"
    assert (served / "age.js").read_bytes() == (AGE / "age.js").read_bytes()
    assert (served / "LICENSE").is_file()
    form = (demo_site / "file" / "index.html").read_text("utf-8")
    assert '<script src="../assets/vendor/age/age.js"></script>' in form
    assert "vendor/age" not in (demo_site / "verify" / "index.html").read_text("utf-8")


YAML = REPO / "site_gen" / "static" / "vendor" / "yaml"


def test_yaml_is_the_recorded_bundle_with_its_licence() -> None:
    notes = (YAML / "README.txt").read_text("utf-8")
    recorded = re.search(r"SHA-256 of `yaml.js`: `([0-9a-f]{64})`", notes)
    assert recorded is not None
    assert hashlib.sha256((YAML / "yaml.js").read_bytes()).hexdigest() == recorded.group(1)
    lock = (REPO / "tools" / "vendor-yaml" / "package-lock.json").read_text("utf-8")
    assert '"node_modules/yaml"' in lock and '"version": "2.9.1"' in lock
    assert "==== yaml 2.9.1 (ISC) ====" in (YAML / "LICENSE").read_text("utf-8")


def test_the_form_loads_yaml_only_to_edit(demo_site: Path) -> None:
    served = demo_site / "assets" / "vendor" / "yaml"
    assert (served / "yaml.js").read_bytes() == (YAML / "yaml.js").read_bytes()
    form = (demo_site / "file" / "index.html").read_text("utf-8")
    assert 'data-yaml="../assets/vendor/yaml/yaml.js"' in form  # fetched by the page for an edit
    assert '<script src="../assets/vendor/yaml/yaml.js"' not in form
    for page in ("verify", "open"):
        assert "vendor/yaml" not in (demo_site / page / "index.html").read_text("utf-8")
