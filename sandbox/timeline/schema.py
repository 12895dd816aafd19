"""Declarations of the scene file format: one source for reading, checking and the JSON Schema.

Every key a scene file may hold is declared once here as a `Field` (kind, range,
unit, default, doc). `Decl.read` validates a TOML table against its fields and
`Decl.json` writes the same declaration as JSON Schema, so the schema printed by
`hyosan scenes schema` cannot drift from what the loader accepts. Errors name
the file, the line (found by scanning the source, since tomllib gives none for
values), the key path, the bad value and what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from sandbox.config import ConfigError

REQUIRED = object()
PLACE_HELP = "[x, y, z] metres, an anchor name, or { anchor = NAME, offset = [dx, dy, dz] }"
TARGET_RE = r"^(horde:centroid|horde:front|agent:[0-9]+|[a-z][a-z0-9_]*)$"


@dataclass(frozen=True)
class Place:
    """A point given as coordinates, or as a named anchor plus an offset (metres).

    `where` is the file, line and key path it came from, for errors found later
    (an unknown anchor is only known once the world's table is passed in)."""

    anchor: str | None = None
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)
    where: str = field(default="", compare=False)

    def resolve(self, anchors: Mapping[str, Any]):
        import numpy as np
        base = np.zeros(3) if self.anchor is None else np.asarray(anchors[self.anchor], float)
        return base + np.asarray(self.offset, float)


@dataclass(frozen=True)
class Field:
    """One key. kind: number | integer | string | bool | fraction (bool or 0..1) | place |
    places (list of places, at least `lo` or 2) | numbers (list of numbers >= 0) | vec3 | choice | target | table | tables | dict | strings."""

    name: str
    kind: str
    doc: str
    default: Any = REQUIRED
    lo: float | None = None
    hi: float | None = None
    unit: str = ""
    choices: tuple[str, ...] = ()
    sub: "Decl | None" = None
    open_hi: bool = False   # hi is excluded

    def allowed(self) -> str:
        if self.kind in ("number", "integer"):
            rng = ""
            if self.lo is not None and self.hi is not None:
                rng = f" from {self.lo:g} to {'below ' if self.open_hi else ''}{self.hi:g}"
            elif self.lo is not None:
                rng = f" >= {self.lo:g}"
            what = "a whole number" if self.kind == "integer" else "a number"
            return f"{what}{rng}{' ' + self.unit if self.unit else ''}"
        return {
            "string": "a string", "bool": "true or false",
            "fraction": "true, false or a number from 0 to 1",
            "place": PLACE_HELP,
            "places": f"a list of {int(self.lo or 2)} or more places ({PLACE_HELP})",
            "numbers": f"a list of numbers >= 0{' ' + self.unit if self.unit else ''}",
            "vec3": "three numbers [x, y, z] in metres",
            "choice": " or ".join(self.choices),
            "target": "a character name, horde:centroid, horde:front or agent:ID",
            "table": "a table", "tables": "an array of tables", "dict": "a table",
            "strings": "a list of strings",
        }[self.kind]

    def json(self) -> dict:
        num = {"number": "number", "integer": "integer"}
        place = {"oneOf": [
            {"type": "string", "description": "anchor name"},
            _vec3_json(),
            {"type": "object", "additionalProperties": False, "required": ["anchor"],
             "properties": {"anchor": {"type": "string"}, "offset": _vec3_json()}}]}
        if self.kind in num:
            out = {"type": num[self.kind]}
            if self.lo is not None:
                out["minimum"] = self.lo
            if self.hi is not None:
                out["exclusiveMaximum" if self.open_hi else "maximum"] = self.hi
        elif self.kind == "string":
            out = {"type": "string"}
        elif self.kind == "bool":
            out = {"type": "boolean"}
        elif self.kind == "fraction":
            out = {"oneOf": [{"type": "boolean"}, {"type": "number", "minimum": 0, "maximum": 1}]}
        elif self.kind == "place":
            out = place
        elif self.kind == "places":
            out = {"type": "array", "minItems": int(self.lo or 2), "items": place}
        elif self.kind == "numbers":
            out = {"type": "array", "items": {"type": "number", "minimum": 0}}
        elif self.kind == "vec3":
            out = _vec3_json()
        elif self.kind == "choice":
            out = {"type": "string", "enum": list(self.choices)}
        elif self.kind == "target":
            out = {"type": "string", "pattern": TARGET_RE}
        elif self.kind == "table":
            out = self.sub.json()
        elif self.kind == "tables":
            out = {"type": "array", "items": self.sub.json()}
        elif self.kind == "dict":
            out = {"type": "object"}
        else:  # strings
            out = {"type": "array", "items": {"type": "string"}}
        doc = self.doc + (f" ({self.unit})" if self.unit and self.kind not in num else "")
        out["description"] = doc
        if self.default is not REQUIRED and self.default is not None and self.kind in (
                "number", "integer", "string", "bool", "choice"):
            out["default"] = self.default
        return out


