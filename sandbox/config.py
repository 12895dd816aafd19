"""Tunable parameters: one declaration each (unit, default, range, live or rebuild).

Sliders, TOML validation and `--help` text are all generated from these
declarations, so a parameter is described in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping


class ConfigError(ValueError):
    """A user mistake in a data file or on the command line; the message names the culprit."""


@dataclass(frozen=True)
class Param:
    """One tunable number: `live` ones apply on the next step, the others need a rebuild."""

    name: str
    default: float
    lo: float
    hi: float
    unit: str = ""
    doc: str = ""
    live: bool = True
    integer: bool = False
    group: str = ""  # for sliders and --help: parameters listed together under this heading

    def check(self, value: Any, where: str = "") -> float:
        """`value` as a float (or int) within range, else a ConfigError naming `where`."""
        prefix = f"{where}: " if where else ""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{prefix}{self.name} = {value!r} is not a number "
                              f"(allowed: {self.describe_range()})")
        if self.integer and int(value) != value:
            raise ConfigError(f"{prefix}{self.name} = {value!r} must be a whole number "
                              f"(allowed: {self.describe_range()})")
        if not (self.lo <= value <= self.hi):
            raise ConfigError(f"{prefix}{self.name} = {value!r} is out of range "
                              f"(allowed: {self.describe_range()})")
        return int(value) if self.integer else float(value)

    def describe_range(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.lo:g} to {self.hi:g}{unit}"


class ParamSet:
    """Values for a fixed set of declared parameters, checked on every assignment."""

    def __init__(self, params: Iterable[Param], values: Mapping[str, Any] | None = None,
                 where: str = ""):
        self.decl = {p.name: p for p in params}
        self.values = {p.name: (int(p.default) if p.integer else float(p.default))
                       for p in self.decl.values()}
        self.version = 0   # counts changes of value, so a cache can tell it is stale
        if values:
            self.update(values, where)

    def update(self, values: Mapping[str, Any], where: str = "") -> None:
        prefix = f"{where}: " if where else ""
        for key, value in values.items():
            if key not in self.decl:
                allowed = ", ".join(sorted(self.decl))
                raise ConfigError(f"{prefix}unknown parameter {key!r} (known: {allowed})")
            value = self.decl[key].check(value, where)
            if value != self.values[key]:
                self.values[key] = value
                self.version += 1

    def __getitem__(self, key: str) -> float:
        return self.values[key]

    def __getattr__(self, key: str) -> float:
        try:
            return self.__dict__["values"][key]
        except KeyError:
            raise AttributeError(key) from None
