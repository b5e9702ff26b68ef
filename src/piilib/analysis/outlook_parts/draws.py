"""The sampler: predictive distributions on the base map's grid, correlated Student-t draws."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from piilib import schema
from piilib.analysis.trend import IDENTITY, Predictive, _inverse_transform_inplace
from piilib.analysis.outlook_parts.constants import MAX_EXPONENTIAL_SUM


# --------------------------------------------------------------------------- the sampler


@dataclass(frozen=True)
class ProjectionGrid:
    """Predictive distributions laid out on the (units, indicators) grid of the base edition.

    Series without a fit have the base value as location and zero scale. Draws are censored
    at `lower_bounds` / `upper_bounds` (per indicator).
    """

    units: tuple[str, ...]
    indicators: tuple[str, ...]
    predictive: Predictive  # len = units × indicators, row-major (unit, indicator)
    lower_bounds: np.ndarray  # (indicators,)
    n_without_fit: int
    upper_bounds: np.ndarray | None = None  # (indicators,); None: no upper bound

    @classmethod
    def build(cls, projections: pd.DataFrame, base: pd.DataFrame,
              lower_bounds: Mapping[str, float] | None = None,
              upper_bounds: Mapping[str, float] | None = None,
              borrow_spread: bool = True) -> "ProjectionGrid":
        """projections: columns unit, indicator, loc, scale, df, transform (`project_all`);
        base: raw values, index = units, columns = indicators (the base edition).
        borrow_spread: series without a fit get the indicator's typical spread (see the code);
        False keeps them at the base value (zero spread)."""
        units = tuple(str(u) for u in base.index)
        indicators = tuple(str(c) for c in base.columns)
        shape = (len(units), len(indicators))
        grid = {name: np.full(shape, np.nan) for name in ("loc", "scale", "df")}
        transform = np.full(shape, IDENTITY, dtype=object)
        row_of = {u: i for i, u in enumerate(units)}
        column_of = {c: j for j, c in enumerate(indicators)}
        fitted = projections.dropna(subset=["loc", "scale"])
        fitted = fitted[fitted[schema.UNIT].isin(row_of) & fitted[schema.INDICATOR].astype(str).isin(column_of)]
        rows = fitted[schema.UNIT].map(row_of).to_numpy(dtype=int)
        columns = fitted[schema.INDICATOR].astype(str).map(column_of).to_numpy(dtype=int)
        for name in grid:
            grid[name][rows, columns] = fitted[name].to_numpy(dtype=float)
        transform[rows, columns] = fitted["transform"].to_numpy(dtype=object)
        without = np.isnan(grid["loc"])
        base_values = base.to_numpy(dtype=float)
        grid["loc"][without] = base_values[without]
        grid["scale"][without] = 0.0
        grid["df"][without] = np.inf
        transform[without] = IDENTITY
        if borrow_spread and without.any():
            # A series too short for a trend is not certain: it keeps its base value as centre
            # and borrows the typical spread of the indicator's fitted series (their median
            # predictive sd in the indicator's unit; sd × median for a log-linear series) and
            # their median df.
            with np.errstate(invalid="ignore"):
                raw_scale = np.where(transform == IDENTITY, grid["scale"], grid["scale"] * np.exp(grid["loc"]))
            for j in np.flatnonzero(without.any(axis=0)):
                donors = ~without[:, j] & (grid["scale"][:, j] > 0)
                if donors.any():
                    rows_without = without[:, j]
                    grid["scale"][rows_without, j] = np.median(raw_scale[donors, j])
                    grid["df"][rows_without, j] = np.median(grid["df"][donors, j])
        lower = np.full(len(indicators), -np.inf)
        upper = np.full(len(indicators), np.inf)
        for bound, given in ((lower, lower_bounds), (upper, upper_bounds)):
            for code, value in (given or {}).items():
                if code in column_of:
                    bound[column_of[code]] = float(value)
        predictive = Predictive(grid["loc"].ravel(), grid["scale"].ravel(), grid["df"].ravel(), transform.ravel())
        return cls(units, indicators, predictive, lower, int(without.sum()), upper)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.units), len(self.indicators)

    def censor(self, values: np.ndarray) -> np.ndarray:
        """Values (..., units, indicators) set to the bounds where beyond them (in place)."""
        np.maximum(values, self.lower_bounds, out=values)
        if self.upper_bounds is not None:
            np.minimum(values, self.upper_bounds, out=values)
        return values

    def standard(self, draws: int, rng: np.random.Generator, province_correlation: float | Sequence[float] = 0.0,
                 indicator_correlation: float = 0.0, directions: np.ndarray | None = None):
        """Standardised t variates (draws, units × indicators) with the common factors of the
        module docstring. With a sequence of province correlations, a list of arrays on the
        same underlying normals (common random numbers). Drawn in single precision (the
        values are then computed in double): twice as fast, and 1e-7 relative is far below
        Monte Carlo error."""
        n_units, n_indicators = self.shape
        independent = standard_normal_float32((draws, n_units * n_indicators), rng)
        province_factor = rng.standard_normal((draws, n_units, 1), dtype=np.float32)
        indicator_factor = rng.standard_normal((draws, 1, n_indicators), dtype=np.float32)
        chi = _chi_over_df(self.predictive.df, draws, rng)
        directions = np.ones(n_indicators, dtype=np.float32) if directions is None \
            else np.asarray(directions, dtype=np.float32)
        several = np.ndim(province_correlation) > 0
        out = []
        for rho in np.atleast_1d(province_correlation):
            rho = float(rho)
            _check_correlations(rho, indicator_correlation)
            if rho == 0 and indicator_correlation == 0:
                normal = independent / chi
            else:
                normal = independent.reshape(draws, n_units, n_indicators) * np.float32(
                    np.sqrt(1 - rho - indicator_correlation))
                if rho:
                    normal += np.float32(np.sqrt(rho)) * province_factor * directions
                if indicator_correlation:
                    normal += np.float32(np.sqrt(indicator_correlation)) * indicator_factor
                normal = normal.reshape(draws, -1)
                normal /= chi
            out.append(normal)
        return out if several else out[0]

    def values(self, standard: np.ndarray, shift: np.ndarray | None = None) -> np.ndarray:
        """(draws, units, indicators) raw values back_transform(loc + scale · (T + shift)),
        censored; `shift` (units × indicators,) in standard deviations of each predictive."""
        location = self.predictive.loc if shift is None else self.predictive.loc + self.predictive.scale * shift
        values = standard.astype(np.float64)  # computed in place from here
        values *= self.predictive.scale
        values += location
        values = _inverse_transform_inplace(values, self.predictive.transform)
        return self.censor(values.reshape((standard.shape[0],) + self.shape))

    def sample(self, draws: int, rng: np.random.Generator, province_correlation: float = 0.0,
               indicator_correlation: float = 0.0, directions: np.ndarray | None = None) -> np.ndarray:
        """(draws, units, indicators) raw values: back_transform(loc + scale · T), censored."""
        return self.values(self.standard(draws, rng, province_correlation, indicator_correlation, directions))


def _check_correlations(province: float, indicator: float) -> None:
    if not (0 <= province < 1 and 0 <= indicator < 1 and province + indicator < 1):
        raise ValueError(f"correlations must be >= 0 with a sum below 1; got province {province}, "
                         f"indicator {indicator}")


def standard_normal_float32(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Standard normals in single precision by the Box–Muller transform: a pair of normals
    sqrt(−2 log U) (cos 2πV, sin 2πV) from two uniforms, exactly normal in law. About 2.5
    times as fast as NumPy's ziggurat for the outlook's tens of millions of variates (uniforms,
    a logarithm and a sine are vectorised; the ziggurat draws one value at a time). U is in
    double precision so that the tails reach 8.5 standard deviations (single precision would
    stop at 5.8, where the normal still has 1e-8 of its mass); the angle needs no more than
    single precision."""
    size = int(np.prod(shape))
    half = (size + 1) // 2
    radius = rng.random(half)
    np.negative(radius, out=radius)
    np.log1p(radius, out=radius)  # log U, U = 1 − uniform in (0, 1]
    radius *= -2.0
    np.sqrt(radius, out=radius)
    radius = radius.astype(np.float32)
    angle = rng.random(half, dtype=np.float32)
    angle *= np.float32(2 * np.pi)
    out = np.empty(2 * half, dtype=np.float32)
    np.cos(angle, out=out[:half])
    np.sin(angle, out=out[half:])
    out[:half] *= radius
    out[half:] *= radius
    return out[:size].reshape(shape)