def _vec3_json() -> dict:
    return {"type": "array", "minItems": 3, "maxItems": 3, "items": {"type": "number"}}


@dataclass(frozen=True)
class Decl:
    """A table's keys. `key`/`variants`: a tagged union (e.g. events by `type`): the
    table holds `key = NAME` and then the keys of `variants[NAME]` besides `fields`."""

    fields: tuple[Field, ...]
    doc: str = ""
    key: str | None = None
    variants: Mapping[str, "Decl"] | None = None

    def read(self, t: "Reader", extra: tuple[str, ...] = ()) -> dict:
        """The table's values, checked and converted, defaults filled in (None when optional).
        `extra`: keys an enclosing union already read."""
        fields = list(self.fields)
        out = {}
        if self.key is not None:
            tag = t.get(Field(self.key, "choice", "", choices=tuple(self.variants)))
            out[self.key] = tag
            variant = self.variants[tag]
            fields = [f for f in fields if f.name != self.key] + list(variant.fields)
            if variant.key is not None:   # a union inside a union (actions inside events)
                inner = Decl(tuple(fields), key=variant.key, variants=variant.variants)
                return {**out, **inner.read(t, extra + (self.key,))}
        t.only(*(f.name for f in fields), *extra, *([self.key] if self.key else []))
        for f in fields:
            out[f.name] = t.get(f)
        return out

    def json(self) -> dict:
        props = {f.name: f.json() for f in self.fields}
        required = [f.name for f in self.fields if f.default is REQUIRED]
        if self.key is None:
            out = {"type": "object", "additionalProperties": False, "properties": props}
            if required:
                out["required"] = required
        else:
            options = []
            for tag, variant in self.variants.items():
                merged = Decl(tuple(f for f in self.fields if f.name != self.key) + variant.fields,
                              key=variant.key, variants=variant.variants).json()
                for o in merged.get("oneOf", [merged]):
                    o = dict(o)
                    o["properties"] = {self.key: {"const": tag, "description": variant.doc},
                                       **o["properties"]}
                    o["required"] = [self.key] + o.get("required", [])
                    options.append(o)
            out = {"oneOf": options}
        if self.doc:
            out["description"] = self.doc
        return out


_UNIT_RE = re.compile(r"^\s*-?\d+(\.\d+)?\s*[a-zA-Z/°%]+\s*$")


