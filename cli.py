"""Placeholder; replaced below."""
import click

@click.group()
def main() -> None:
    pass
