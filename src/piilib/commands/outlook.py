"""`pii outlook`: the probability of the national top 10 and of leading the region next edition."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from piilib.bundle import DATA_HELP
from piilib.cli import InputError
from piilib.report.tables import format_number

DEFAULT_SEED = 88


def register(subparsers) -> None:
    from piilib.analysis.outlook import DEFAULT_DRAWS, DEFAULT_TOP

    parser = subparsers.add_parser(
        "outlook",
        help="probability of the national top 10 and of leading the region in the next edition",
        description=(
            "Monte Carlo over every province's indicator projections (the predictive intervals of "
            "their trends), the whole index recomputed for every draw: the probability that the "
            "province is in the national top 10 and that it leads its region in the next edition, "
            "following the trends and if the recommended targets (pii targets) are met. The "
            "trends are those of the data's history on the edition's map (harmonised after the merger)."
        ),
    )
    parser.add_argument("--edition", type=int, required=True, help="base PII edition, e.g. 2024")
    parser.add_argument("--province", required=True, help="province name in any spelling, e.g. 'Cần Thơ'")
    parser.add_argument("--draws", type=int, default=DEFAULT_DRAWS,
                        help=f"number of Monte Carlo draws (default {DEFAULT_DRAWS:,})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed, for reproducible figures (default {DEFAULT_SEED})")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help=f"national top k (default {DEFAULT_TOP})")
    parser.add_argument("--data", type=Path, help=DATA_HELP)
    parser.add_argument("--no-targets", action="store_true",
                        help="skip the scenario in which the recommended targets are met")
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.analysis.outlook import bundle_outlook, recommended_target_values
    from piilib.analysis.targets import bundle_targets
    from piilib.bundle import load_bundle
    from piilib.commands.common import checked_request
    from piilib.units import load_units

    problems = []
    if args.draws < 1:
        problems.append(f"--draws {args.draws}: expected a whole number >= 1")
    if args.top < 1:
        problems.append(f"--top {args.top}: expected a whole number >= 1")
    province = checked_request(args.edition, args.data, args.province, problems)

    try:
        bundle = load_bundle(args.data, args.edition)
        targets = None
        if not args.no_targets:
            targets = recommended_target_values(bundle_targets(bundle, args.edition, province))
        result = bundle_outlook(bundle, args.edition, province, draws=args.draws, seed=args.seed,
                                targets=targets, top=args.top)
    except ValueError as error:
        raise InputError(str(error).splitlines()) from None

    print(render(result, load_units(args.edition), bundle.uses_illustrative(args.edition)))
    return 0


def _percent(p: float, se: float) -> str:
    return f"{format_number(100 * p, 1)}% ± {format_number(100 * se, 2)}%"


def render(result, units, illustrative: bool = False) -> str:
    """The outlook as a short text: the base position, then one row per scenario."""
    names = units.set_index("unit")
    name = names.at[result.province, "name_vi"]
    region_name = names.at[result.province, "region_name_vi"]
    lead = "dẫn đầu" if result.base_region_leader else "không dẫn đầu"
    lines = [
        f"{name} — PII {result.edition}: hạng {result.base_rank}/{result.n_units}, {lead} vùng {region_name} "
        f"({result.n_region} địa phương).",
        f"Triển vọng PII {result.next_edition}: {format_number(result.draws)} lần mô phỏng "
        f"(seed {result.seed}), mỗi lần tính lại toàn bộ chỉ số từ dự báo xu hướng của mọi địa phương.",
        "",
    ]
    summary = result.summary
    table = pd.DataFrame({
        "Kịch bản": summary["label"],
        f"Xác suất top {result.top}": [_percent(p, se) for p, se in zip(summary["p_top"], summary["se_top"])],
        "Xác suất dẫn đầu vùng": [_percent(p, se) for p, se in zip(summary["p_region_lead"],
                                                                   summary["se_region_lead"])],
        "Hạng trung vị": [f"{r:g}" for r in summary["median_rank"]],
        "Hạng (5%–95%)": [f"{a:g}–{b:g}" for a, b in zip(summary["rank_q05"], summary["rank_q95"])],
    })
    lines.append(table.to_markdown(index=False))
    if len(result.targets):
        shown = "; ".join(f"{code} → {format_number(value, _decimals(value))}"
                          for code, value in result.targets.items())
        lines += ["", "Mục tiêu đề xuất được áp dụng (giá trị thô của tỉnh nâng lên ít nhất bằng mục tiêu, "
                      f"chỉ số nghịch thì hạ xuống): {shown}."]
    lines += ["", "± là sai số chuẩn Monte Carlo √(p(1 − p)/số lần mô phỏng)."]
    if illustrative:
        lines.append("Lưu ý: kết quả dựa trên số liệu minh họa (giá trị các chỉ số hoặc chuỗi số liệu theo năm), "
                     "không phải số liệu chính thức.")
    return "\n".join(lines)


def _decimals(value: float) -> int:
    """Enough decimals to show 4 significant digits of a target value."""
    magnitude = int(np.floor(np.log10(abs(value)))) if value else 0
    return max(0, 3 - magnitude)