class Reader:
    """A TOML table being read: every lookup knows its file, source and key path."""

    def __init__(self, data: Mapping[str, Any], file: Path, source: str, path: str = ""):
        self.data, self.file, self.source, self.path = data, file, source, path

    def where(self, key: str = "") -> str:
        full = ".".join(p for p in (self.path, key) if p).replace(".[", "[")
        line = line_of(self.source, full)
        return f"{self.file}:{line}: {full}" if line else f"{self.file}: {full}"

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.where(key)}: {message}")

    def child(self, data: Mapping[str, Any], key: str) -> "Reader":
        path = ".".join(p for p in (self.path, key) if p).replace(".[", "[")
        return Reader(data, self.file, self.source, path)

    def only(self, *known: str) -> None:
        for key in self.data:
            if key not in known:
                raise self.error(key, f"unknown key (known here: {', '.join(known)})")

    def get(self, f: Field) -> Any:
        if f.name not in self.data:
            if f.default is REQUIRED:
                raise self.error(f.name, f"missing (expected {f.allowed()})")
            return f.default
        return self.value(f, self.data[f.name], f.name)

    def value(self, f: Field, v: Any, key: str) -> Any:
        bad = lambda extra="": self.error(key, f"{v!r} is not allowed (expected {f.allowed()}){extra}")
        is_num = isinstance(v, (int, float)) and not isinstance(v, bool)
        if f.kind in ("number", "integer"):
            if isinstance(v, str) and _UNIT_RE.match(v):
                raise bad(": write the number alone, without a unit")
            if not is_num or f.kind == "integer" and not isinstance(v, int):
                raise bad()
            hi_ok = f.hi is None or (v < f.hi if f.open_hi else v <= f.hi)
            if (f.lo is not None and v < f.lo) or not hi_ok:
                raise bad()
            return v if f.kind == "integer" else float(v)
        if f.kind == "string":
            if not isinstance(v, str):
                raise bad()
            return v
        if f.kind == "bool":
            if not isinstance(v, bool):
                raise bad()
            return v
        if f.kind == "fraction":
            if isinstance(v, bool):
                return 1.0 if v else 0.0
            if not is_num or not 0 <= v <= 1:
                raise bad()
            return float(v)
        if f.kind == "choice":
            if v not in f.choices:
                raise bad()
            return v
        if f.kind == "target":
            if not isinstance(v, str) or not re.match(TARGET_RE, v):
                raise bad()
            return v
        if f.kind == "vec3":
            if not (isinstance(v, list) and len(v) == 3 and all(
                    isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)):
                raise bad()
            return tuple(float(x) for x in v)
        if f.kind == "place":
            return self.place(v, key)
        if f.kind == "places":
            if not isinstance(v, list) or len(v) < int(f.lo or 2):
                raise bad()
            return tuple(self.place(p, f"{key}[{i}]") for i, p in enumerate(v))
        if f.kind in ("table", "dict"):
            if not isinstance(v, dict):
                raise bad()
            return v if f.kind == "dict" else f.sub.read(self.child(v, key))
        if f.kind == "tables":
            if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
                raise bad()
            return tuple(f.sub.read(self.child(x, f"{key}[{i}]")) for i, x in enumerate(v))
        if f.kind == "numbers":
            if not isinstance(v, list) or not all(isinstance(x, (int, float)) and not
                                                  isinstance(x, bool) and x >= 0 for x in v):
                raise bad()
            return tuple(float(x) for x in v)
        if f.kind == "strings":
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise bad()
            return tuple(v)
        raise AssertionError(f.kind)

    def place(self, v: Any, key: str) -> Place:
        where = self.where(key)
        if isinstance(v, str):
            return Place(anchor=v, where=where)
        off = Field(key, "vec3", "")
        if isinstance(v, list):
            return Place(offset=self.value(off, v, key), where=where)
        if isinstance(v, dict):
            sub = self.child(v, key)
            sub.only("anchor", "offset")
            anchor = sub.get(Field("anchor", "string", ""))
            offset = sub.get(Field("offset", "vec3", "", default=(0.0, 0.0, 0.0)))
            return Place(anchor=anchor, offset=offset, where=where)
        raise self.error(key, f"{v!r} is not a place (expected {PLACE_HELP})")


_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?")


def line_of(source: str, keypath: str) -> int | None:
    """1-based line of `keypath` (e.g. "shot[1].key[0].fov") in TOML `source`, or None.

    Tracks `[table]` and `[[array]]` headers with their running indices, takes the
    deepest header that is a prefix of the path, then the first `key =` line in
    that section (falling back to the header's own line)."""
    lines = source.splitlines()
    sections = {"": (1, len(lines))}
    counts: dict[str, int] = {}
    order: list[str] = [""]
    for n, line in enumerate(lines, 1):
        m = _HEADER_RE.match(line)
        if not m or line.lstrip().startswith("#"):
            continue
        parts = [p.strip().strip('"') for p in m[2].split(".")]
        path = ""
        for p in parts[:-1]:
            path = f"{path}.{p}".lstrip(".")
            if path in counts:
                path += f"[{counts[path] - 1}]"
        path = f"{path}.{parts[-1]}".lstrip(".")
        if m[1] == "[[":
            counts[path] = counts.get(path, 0) + 1
            path += f"[{counts[path] - 1}]"
        prev = order[-1]
        sections[prev] = (sections[prev][0], n - 1)
        sections[path] = (n, len(lines))
        order.append(path)
    best = max((s for s in sections if s == "" or keypath == s or keypath.startswith(s + ".")
                or keypath.startswith(s + "[")), key=len)
    if keypath == best:
        return sections[best][0] if best else None
    rest = keypath[len(best):].lstrip(".")
    name = re.split(r"[.\[]", rest, 1)[0]
    first, last = sections[best]
    for n in range(first, last + 1):
        if re.match(rf"^\s*{re.escape(name)}\s*=", lines[n - 1]):
            return n
    return first if best else None
