"""The command line's help layout: what a user types, no type tags for switches, ``PATH...`` arguments, ``-h``."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional, get_args

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption


def _tidy_help(params: list[Any]) -> list[Any]:
    """Help that shows what a user types: no type tag for on/off flags, arguments as ``PATH...``."""
    for p in params:
        if isinstance(p, TyperOption) and p.is_flag and p.metavar is None:
            p.metavar = ""  # a switch takes no value, so there is no type to show
        elif isinstance(p, TyperArgument) and p.metavar is None:
            kind = p.type_descriptor.annotation
            if p.type_descriptor.is_list:
                kind = get_args(kind)[0]
            label = "PATH" if kind is Path else (p.name or "value").upper()
            p.metavar = f"{label}..." if p.nargs != 1 else label
    return params


class XxgkCommand(TyperCommand):
    """A command whose help and usage line follow :func:`_tidy_help`."""

    def get_params(self, ctx: typer.Context) -> list[Any]:
        return _tidy_help(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for p in self.get_params(ctx):
            if isinstance(p, TyperArgument):
                pieces.append(p.metavar if p.required else f"[{p.metavar}]")
            else:
                pieces.extend(p.get_usage_pieces(ctx))
        return pieces


class XxgkGroup(TyperGroup):
    """A command group whose own options follow :func:`_tidy_help`."""

    def get_params(self, ctx: typer.Context) -> list[Any]:
        return _tidy_help(super().get_params(ctx))


class XxgkTyper(typer.Typer):
    """``typer.Typer`` whose groups and commands use the tidy help; ``-h`` works like ``--help``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", XxgkGroup)
        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
        super().__init__(**kwargs)

    def command(self, name: Optional[str] = None, **kwargs: Any) -> Callable:
        kwargs.setdefault("cls", XxgkCommand)
        return super().command(name, **kwargs)


__all__ = ["XxgkCommand", "XxgkGroup", "XxgkTyper"]
