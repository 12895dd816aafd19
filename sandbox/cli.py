"""`hyosan` command line. Each family of subcommands lives in `sandbox.commands`
and imports its heavy modules lazily, so `hyosan --help` and argument errors answer
at once."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from sandbox import commands
from sandbox.commands.common import UserError
from sandbox.config import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hyosan",
        description="Hyosan High School sandbox: render the finale, build the world, tune hordes.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = [importlib.import_module(f"sandbox.commands.{m.name}")
               for m in pkgutil.iter_modules(commands.__path__)]
    for module in sorted((m for m in modules if hasattr(m, "register")), key=lambda m: m.ORDER):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UserError, ConfigError) as exc:
        print(f"hyosan: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hyosan: interrupted", file=sys.stderr)
        return 130
