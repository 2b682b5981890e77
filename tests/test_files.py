"""berichten.files: the one definition of which files a command reads, and in which order."""

from __future__ import annotations

from berichten.files import missing, xml_files


def test_files_as_given_and_folders_expanded_in_sorted_order(tmp_path):
    (tmp_path / "map" / "sub").mkdir(parents=True)
    for name in ("map/b.xml", "map/a.xml", "map/sub/c.xml", "map/notitie.txt", "los.xml"):
        (tmp_path / name).write_text("<x/>")
    (tmp_path / "map" / "dir.xml").mkdir()  # a folder named like a message is not a file
    given = [str(tmp_path / "los.xml"), str(tmp_path / "map"), str(tmp_path / "weg.xml")]
    assert [p.removeprefix(str(tmp_path) + "/") for p in xml_files(given)] == [
        "los.xml", "map/a.xml", "map/b.xml", "map/sub/c.xml", "weg.xml",
    ]
    assert missing(given) == [str(tmp_path / "weg.xml")]


def _as_pathlib(folder) -> list[str]:
    """The listing as it was written first: pathlib's rglob, then a stat per name."""
    import os
    from pathlib import Path

    return [n for n in sorted(str(p) for p in Path(folder).rglob("*.xml")) if os.path.isfile(n)]


def test_folder_listing_equals_pathlib_rglob(tmp_path, monkeypatch):
    # Names that sort around "/" ("a-b", "a.b", "a/"), hidden files and folders, upper case, folders
    # named like messages, symlinks to files, to folders (not entered) and to nothing.
    root = tmp_path / "map"
    for folder in ("a", "a-b", "a.b", ".verborgen", "a/diep/dieper", "map.xml", "leeg"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name in ("a.xml", "a-b.xml", "a/x.xml", "a/diep/y.xml", "a/diep/dieper/z.xml", "a-b/x.xml",
                 "a.b/x.xml", ".verborgen/v.xml", ".h.xml", ".xml", "B.XML", "c.xml.txt", "map.xml/in.xml"):
        (root / name).write_text("<x/>")
    (root / "link.xml").symlink_to(root / "a" / "x.xml")
    (root / "kapot.xml").symlink_to(root / "bestaat-niet.xml")
    (root / "linkmap").symlink_to(root / "a", target_is_directory=True)
    (root / "linkmap.xml").symlink_to(root / "a", target_is_directory=True)
    for given in (root, f"{root}/", f"{root}/./a/..", root / "a"):
        assert list(xml_files([given])) == _as_pathlib(given), given
    monkeypatch.chdir(root)
    for given in (".", "./", "a", "./a/diep"):
        assert list(xml_files([given])) == _as_pathlib(given), given
    assert "link.xml" in list(xml_files(["."])) and "linkmap/x.xml" not in list(xml_files(["."]))
