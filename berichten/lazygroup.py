"""A click group whose subcommands are imported only when they are invoked.

Importing every command's module made each start-up pay for SQLAlchemy, the store, the inbox and
the reports, also for a one-file ``validate``. ``LazyGroup`` follows click's "lazy loading
subcommands" pattern: a table ``name -> (\"module:attribute\", short help)``. ``--help`` lists the
short help from the table, so it imports none of them; ``tests/test_startup.py`` checks that the
table's short help is the command's own.
"""

from __future__ import annotations

import importlib

import click

LazyCommands = dict[str, tuple[str, str]]  # name -> ("module:attribute", short help)


class LazyGroup(click.Group):
    def __init__(self, *args, lazy_commands: LazyCommands | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: LazyCommands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.add_command(load_command(self.lazy_commands[cmd_name][0]), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click's, but a command not imported yet shows the short help of the table."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is None:
                rows.append((name, click.utils.make_default_short_help(self.lazy_commands[name][1], limit)))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def load_command(target: str) -> click.Command:
    """``"package.module:attribute"`` -> the click command it names."""
    module_name, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{target} is geen click-commando")
    return command
