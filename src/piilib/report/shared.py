"""The edition's heavy results, computed once per build and shared by the chapters.

Several chapters need the same costly results: the index of the edition (and of the earlier
editions on its map), the targets of every plan indicator, the outlook for the next edition,
the uncertainty analysis of the ranks. `pii build` computes them once, while the first kernels
start, and writes them as a pickle into its build directory, named by a key of the edition,
the province, the data's and the library's fingerprints (`results_key`); the chapter kernels
find the file through the environment variable `PIILIB_SHARED_RESULTS`. The outlook's variants
(`OutlookVariants`: the correlation sweep, the cheapest path to the goals), slower and read by
the overview only, follow in a second file (`variants_path`), so the other chapters do not wait
for them. Both files stay in the build's cache (`prune_results`): a build whose data and library
are unchanged (a notebook edited) computes none of them.

A notebook (or the library code it calls) asks with `shared_results(edition, province,
data_path)`: it gets the build's results when the build provides them for these very
arguments, and otherwise (a notebook opened in Jupyter, nbval re-running a chapter) computes
them in the kernel, once per process. Either way the numbers are the same: the build computes
them with the same functions, and pickling keeps every float.

    from piilib.report.shared import shared_results
    results = shared_results(edition, province, data_path)
    results.edition_result(2023)      # PII 2023 on the edition's map
    results.targets                   # targets of every plan indicator
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from piilib.paths import project_path

ENV_VAR = "PIILIB_SHARED_RESULTS"
# Bump when SharedResults or OutlookVariants change, so results pickled by an older library
# are not used.
FORMAT = 2
PENDING_SUFFIX = ".pending"
VARIANTS_SUFFIX = ".variants"
WAIT_SECONDS = 900
POLL_SECONDS = 0.1


@dataclass
class SharedResults:
    """Heavy results of one edition for one province and one data path.

    editions: (edition, map edition) -> `piilib.report.editions.EditionResult`: every edition
    of the data up to `edition` on its map and, after the merger, on its own map.
    targets: `piilib.analysis.targets.bundle_targets` for every plan indicator.
    outlook: `piilib.report.goals.province_outlook` (None without a history).
    robustness: reserved for the uncertainty analysis of `edition` (not shared yet: one
    chapter uses it).
    """

    edition: int
    province: str
    data_path: str
    editions: dict[tuple[int, int], object] = field(default_factory=dict)
    targets: pd.DataFrame | None = None
    outlook: object | None = None
    robustness: object | None = None

    def edition_result(self, edition: int, map_edition: int | None = None):
        """The index of `edition` on the map of `map_edition` (default: the report's edition)."""
        key = (int(edition), int(self.edition if map_edition is None else map_edition))
        if key not in self.editions:
            raise KeyError(f"no shared result for PII {key[0]} on the map of {key[1]}; "
                           f"shared: {sorted(self.editions)}")
        return self.editions[key]

    def matches(self, edition, province: str, data_path) -> bool:
        return (self.edition == int(edition) and self.province == province
                and self.data_path == str(project_path(data_path).resolve()))


@dataclass
class OutlookVariants:
    """The outlook's heavy variants for the SharedResults of the same build.

    sweep: `piilib.report.goals.correlation_sweep`; path: `piilib.report.goals.goal_path`.
    """

    sweep: pd.DataFrame
    path: object | None


def results_key(edition, province: str, inputs: str) -> str:
    """The file name stem of the shared results: edition, province and `inputs`, the
    fingerprint of the data and the library (`piilib.report.data.fingerprint_paths`)."""
    payload = json.dumps({"format": FORMAT, "edition": int(edition), "province": province,
                          "inputs": inputs}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def edition_pairs(bundle, edition: int) -> list[tuple[int, int]]:
    """(edition, map edition) of the indexes the chapters show: every edition up to `edition`
    on its map and, for an edition after the merger, each earlier-map edition on its own map."""
    from piilib.units import era

    pairs = [(other, edition) for other in bundle.editions(edition)]
    pairs += [(other, other) for other in bundle.editions(edition) if era(other) != era(edition)]
    return pairs


def compute_results(edition, province: str, data_path) -> SharedResults:
    """Compute every shared result (the slow path: seconds)."""
    from piilib.bundle import load_bundle
    from piilib.report import editions, goals

    edition = int(edition)
    path = project_path(data_path).resolve()
    bundle = load_bundle(path, edition)
    results = SharedResults(edition, province, str(path))
    for other, map_edition in edition_pairs(bundle, edition):
        results.editions[(other, map_edition)] = editions._edition_result(bundle, other, map_edition)
    results.targets = goals._cached_targets(bundle, edition, province, None)
    results.outlook = goals._cached_outlook(bundle, edition, province)
    return results


def compute_variants(edition, province: str, data_path) -> OutlookVariants:
    """Compute the outlook's variants (the slow path: seconds; the outlook itself is taken from
    the per-process cache `compute_results` filled)."""
    from piilib.bundle import load_bundle
    from piilib.report import goals

    edition = int(edition)
    bundle = load_bundle(project_path(data_path).resolve(), edition)
    return OutlookVariants(goals._cached_sweep(bundle, edition, province),
                           goals._cached_path(bundle, edition, province))


def write_results(results: SharedResults | OutlookVariants, path: Path) -> None:
    """Pickle `results` into `path` atomically (readers never see half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    with open(partial, "wb") as handle:
        pickle.dump(results, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def prepare_results(edition, province: str, data_path, path: Path) -> bool:
    """Compute the shared results into `path`, then the outlook's variants into
    `variants_path(path)` (the build's step beside the chapters); a file `<file>.pending`
    tells kernels to wait for each meanwhile. False when computing failed: then the chapters
    compute what they need themselves and report any error as theirs."""
    path = Path(path)
    try:
        write_results(compute_results(edition, province, data_path), path)
        pending_marker(path).unlink(missing_ok=True)
        write_results(compute_variants(edition, province, data_path), variants_path(path))
        return True
    except Exception:  # noqa: BLE001 - the chapter that needs the result will name the error
        return False
    finally:
        clear_pending(path)


def variants_path(path: Path) -> Path:
    """The file of the outlook's variants that goes with the shared results in `path`."""
    path = Path(path)
    return path.with_name(path.stem + VARIANTS_SUFFIX + path.suffix)


def pending_marker(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + PENDING_SUFFIX)


def mark_pending(path: Path) -> None:
    """Tell kernels that the results in `path` and their variants are being computed."""
    for target in (Path(path), variants_path(path)):
        marker = pending_marker(target)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()))


def clear_pending(path: Path) -> None:
    for target in (Path(path), variants_path(path)):
        pending_marker(target).unlink(missing_ok=True)


_FROM_BUILD: dict[str, SharedResults | OutlookVariants | None] = {}


def _read_from_build(path: Path, kind: type):
    """The `kind` object pickled in `path`, waiting while the build still computes it; None
    when there is none (computing failed). Read once per process."""
    key = str(path)
    if key not in _FROM_BUILD:
        deadline = time.monotonic() + WAIT_SECONDS
        while not path.is_file() and pending_marker(path).exists() and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        found = None
        if path.is_file():
            with open(path, "rb") as handle:
                found = pickle.load(handle)
        _FROM_BUILD[key] = found if isinstance(found, kind) else None
    return _FROM_BUILD[key]


def build_results() -> SharedResults | None:
    """The results the build wrote for this kernel (`PIILIB_SHARED_RESULTS`), waiting while
    the build still computes them; None outside a build or when computing failed."""
    location = os.environ.get(ENV_VAR)
    return _read_from_build(Path(location), SharedResults) if location else None


def build_variants_for(bundle, edition, province: str) -> OutlookVariants | None:
    """The outlook's variants the build computed for `bundle`'s data, report `edition` and
    `province` (waiting while it computes them); None otherwise."""
    if build_results_for(bundle, edition, province) is None:
        return None
    return _read_from_build(variants_path(os.environ[ENV_VAR]), OutlookVariants)


def build_results_for(bundle, edition, province: str | None = None) -> SharedResults | None:
    """The build's results when they were computed for `bundle`'s data, report `edition`
    (and `province`, when given); None otherwise. Lets the library's cached functions use
    them instead of computing."""
    results = build_results()
    if (results is None or results.edition != int(edition)
            or results.data_path != str(Path(bundle.path).resolve())
            or province not in (None, results.province)):
        return None
    return results


def shared_edition_result(bundle, edition: int, map_edition: int):
    """The build's index of `edition` on the map of `map_edition` for `bundle`, or None."""
    results = build_results()
    if results is None or results.data_path != str(Path(bundle.path).resolve()):
        return None
    return results.editions.get((int(edition), int(map_edition)))


_IN_PROCESS: dict[tuple, SharedResults] = {}


def shared_results(edition, province: str, data_path) -> SharedResults:
    """The edition's heavy results: the build's when it provides them for these arguments,
    computed here otherwise (once per process)."""
    results = build_results()
    if results is not None and results.matches(edition, province, data_path):
        return results
    key = (int(edition), province, str(project_path(data_path).resolve()))
    if key not in _IN_PROCESS:
        _IN_PROCESS[key] = compute_results(edition, province, data_path)
    return _IN_PROCESS[key]


def prune_results(directory: Path, used: Path, keep: int) -> None:
    """Keep the results of the `keep` most recently used keys in `directory` (the results and
    their variants; `used` counts as just used), remove the others."""
    directory = Path(directory)
    for path in (Path(used), variants_path(used)):
        if path.is_file():
            os.utime(path)
    newest: dict[str, float] = {}
    for path in directory.glob("*.pickle"):
        key = path.name.split(".")[0]
        newest[key] = max(newest.get(key, 0.0), path.stat().st_mtime)
    kept = set(sorted(newest, key=newest.get, reverse=True)[:keep])
    for path in directory.glob("*.pickle"):
        if path.name.split(".")[0] not in kept:
            path.unlink(missing_ok=True)
