"""`pii robustness`: rank intervals of the PII under methodological uncertainty (COINr's UA)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from piilib.bundle import DATA_HELP
from piilib.cli import InputError
from piilib.report.tables import format_number

DEFAULT_SEED = 88
DEFAULT_REPLICATIONS = 1000


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "robustness",
        help="rank intervals of the PII when weights, normalisation, aggregation and treatment vary",
        description=(
            "COINr's uncertainty analysis of the PII: the index is recomputed REPLICATIONS times, "
            "each time with weights perturbed within ±25%, min-max (1-100) or z-score (10 ± 2) "
            "normalisation, arithmetic or geometric mean, treatment on or off; every province's "
            "nominal rank, median rank and 5th-95th percentile interval. With --province, also which "
            "assumption moves that province's rank most (variance-based sensitivity indices)."
        ),
    )
    parser.add_argument("--edition", type=int, required=True, help="PII edition, e.g. 2024")
    parser.add_argument("--province", help="province name in any spelling, e.g. 'Cần Thơ'")
    parser.add_argument("--replications", type=int, default=DEFAULT_REPLICATIONS,
                        help=f"number of replications (default {DEFAULT_REPLICATIONS})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed, for reproducible figures (default {DEFAULT_SEED})")
    parser.add_argument("--data", type=Path, help=DATA_HELP)
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.analysis.robustness import pii_sensitivity, pii_uncertainty
    from piilib.bundle import load_bundle
    from piilib.commands.common import checked_request

    problems = []
    if args.replications < 3:
        problems.append(f"--replications {args.replications}: expected a whole number >= 3")
    province = checked_request(args.edition, args.data, args.province, problems)
    try:
        values = load_bundle(args.data, args.edition).values_of(args.edition)
        result = pii_uncertainty(values, args.edition, n=args.replications, seed=args.seed)
        sensitivity = (pii_sensitivity(values, args.edition, unit=province, n=args.replications, seed=args.seed)
                       if province else None)
    except ValueError as error:
        raise InputError(str(error).splitlines()) from None
    print(render(result, province, sensitivity))
    return 0


ASSUMPTION_LABELS = {
    "weights": "Trọng số (±25%)",
    "normalisation": "Chuẩn hóa (min-max / z-score)",
    "aggregation": "Tổng hợp (trung bình cộng / nhân)",
    "treatment": "Xử lý ngoại lai (có / không)",
}


def render(result, province: str | None, sensitivity) -> str:
    stats = result.rank_stats.sort_values("nominal_rank", kind="stable")
    lines = [f"Phân tích bất định (như get_sensitivity của COINr): {format_number(len(result.ranks))} lần "
             f"tính lại PII; {result.n_failed} lần không tính được (trung bình nhân gặp giá trị ≤ 0)."]
    if province is not None:
        row = stats.set_index("uCode").loc[province]
        lines.append(
            f"{row['uName']}: hạng danh nghĩa {row['nominal_rank']:g}, hạng trung vị {row['median_rank']:g}, "
            f"khoảng 5%–95%: {row['q05']:g}–{row['q95']:g}."
        )
    table = stats.assign(interval=[f"{a:g}–{b:g}" for a, b in zip(stats["q05"], stats["q95"])])
    table = table[["nominal_rank", "uName", "median_rank", "interval"]]
    table.columns = ["Hạng", "Địa phương", "Hạng trung vị", "Hạng (5%–95%)"]
    lines += ["", table.to_markdown(index=False, floatfmt="g")]
    if sensitivity is not None:
        shown = pd.DataFrame({
            "Giả định": sensitivity["assumption"].map(ASSUMPTION_LABELS),
            "Chỉ số bậc 1 (S_i)": [format_number(v, 2) for v in sensitivity["first_order"]],
            "Chỉ số toàn phần (S_Ti)": [format_number(v, 2) for v in sensitivity["total"]],
        })
        name = stats.set_index("uCode").at[province, "uName"]
        lines += ["", f"Giả định nào làm hạng của {name} thay đổi nhiều nhất "
                      f"({format_number(sensitivity.attrs['runs'])} lần tính):",
                  shown.to_markdown(index=False),
                  "S_i: phần phương sai của hạng do riêng giả định đó; S_Ti: kể cả tương tác với các giả định "
                  "khác (ước lượng Monte Carlo: giá trị âm nhỏ nghĩa là ≈ 0)."]
    return "\n".join(lines)
