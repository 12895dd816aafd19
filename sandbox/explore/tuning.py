"""Live crowd tuning: the crowd parameters' declarations (`sandbox.crowd.PARAMS`) as
grouped controls, changes applied to the running crowd, reset to the preset, and the
current values saved as a new preset TOML that `load_preset` reads back.

A `live` parameter is read by the crowd on its next step. A rebuild parameter (the
flow-field costs) changes paths already travelled, so the session replays the part's
crowd from its start with the new value (`Session.set_param`)."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from sandbox import paths
from sandbox.config import ConfigError, Param
from sandbox.crowd import PARAMS, load_preset
from sandbox.crowd.params import check_params

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def groups() -> dict[str, list[Param]]:
    """The parameters by their declared group, in declaration order."""
    out: dict[str, list[Param]] = {}
    for p in PARAMS:
        out.setdefault(p.group or "other", []).append(p)
    return out


def preset_text(values: dict, description: str) -> str:
    """A crowd preset TOML: [meta] description, then every parameter in declaration
    order with its unit as a comment."""
    lines = ["# Crowd preset saved by hyosan explore. Keys: sandbox/crowd/params.py.", "",
             "[meta]", f"description = {_toml_string(description)}", "", "[params]"]
    for p in PARAMS:
        v = values[p.name]
        text = f"{p.name} = {int(v) if p.integer else repr(float(v))}"
        lines.append(f"{text:<32}# {p.unit}" if p.unit else text)
    return "\n".join(lines) + "\n"


def _toml_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Tuning:
    """The parameters of the crowd on screen. `bind(params, preset)` is called whenever
    the film reaches another part (each part has its own crowd and preset); the values
    first seen for a part are its preset's, which `reset` restores."""

    def __init__(self, presets_dir: Path = paths.CROWD_PRESETS):
        self.presets_dir = Path(presets_dir)
        self.params = None
        self.preset = None
        self._baseline: dict[int, dict] = {}

    def bind(self, params, preset: str | None) -> None:
        self.params, self.preset = params, preset
        if params is not None:
            self._baseline.setdefault(id(params), dict(params.values))

    def value(self, name: str) -> float:
        return self.params[name]

    def set(self, name: str, value: float) -> bool:
        """Set one parameter (ConfigError if out of its range or it breaks an ordered
        pair, the old value kept); True if it is a rebuild parameter."""
        if self.params is None:
            raise ConfigError("this part of the film has no crowd to tune")
        decl = self.params.decl[name]
        old = self.params[name]
        value = round(value) if decl.integer else value
        self.params.update({name: value}, where="tuning")
        try:
            check_params(self.params, "tuning")
        except ConfigError:
            self.params.update({name: old})
            raise
        return not decl.live

    def reset(self) -> list[str]:
        """Back to the preset's values; the names of the rebuild parameters that changed."""
        if self.params is None:
            return []
        base = self._baseline[id(self.params)]
        changed = [n for n, v in base.items() if self.params[n] != v and not self.params.decl[n].live]
        self.params.update(base)
        return changed

    def default_name(self) -> str:
        return f"{self.preset or 'crowd'}_tuned"

    def save(self, name: str | None = None) -> Path:
        """Write the current values to `presets_dir/NAME.toml` (default: the preset's
        name + "_tuned"), overwriting an earlier save but never a read-only file, and
        read it back with the preset loader. ConfigError saying why when it cannot."""
        if self.params is None:
            raise ConfigError("this part of the film has no crowd to save")
        name = name or self.default_name()
        if not NAME.fullmatch(name):
            raise ConfigError(f"preset name {name!r}: use lower-case letters, digits, _ and -")
        path = self.presets_dir / f"{name}.toml"
        if path.exists() and not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise ConfigError(f"{path} is read-only: preset not saved (pick another name "
                              f"or make it writable)")
        text = preset_text(self.params.values, f"{self.preset or 'crowd'} as tuned in the explorer")
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror or exc}; preset not saved") from None
        load_preset(path)   # what was written must read back
        return path
