"""`pii outlook`: the probability of the national top 10 and of leading the region next edition."""

from __future__ import annotations

from pathlib import Path

from piilib.cli import InputError

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
            "following the trends and if the recommended targets (pii targets) are met. Without "
            "--data it uses the bundled illustrative dataset (data/demo)."
        ),
    )
    parser.add_argument("--edition", type=int, required=True, help="base PII edition, e.g. 2024")
    parser.add_argument("--province", required=True, help="province name in any spelling, e.g. 'Cần Thơ'")
    parser.add_argument("--draws", type=int, default=DEFAULT_DRAWS,
                        help=f"number of Monte Carlo draws (default {DEFAULT_DRAWS:,})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed, for reproducible figures (default {DEFAULT_SEED})")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, help=f"national top k (default {DEFAULT_TOP})")
    parser.add_argument("--data", type=Path,
                        help="official values file (CSV or .xlsx), or a directory laid out like data/demo")
    parser.add_argument("--history", type=Path,
                        help="history CSV (year, unit, indicator, value, provenance) for the projections")
    parser.add_argument("--covariates", type=Path,
                        help="covariates CSV (year, unit, covariate, value, provenance) for the targets")
    parser.add_argument("--no-targets", action="store_true",
                        help="skip the scenario in which the recommended targets are met")
    parser.set_defaults(func=run)


def run(args) -> int:
    from piilib.analysis.outlook import outlook, recommended_target_values
    from piilib.analysis.targets import inputs_from_path, target_table
    from piilib.framework import available_editions
    from piilib.units import UnitNameError, load_units, resolve_unit

    if args.edition not in available_editions():
        raise InputError(f"--edition {args.edition}: no framework for this edition; "
                         f"expected one of {available_editions()}")
    problems = []
    if args.draws < 1:
        problems.append(f"--draws {args.draws}: expected a whole number >= 1")
    if args.top < 1:
        problems.append(f"--top {args.top}: expected a whole number >= 1")
    for option in ("data", "history", "covariates"):
        path = getattr(args, option)
        if path is not None and not path.exists():
            problems.append(f"--{option} {path}: no such file or directory")
    if problems:
        raise InputError(problems)
    try:
        province = resolve_unit(args.province, args.edition)
    except UnitNameError as error:
        raise InputError(f"--province: {error}") from None

    try:
        values, history, covariates = inputs_from_path(args.edition, args.data, args.history, args.covariates)
        if history is None:
            raise ValueError("no history: the outlook projects every province's trend; give --history "
                             "or a --data directory with history.csv")
        targets = None
        if not args.no_targets:
            targets = recommended_target_values(target_table(values, args.edition, province, history, covariates))
        result = outlook(values, history, args.edition, province, draws=args.draws, seed=args.seed,
                         targets=targets, top=args.top)
    except ValueError as error:
        raise InputError(str(error).splitlines()) from None

    illustrative = "provenance" in values.columns and (values["provenance"] == "illustrative").any()
    print(render(result, load_units(args.edition), illustrative))
    return 0


def render(result, units, illustrative: bool = False) -> str:
    """The outlook as a short text: the base position, then one row per scenario."""
    names = units.set_index("unit")
    name = names.at[result.province, "name_vi"]
    region_name = names.at[result.province, "region_name_vi"]
    lead = "dẫn đầu" if result.base_region_leader else "không dẫn đầu"
    lines = [
        f"{name} — PII {result.edition}: hạng {result.base_rank}/{result.n_units}, {lead} vùng {region_name} "
        f"({result.n_region} địa phương).",
        f"Triển vọng PII {result.next_edition}: {result.draws:,} lần mô phỏng (seed {result.seed}), "
        "mỗi lần tính lại toàn bộ chỉ số từ dự báo xu hướng của mọi địa phương.",
        "",
    ]
    table = result.summary.assign(
        top=lambda t: [f"{p:.1%} ± {se:.1%}" for p, se in zip(t["p_top"], t["se_top"])],
        region=lambda t: [f"{p:.1%} ± {se:.1%}" for p, se in zip(t["p_region_lead"], t["se_region_lead"])],
        median=lambda t: t["median_rank"].map(lambda r: f"{r:g}"),
        interval=lambda t: [f"{a:g}–{b:g}" for a, b in zip(t["rank_q05"], t["rank_q95"])],
    )[["label", "top", "region", "median", "interval"]]
    table.columns = ["Kịch bản", f"Xác suất top {result.top}", "Xác suất dẫn đầu vùng", "Hạng trung vị",
                     "Hạng (5%–95%)"]
    lines.append(table.to_markdown(index=False))
    if len(result.targets):
        shown = ", ".join(f"{code} → {value:g}" for code, value in result.targets.items())
        lines += ["", f"Mục tiêu đề xuất áp dụng (giá trị thô, ít nhất bằng mục tiêu): {shown}."]
    lines += ["", "Sai số chuẩn Monte Carlo: √(p(1 − p)/số lần mô phỏng)."]
    if illustrative:
        lines.append("Lưu ý: tính trên số liệu minh họa, không phải số liệu chính thức.")
    return "\n".join(lines)
