"""`pii outlook`: the probability of the national top 10 and of leading the region next edition."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from piilib.cli import InputError
from piilib.messages import text
from piilib.report.tables import format_number

DEFAULT_SEED = 88


def register(subparsers) -> None:
    from piilib.analysis.outlook import DEFAULT_DRAWS, DEFAULT_TOP

    parser = subparsers.add_parser("outlook", help=text("help.outlook"), description=text("outlook.description"))
    parser.add_argument("--edition", type=int, required=True, help=text("outlook.arg.edition"))
    parser.add_argument("--province", required=True, help=text("arg.province"))
    parser.add_argument("--draws", type=int, default=DEFAULT_DRAWS,
                        help=text("outlook.arg.draws", default=f"{DEFAULT_DRAWS:,}"))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=text("arg.seed", default=DEFAULT_SEED))
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help=text("outlook.arg.top", default=DEFAULT_TOP))
    parser.add_argument("--data", type=Path, help=text("arg.data"))
    parser.add_argument("--no-targets", action="store_true", help=text("outlook.arg.no_targets"))
    parser.add_argument("--correlation", type=float, help=text("outlook.arg.correlation"))
    parser.add_argument("--sweep", action="store_true", help=text("outlook.arg.sweep"))
    parser.add_argument("--cheapest", action="store_true", help=text("outlook.arg.cheapest"))
    parser.set_defaults(func=run)


def top_problems(top: int, edition: int, data=None) -> list[str]:
    """--top: from 1 to the number of provinces of the next edition's map (a larger top holds
    every province: a probability of 100 % that says nothing)."""
    from piilib.bundle import edition_problems
    from piilib.commands.common import count_problems
    from piilib.units import load_units

    if edition_problems(edition, data):
        return count_problems("--top", top, 1, top)  # the edition's own problem is said once
    provinces = len(load_units(edition + 1))
    return count_problems("--top", top, 1, provinces, text("arg.why.provinces", edition=edition + 1))


def run(args) -> int:
    from piilib.analysis.outlook import (bundle_inputs, cheapest_path, correlation_sweep, outlook,
                                         recommended_target_values)
    from piilib.analysis.targets import bundle_targets
    from piilib.bundle import load_bundle
    from piilib.commands.common import checked_request, draws_problems
    from piilib.plan import load_plan
    from piilib.units import load_units

    problems = []
    if args.correlation is not None and not 0 <= args.correlation < 0.95:
        problems.append(text("outlook.bad_correlation", value=args.correlation))
    problems += draws_problems("--draws", args.draws)
    problems += top_problems(args.top, args.edition, args.data)
    province = checked_request(args.edition, args.data, args.province, problems)
    # The targets scenario is the province's own plan's (none without a plan: the trend only).
    plan = load_plan(province=province)
    has_plan = plan is not None

    try:
        bundle = load_bundle(args.data, args.edition)
        targets = None
        if not args.no_targets and has_plan:
            # Only the recommendation is used: what each threshold buys is not recomputed.
            targets = recommended_target_values(bundle_targets(bundle, args.edition, province, plan=plan,
                                                               outcomes=False))
        inputs = bundle_inputs(bundle, args.edition)
        result = outlook(None, None, args.edition, province, draws=args.draws, seed=args.seed, targets=targets,
                         top=args.top, province_correlation=args.correlation, inputs=inputs)
        sweep = path = None
        if args.sweep:
            sweep = correlation_sweep(inputs.result, inputs.projections, province, inputs.unit_map,
                                      draws=args.draws, seed=args.seed, targets=targets, top=args.top,
                                      indicator_correlation=result.indicator_correlation,
                                      lower_bounds=inputs.lower_bounds, upper_bounds=inputs.upper_bounds)
        if args.cheapest:
            path = cheapest_path(inputs.model(province), top=args.top, seed=args.seed,
                                 check_draws=args.draws, province_correlation=result.province_correlation,
                                 indicator_correlation=result.indicator_correlation)
    except ValueError as error:
        raise InputError(str(error).splitlines()) from None

    units = load_units(args.edition)
    if not has_plan and not args.no_targets:
        print(text("outlook.no_plan", name=units.set_index("unit").at[province, "name_vi"]))
    print(render(result, units, bundle.uses_illustrative(args.edition), sweep, path))
    return 0


def _percent(p: float, se: float) -> str:
    return f"{format_number(100 * p, 1)}% ± {format_number(100 * se, 2)}%"


def render(result, units, illustrative: bool = False, sweep: pd.DataFrame | None = None, path=None) -> str:
    """The outlook as a short text: the base position, the map, one row per scenario, and
    optionally the correlation sweep and the cheapest path."""
    names = units.set_index("unit")
    name = names.at[result.province, "name_vi"]
    base_region = names.at[result.province, "region_name_vi"]
    lead = "dẫn đầu" if result.base_region_leader else "không dẫn đầu"
    on_map = f"trên {result.n_units} tỉnh, thành phố"
    lines = [f"{name} — PII {result.edition}: hạng {result.base_rank}/{result.base_n_units} (vùng {base_region})."]
    if result.merged:
        lines.append(
            f"PII {result.next_edition} xếp hạng {on_map} sau sáp nhập; {name} thuộc đơn vị mới '{result.unit}', "
            f"vùng {result.region_name} có {result.n_region} địa phương. Số liệu PII {result.edition} gộp theo "
            f"quy tắc hợp nhất: hạng {result.base_rank_on_map}/{result.n_units}, {lead} vùng.")
    else:
        lines.append(f"PII {result.next_edition} xếp hạng {on_map}; vùng {result.region_name} có "
                     f"{result.n_region} địa phương; PII {result.edition} {lead} vùng.")
    if result.not_merged:
        lines.append(f"Thiếu số liệu quy mô để gộp các chỉ số {', '.join(result.not_merged)}: các đơn vị hợp nhất "
                     "không có giá trị ở các chỉ số này.")
    lines += [
        f"Triển vọng PII {result.next_edition} {on_map}: {format_number(result.draws)} lần mô phỏng "
        f"(seed {result.seed}), mỗi lần tính lại toàn bộ chỉ số từ dự báo xu hướng của mọi địa phương; "
        f"tương quan giả định giữa các chỉ số của một tỉnh {format_number(result.province_correlation, 2)}, "
        f"giữa các tỉnh trên một chỉ số {format_number(result.indicator_correlation, 2)}.",
        "",
    ]
    lines.append(_table(result.summary, result.top).to_markdown(index=False))
    if len(result.targets):
        shown = "; ".join(f"{code} → {format_number(value, _decimals(value))}"
                          for code, value in result.targets.items())
        lines += ["", "Mục tiêu đề xuất được áp dụng (giá trị thô của tỉnh nâng lên ít nhất bằng mục tiêu, "
                      f"chỉ số nghịch thì hạ xuống): {shown}."]
    lines += ["", "Khoảng hạng (5%–95%) là độ bất định của triển vọng: 90% số lần mô phỏng cho thứ hạng trong "
                  "khoảng này. ± chỉ là sai số chuẩn Monte Carlo √(p(1 − p)/số lần mô phỏng), sai số do số lần "
                  "mô phỏng có hạn, không phải độ bất định của triển vọng."]
    if sweep is not None:
        trend = sweep[sweep["scenario"] == "trend"]
        table = _table(trend, result.top).drop(columns=["Kịch bản"])
        table.insert(0, "Tương quan", [format_number(r, 2) for r in trend["province_correlation"]])
        lines += ["", f"Theo xu hướng, với các mức tương quan giả định giữa các chỉ số của một tỉnh ({on_map}):",
                  table.to_markdown(index=False)]
    if path is not None:
        lines += ["", _render_path(path, result)]
    if illustrative:
        lines.append("Lưu ý: kết quả dựa trên số liệu minh họa (giá trị các chỉ số hoặc chuỗi số liệu theo năm), "
                     "không phải số liệu chính thức.")
    return "\n".join(lines)


def _table(summary: pd.DataFrame, top: int) -> pd.DataFrame:
    return pd.DataFrame({
        "Kịch bản": summary["label"].to_numpy(),
        f"Xác suất top {top}": [_percent(p, se) for p, se in zip(summary["p_top"], summary["se_top"])],
        "Xác suất dẫn đầu vùng": [_percent(p, se) for p, se in zip(summary["p_region_lead"],
                                                                   summary["se_region_lead"])],
        "Hạng trung vị": [f"{r:g}" for r in summary["median_rank"]],
        "Hạng (5%–95%)": [f"{a:g}–{b:g}" for a, b in zip(summary["rank_q05"], summary["rank_q95"])],
    })


def _render_path(path, result) -> str:
    goal = format_number(100 * path.goal, 0)
    head = (f"Lộ trình cải thiện ít nhất để đạt xác suất top {result.top} ≥ {goal}% và dẫn đầu vùng ≥ {goal}% "
            f"(mỗi chỉ số cải thiện tối đa {format_number(path.max_effort, 1)} độ lệch chuẩn của dự báo xu hướng):")
    lines = [head]
    if len(path.improvements):
        table = pd.DataFrame({
            "Chỉ số": path.improvements["indicator"],
            "Nỗ lực (độ lệch chuẩn)": [format_number(k, 1) for k in path.improvements["effort_sd"]],
            "Dự báo xu hướng": [format_number(v, _decimals(v)) for v in path.improvements["trend_median"]],
            "Mức cần đạt": [format_number(v, _decimals(v)) for v in path.improvements["target_value"]],
            "Xác suất tự đạt theo xu hướng": [f"{format_number(100 * p, 0)}%" for p in path.improvements["p_on_trend"]],
        })
        lines.append(table.to_markdown(index=False))
    check = path.check.set_index("scenario")
    if "improved" in check.index:
        row = check.loc["improved"]
        lines.append(f"Kiểm tra trên {format_number(path.check_draws)} "
                     f"lần mô phỏng độc lập: xác suất top {result.top} {_percent(row['p_top'], row['se_top'])}, "
                     f"dẫn đầu vùng {_percent(row['p_region_lead'], row['se_region_lead'])}, hạng "
                     f"{row['rank_q05']:g}–{row['rank_q95']:g}; tổng nỗ lực "
                     f"{format_number(path.total_effort_sd, 1)} độ lệch chuẩn.")
    if not path.reached:
        lines.append("Không đạt được mục tiêu trong phạm vi căn cứ (mỗi chỉ số tối đa "
                     f"{format_number(path.max_effort, 1)} độ lệch chuẩn).")
    return "\n".join(lines)


def _decimals(value: float) -> int:
    """Enough decimals to show 4 significant digits of a target value."""
    magnitude = int(np.floor(np.log10(abs(value)))) if value else 0
    return max(0, 3 - magnitude)
