"""Load hand-written GLSL from `shaders/` by path, with #defines and #includes.

Cg is unavailable under EGL (setShaderAuto / CommonFilters silently fall back to fixed
function), so every shader here is GLSL 330+. `#define`s are injected right after the
`#version` line followed by a `#line` directive so compiler messages keep the file's own
line numbers; `#include "name.glsl"` lines are expanded the same way, each file getting
its own source-string number (listed in `ShaderError` messages).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

from panda3d.core import Shader

from sandbox import paths

_INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"\s*$')


class ShaderError(RuntimeError):
    """A GLSL file failed to load or compile; the message names the file(s)."""


def _define_lines(defines: Mapping[str, object] | None) -> list[str]:
    out = []
    for key, value in (defines or {}).items():
        if value is True or value is None:
            out.append(f"#define {key}")
        elif value is False:
            continue
        else:
            out.append(f"#define {key} {value}")
    return out


def preprocess(path: Path, defines: Mapping[str, object] | None = None,
               files: list[Path] | None = None) -> tuple[str, list[Path]]:
    """GLSL source of `path` with `defines` after `#version` and includes expanded.

    Returns (source, files) where files[i] is the file behind `#line N i` (source-string
    number i in compiler messages).
    """
    path = Path(path)
    if not path.is_file():
        raise ShaderError(f"shader file not found: {path}")
    files = files if files is not None else []
    index = len(files)
    files.append(path)
    out: list[str] = []
    lines = path.read_text().splitlines()
    saw_version = False
    for number, line in enumerate(lines, start=1):
        m = _INCLUDE.match(line)
        if m:
            inc = path.parent / m.group(1)
            src, _ = preprocess(inc, None, files)
            out.append(src)
            out.append(f"#line {number + 1} {index}")
            continue
        out.append(line)
        if not saw_version and line.strip().startswith("#version"):
            saw_version = True
            out.extend(_define_lines(defines))
            out.append(f"#line {number + 1} {index}")
    if index == 0 and not saw_version:
        raise ShaderError(f"{path}: no #version line (GLSL 330+ expected)")
    if index > 0:  # an included file: start numbering at its line 1
        out.insert(0, f"#line 1 {index}")
    return "\n".join(out) + "\n", files


def shader_path(name: str) -> Path:
    return paths.SHADERS / name


def load(vertex: str, fragment: str, defines: Mapping[str, object] | None = None) -> Shader:
    """A GLSL Shader from `shaders/<vertex>` and `shaders/<fragment>` with `defines`.

    The shader's description lists the files so `check_compiled` can name them. Compile
    errors only surface when the shader is first drawn: call `check_compiled(base, shader)`
    (renders a frame) to turn them into a ShaderError.
    """
    vpath, fpath = shader_path(vertex), shader_path(fragment)
    vsrc, vfiles = preprocess(vpath, defines)
    fsrc, ffiles = preprocess(fpath, defines)
    shader = Shader.make(Shader.SL_GLSL, vertex=vsrc, fragment=fsrc)
    if shader is None:
        raise ShaderError(f"could not create shader from {vpath} + {fpath}")
    _FILES[id(shader)] = (vfiles, ffiles)
    return shader


_FILES: dict[int, tuple[list[Path], list[Path]]] = {}


def describe(shader: Shader) -> str:
    vfiles, ffiles = _FILES.get(id(shader), ([], []))
    v = ", ".join(f"{i}={p.name}" for i, p in enumerate(vfiles))
    f = ", ".join(f"{i}={p.name}" for i, p in enumerate(ffiles))
    return f"vertex [{v}] fragment [{f}] (source-string numbers in messages)"


def check_compiled(base, shaders, log_text: str = "") -> None:
    """Render one frame and raise ShaderError for any shader in `shaders` that failed.

    Panda3D compiles GLSL lazily on first draw and sets `get_error_flag()` on failure;
    the GL log lines captured during that frame are included in the message.
    """
    from panda3d.core import LineStream, Notify

    shaders = list(shaders)
    stream = LineStream()
    notify = Notify.ptr()
    notify.set_ostream_ptr(stream, False)
    try:
        base.graphicsEngine.render_frame()
        base.graphicsEngine.render_frame()
    finally:
        notify.set_ostream_ptr(None, False)
        from panda3d.core import Notify as _N  # restore default (stderr)
        _N.ptr().set_ostream_ptr(None, False)
    captured = []
    while stream.is_text_available():
        captured.append(stream.get_line())
    bad = [s for s in shaders if s.get_error_flag()]
    if bad:
        names = "; ".join(describe(s) for s in bad)
        log = "\n".join(l for l in captured if l.strip())
        raise ShaderError(f"GLSL compile/link failed: {names}\n{log}{log_text}")
    # Re-emit what we swallowed so warnings are not lost.
    import sys
    for line in captured:
        if line.strip():
            print(line, file=sys.stderr)