def _chi_over_df(df: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, len(df)) sqrt(chi2_df / df) in single precision; 1 where df is infinite.

    The chi-square of an even df is 2 × a Gamma(df / 2) variate, drawn as −log of the product
    of df / 2 uniforms in (0, 1] (a sum of df / 2 standard exponentials), about twice as fast
    as NumPy's exponential or gamma samplers (trend fits with n years have df = n − 2, mostly
    even); other dfs use the gamma sampler. The product is floored at the uniforms' resolution
    below 1 (2^-24): an exact 1, which would give an infinite t, has probability 2^-24 per factor.
    """
    finite = np.unique(df[np.isfinite(df)])
    out = None if len(finite) == 1 and np.isfinite(df).all() else np.ones((draws, len(df)), dtype=np.float32)
    for value in finite:
        columns = df == value
        shape = (draws, int(columns.sum()))
        half = value / 2
        if half == int(half) and half <= MAX_EXPONENTIAL_SUM:
            # In place (the same numbers as fresh arrays, without allocating one per factor).
            product = rng.random(shape, dtype=np.float32)
            np.subtract(np.float32(1), product, out=product)
            factor = np.empty(shape, dtype=np.float32) if half > 1 else None
            for _ in range(int(half) - 1):
                rng.random(dtype=np.float32, out=factor)
                np.subtract(np.float32(1), factor, out=factor)
                product *= factor
            np.minimum(product, np.float32(1 - 2.0 ** -24), out=product)
            gamma = np.log(product, out=product)
            gamma *= np.float32(-2.0 / value)
        else:
            gamma = rng.standard_gamma(half, shape, dtype=np.float32)
            gamma *= np.float32(2.0 / value)
        np.sqrt(gamma, out=gamma)
        if out is None:
            return gamma
        out[:, columns] = gamma
    return out


def standard_t(df: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, len(df)) Student-t variates, T = Z / sqrt(chi2_df / df); df = inf: normal."""
    standard = standard_normal_float32((draws, len(df)), rng).astype(np.float64)
    return standard / _chi_over_df(np.asarray(df, dtype=float), draws, rng)
