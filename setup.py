"""The part of the build that pyproject.toml cannot express: one import root.

The repository keeps the design card's top-level folders (validators/, store/, inbox/, report/,
web/, xsd/, fixtures/, cli.py); the wheel installs each of them inside the ``berichten`` package
(``berichten.validators``, ``berichten.store``, ``berichten.cli``, ...), so an install puts nothing
but ``berichten`` at the top of site-packages. In a checkout ``berichten/__init__.py`` makes the same
names resolve to the top-level folders. See docs/decisions.md, "One import root".
"""

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

CODE = ("validators", "store", "inbox", "report", "web")
# Data packages (folders with an __init__.py and no code of their own) and their files.
DATA = {"xsd": ["*/*.xsd"], "fixtures.regels": ["*.xml"], "fixtures.regio": ["*.toml", "*/*.csv", "*/*.xml"]}
PACKAGE_DATA = {
    "berichten.store.migrations": ["script.py.mako"],
    "berichten.report": ["templates/*.j2"],
    "berichten.validators.level4": ["data/*.csv"],
    "berichten.web": ["static/*", "templates/*.html"],
    **{f"berichten.{name}": files for name, files in DATA.items()},
}


def package_dirs() -> dict[str, str]:
    """Import name -> folder of every package the wheel holds."""
    dirs = {"berichten": "berichten"}
    dirs.update({f"berichten.{p}": "berichten/" + p.replace(".", "/") for p in find_packages("berichten")})
    for top in CODE:
        if Path(top, "__init__.py").is_file():
            dirs[f"berichten.{top}"] = top
            dirs.update({f"berichten.{top}.{p}": f"{top}/" + p.replace(".", "/") for p in find_packages(top)})
    dirs.update({f"berichten.{name}": name.replace(".", "/") for name in DATA})
    return dirs


class BuildWithCli(build_py):
    """Also install the top-level cli.py as ``berichten/cli.py`` (the console script's module)."""

    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            self.copy_file("cli.py", str(Path(self.build_lib, "berichten", "cli.py")))


DIRS = package_dirs()
setup(packages=sorted(DIRS), package_dir=DIRS, package_data=PACKAGE_DATA, cmdclass={"build_py": BuildWithCli})
