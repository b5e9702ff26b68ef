"""`pii targets` and `pii outlook` use the province's own plan (piilib.plan.load_plan(province=...)),
never Cần Thơ's for another province; a province without a plan gets a plain message (targets)
or the trend scenario only (outlook)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from piilib import cli, plan
from piilib.analysis.workbook import GUIDE_SHEET, SUMMARY_SHEET
from piilib.demo import DEMO_DIR

pytestmark = pytest.mark.skipif(not (DEMO_DIR / "values.csv").is_file(), reason="data/demo not generated")


@pytest.fixture
def an_giang_plan(tmp_path, monkeypatch):
    """A plan folder holding plan 88 and a plan of An Giang's own: two of plan 88's maintained
    indicators, led by two different agencies (the codes a test then expects)."""
    raw = yaml.safe_load(plan.DEFAULT_PLAN.read_text(encoding="utf-8"))
    maintained = [item for item in raw["indicators"] if item["group"] == "maintain"]
    chosen = [maintained[0]] + [next(item for item in maintained
                                     if item["lead_agency_key"] != maintained[0]["lead_agency_key"])]
    codes = {str(item["code"]) for item in chosen}
    # Plan 88's notes on its other indicators are not this plan's (the loader refuses them).
    notes = [note for note in raw.get("control_notes") or () if str(note["indicator"]) in codes]
    own = dict(raw, indicators=[dict(item, footnote=None) for item in chosen], solutions=[], footnotes=[],
               control_notes=notes, document=dict(raw["document"], city_unit="an-giang", number="1/KH-UBND (thử)"))
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "plan88.yaml").write_text(plan.DEFAULT_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "an-giang.yaml").write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(plan, "PLAN_DIR", folder)
    return [str(item["code"]) for item in chosen], [item["lead_agency_key"] for item in chosen]


def test_targets_use_the_provinces_own_plan(an_giang_plan, capsys):
    codes, agencies = an_giang_plan
    assert cli.main(["targets", "--edition", "2024", "--province", "An Giang"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"indicator": str})
    assert set(table["unit"]) == {"an-giang"}
    assert list(dict.fromkeys(table["indicator"])) == codes  # its plan's indicators, not plan 88's 18
    assert list(dict.fromkeys(table["lead_agency_key"])) == agencies


def test_the_workbook_uses_the_provinces_own_plan(an_giang_plan, tmp_path, vietnamese, capsys):
    out = tmp_path / "an-giang.xlsx"
    assert cli.main(["targets", "--edition", "2024", "--province", "An Giang", "--format", "xlsx",
                     "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"Đã ghi {out}: 2 trang cơ quan, 2 chỉ số")
    book = load_workbook(out)
    assert book.sheetnames[:2] == [GUIDE_SHEET, SUMMARY_SHEET] and len(book.sheetnames) == 4
    guide = [str(v) for row in book[GUIDE_SHEET].iter_rows(values_only=True) for v in row if v]
    assert any("1/KH-UBND (thử)" in line for line in guide)  # the plan named is An Giang's


def test_targets_for_a_province_without_a_plan_is_a_plain_message(vietnamese, capsys):
    assert plan.load_plan(province="an-giang") is None
    assert cli.main(["targets", "--edition", "2024", "--province", "An Giang"]) == cli.EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 2 and lines[-1] == "Có 1 lỗi."
    assert lines[0].startswith("lỗi: --province An Giang: tỉnh này chưa có kế hoạch PII trong ")
    assert "an-giang.yaml" in lines[0] and "plan88.yaml" in lines[0]


def test_targets_for_a_province_without_a_plan_in_english(english, capsys):
    assert cli.main(["targets", "--edition", "2025", "--province", "Hà Nội"]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: --province Hà Nội: this province has no PII plan in ")
    assert "ha-noi.yaml" in err and "Traceback" not in err


def test_outlook_without_a_plan_gives_the_trend_scenario_only(vietnamese, capsys):
    assert cli.main(["outlook", "--edition", "2024", "--province", "An Giang", "--draws", "50"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("An Giang chưa có kế hoạch PII trong data/plan: chỉ có kịch bản theo xu hướng")
    assert "| Theo xu hướng" in out and "Mục tiêu đề xuất được áp dụng" not in out


def test_outlook_applies_the_provinces_own_targets(an_giang_plan, capsys):
    codes, _ = an_giang_plan
    assert cli.main(["outlook", "--edition", "2024", "--province", "An Giang", "--draws", "50"]) == 0
    out = capsys.readouterr().out
    applied = next(line for line in out.splitlines() if line.startswith("Mục tiêu đề xuất được áp dụng"))
    assert [code for code in codes if f"{code} →" in applied] == codes
    assert applied.count("→") == len(codes)  # none of plan 88's other indicators
