"""Every test sees no official folder unless it sets one: the staff's data/official/ (git-
ignored, possibly full of real files) must not change what a test computes."""

from __future__ import annotations

import pytest

from piilib.bundle import OFFICIAL_DIR_ENV


@pytest.fixture(autouse=True)
def _no_official_folder(monkeypatch, tmp_path_factory):
    monkeypatch.setenv(OFFICIAL_DIR_ENV, str(tmp_path_factory.getbasetemp() / "no-official-folder"))
