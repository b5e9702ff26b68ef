"""`pii robustness`: rank intervals of the PII under methodological and framework
uncertainty (COINr's uncertainty and sensitivity analysis)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from piilib.cli import InputError
from piilib.messages import text
from piilib.report.tables import format_number

DEFAULT_SEED = 88
DEFAULT_REPLICATIONS = 1000
DEFAULT_BOOTSTRAP = 1000
LEAVE_OUT_CHOICES = ("all", "provisional", "none")
MOVE_CHOICES = ("provisional", "none")
IMPUTATION_CHOICES = ("none", "mean", "median", "group_mean", "group_median")
# iData column holding each province's region (piilib.pii.to_idata): the group of the group methods.
IMPUTATION_GROUP = "Region"


def register(subparsers) -> None:
    parser = subparsers.add_parser("robustness", help=text("help.robustness"),
                                   description=text("robustness.description"))
    parser.add_argument("--edition", type=int, required=True, help=text("arg.edition"))
    parser.add_argument("--province", help=text("arg.province"))
    parser.add_argument("--replications", type=int, default=DEFAULT_REPLICATIONS,
                        help=text("robustness.arg.replications", default=DEFAULT_REPLICATIONS))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=text("arg.seed", default=DEFAULT_SEED))
    parser.add_argument("--leave-out", choices=LEAVE_OUT_CHOICES, default="all", help=text("robustness.arg.leave_out"))
    parser.add_argument("--move", choices=MOVE_CHOICES, default="provisional", help=text("robustness.arg.move"))
    parser.add_argument("--imputation", default=None,
                        help=text("robustness.arg.imputation", choices=", ".join(IMPUTATION_CHOICES)))
    parser.add_argument("--bootstrap", type=int, default=DEFAULT_BOOTSTRAP,
                        help=text("robustness.arg.bootstrap", default=DEFAULT_BOOTSTRAP))
    parser.add_argument("--data", type=Path, help=text("arg.data"))
    parser.set_defaults(func=run)


def imputation_alternatives(given: str | None, problems: list[str]) -> tuple | None:
    """--imputation as Assumptions.imputations (None: not varied)."""
    if given is None:
        return None
    names = [name.strip() for name in given.split(",") if name.strip()]
    unknown = [name for name in names if name not in IMPUTATION_CHOICES]
    if unknown or len(names) < 2 or len(set(names)) < len(names):
        problems.append(text("robustness.bad_imputation", value=given, choices=", ".join(IMPUTATION_CHOICES)))
        return None
    return tuple(None if name == "none" else
                 {"method": name, "group": IMPUTATION_GROUP if name.startswith("group_") else None}
                 for name in names)


def run(args) -> int:
    from dataclasses import replace

    from piilib.analysis.robustness import (
        default_assumptions,
        framework_assumptions,
        pii_sensitivity,
        pii_uncertainty,
    )
    from piilib.bundle import load_bundle
    from piilib.commands.common import MAX_REPLICATIONS, checked_request, draws_problems
    from piilib.framework import load_framework, to_imeta

    problems = draws_problems("--replications", args.replications, minimum=3, maximum=MAX_REPLICATIONS)
    problems += draws_problems("--bootstrap", args.bootstrap, maximum=MAX_REPLICATIONS)
    imputations = imputation_alternatives(args.imputation, problems)
    province = checked_request(args.edition, args.data, args.province, problems)
    try:
        framework = load_framework(args.edition)
        values = load_bundle(args.data, args.edition).values_of(args.edition)
        method = replace(default_assumptions(to_imeta(framework)), imputations=imputations)
        assumptions = framework_assumptions(framework, method, args.leave_out, args.move)
        result = pii_uncertainty(values, args.edition, n=args.replications, seed=args.seed,
                                 assumptions=assumptions, framework=framework)
        method_only = None
        if province and assumptions != method:
            method_only = pii_uncertainty(values, args.edition, n=args.replications, seed=args.seed,
                                          assumptions=method, framework=framework)
        sensitivity = (pii_sensitivity(values, args.edition, unit=province, n=args.replications, seed=args.seed,
                                       assumptions=assumptions, framework=framework, n_boot=args.bootstrap)
                       if province else None)
    except ValueError as error:
        raise InputError(str(error).splitlines()) from None
    print(render(result, province, sensitivity, method_only))
    return 0


ASSUMPTION_LABELS = {
    "weights": "Trọng số (±25%)",
    "normalisation": "Chuẩn hóa (min-max / z-score)",
    "aggregation": "Tổng hợp (trung bình cộng / nhân)",
    "treatment": "Xử lý ngoại lai (có / không)",
    "imputation": "Ước tính số liệu thiếu",
    "exclusion": "Bỏ một chỉ số",
    "placement": "Chuyển một chỉ số tạm xếp sang trụ cột con khác",
}


def _with_interval(estimate: float, low: float, high: float) -> str:
    return f"{format_number(estimate, 2)} ({format_number(low, 2)} đến {format_number(high, 2)})"


def render(result, province: str | None, sensitivity, method_only=None) -> str:
    stats = result.rank_stats.sort_values("nominal_rank", kind="stable")
    varied = ", ".join(ASSUMPTION_LABELS.get(a, a).lower() for a in result.assumptions.varying())
    lines = [f"Phân tích bất định (như get_sensitivity của COINr): {format_number(len(result.ranks))} lần "
             f"tính lại PII; {result.n_failed} lần không tính được (trung bình nhân gặp giá trị ≤ 0).",
             f"Các giả định thay đổi: {varied}."]
    if province is not None:
        row = stats.set_index("uCode").loc[province]
        lines.append(
            f"{row['uName']}: hạng danh nghĩa {row['nominal_rank']:g}, hạng trung vị {row['median_rank']:g}, "
            f"khoảng 5%–95%: {row['q05']:g}–{row['q95']:g}."
        )
        if method_only is not None:
            own = method_only.rank_stats.set_index("uCode").loc[province]
            lines.append(f"Nếu giữ nguyên khung chỉ số (chỉ thay đổi phương pháp tính): hạng trung vị "
                         f"{own['median_rank']:g}, khoảng 5%–95%: {own['q05']:g}–{own['q95']:g}.")
    table = stats.assign(interval=[f"{a:g}–{b:g}" for a, b in zip(stats["q05"], stats["q95"])])
    table = table[["nominal_rank", "uName", "median_rank", "interval"]]
    table.columns = ["Hạng", "Địa phương", "Hạng trung vị", "Hạng (5%–95%)"]
    lines += ["", table.to_markdown(index=False, floatfmt="g")]
    if sensitivity is not None:
        level = format_number(100 * sensitivity.attrs["ci_level"], 0)
        shown = pd.DataFrame({
            "Giả định": sensitivity["assumption"].map(lambda a: ASSUMPTION_LABELS.get(a, a)),
            f"Chỉ số bậc 1 S_i (khoảng {level}%)": [
                _with_interval(*values) for values in
                sensitivity[["first_order", "first_order_ci_low", "first_order_ci_high"]].to_numpy()],
            f"Chỉ số toàn phần S_Ti (khoảng {level}%)": [
                _with_interval(*values) for values in
                sensitivity[["total", "total_ci_low", "total_ci_high"]].to_numpy()],
        })
        name = stats.set_index("uCode").at[province, "uName"]
        lines += ["", f"Giả định nào làm hạng của {name} thay đổi nhiều nhất "
                      f"({format_number(sensitivity.attrs['runs'])} lần tính):",
                  shown.to_markdown(index=False),
                  "S_i: phần phương sai của hạng do riêng giả định đó; S_Ti: kể cả tương tác với các giả định "
                  "khác. Đây là ước lượng Monte Carlo: khoảng trong ngoặc (bootstrap, "
                  f"{format_number(sensitivity.attrs['n_boot'])} lần lấy mẫu lại) cho biết sai số của nó; "
                  "hai giả định có khoảng chồng lên nhau thì chưa phân biệt được giả định nào quan trọng hơn. "
                  "Giá trị thật nằm trong khoảng 0–1; ước lượng âm hoặc lớn hơn 1 là do sai số Monte Carlo "
                  "(tăng --replications để thu hẹp)."]
    return "\n".join(lines)
