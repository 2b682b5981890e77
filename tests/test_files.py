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
