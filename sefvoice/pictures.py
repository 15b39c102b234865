"""The surveys' pictures: a definition names each by its path under static/ ("pictures/yes.svg").

Whoever writes a definition types that path, so no file is read until the path is checked:
it must stay inside static/pictures (no absolute path, no "..", no link that leads out), and
the file must be an SVG or a PNG by its content, whatever its name says. The same check runs
when a definition is checked and wherever a picture is read, since a stored version may have
been published before a rule was added.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from lxml import etree

FOLDER = "pictures"
MAX_PICTURE_BYTES = 512 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG, PNG = "image/svg+xml", "image/png"


class PictureRefused(ValueError):
    """Why a picture path cannot be used, in words for whoever wrote the definition."""


@dataclass(frozen=True)
class Picture:
    path: Path
    data: bytes
    kind: str  # SVG or PNG


def _inside_folder(static_dir: Path, name: str) -> Path:
    """The file `name` names, checked to be inside static/pictures; or PictureRefused."""
    if "\\" in name or "\x00" in name:
        raise PictureRefused("must be a path with / between folders, like pictures/yes.svg")
    relative = PurePosixPath(name)
    if relative.is_absolute():
        raise PictureRefused("must be a path under static/, like pictures/yes.svg, not from /")
    if ".." in relative.parts:
        raise PictureRefused("must not go up a folder with '..'")
    if len(relative.parts) < 2 or relative.parts[0] != FOLDER:
        raise PictureRefused(f"must be in static/{FOLDER}/, like pictures/yes.svg")
    folder = _real_folder(static_dir)
    listed = _files_in(folder, folder.stat().st_mtime_ns) if folder.is_dir() else {}
    path = listed.get("/".join(relative.parts[1:]))
    if path is not None:
        return path
    written = static_dir / relative
    if os.path.lexists(written) and written.resolve().is_file():
        raise PictureRefused(f"leads out of static/{FOLDER}/ through a link")
    raise PictureRefused("is not a file under static/")


@lru_cache(maxsize=8)
def _real_folder(static_dir: Path) -> Path:
    return (static_dir / FOLDER).resolve()


@lru_cache(maxsize=8)
def _files_in(folder: Path, modified_ns: int) -> dict[str, Path]:
    """Every file in the pictures folder whose real path (after any link) is inside it, by
    its name in the folder: listed once, so that checking a name costs a look-up, however
    many options a definition has (modified_ns: the folder is listed again if it changes)."""
    found = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = Path(directory, name)
            real = path.resolve()
            if real.is_relative_to(folder) and real.is_file():
                found[path.relative_to(folder).as_posix()] = real
    return found


def _kind(data: bytes) -> str:
    """SVG or PNG by the file's content; PictureRefused for anything else."""
    if data.startswith(PNG_SIGNATURE):
        return PNG
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None or etree.QName(root).localname != "svg":
        raise PictureRefused("is not an SVG or PNG picture")
    return SVG


@lru_cache(maxsize=256)
def _read(path: Path, modified_ns: int) -> tuple[bytes, str]:
    """A checked file's bytes and kind (modified_ns: a changed file is read again)."""
    with path.open("rb") as file:
        data = file.read(MAX_PICTURE_BYTES + 1)
    if len(data) > MAX_PICTURE_BYTES:
        raise PictureRefused(f"is over {MAX_PICTURE_BYTES // 1024} KB; use a smaller picture")
    return data, _kind(data)


def read_picture(static_dir: Path, name: str) -> Picture:
    """The picture `name` names under static_dir, or PictureRefused saying why not."""
    path = _inside_folder(Path(static_dir), name)
    data, kind = _read(path, path.stat().st_mtime_ns)
    return Picture(path, data, kind)


def picture_problem(static_dir: Path, name: str) -> str | None:
    """Why `name` is not a picture a survey may show, or None if it is one."""
    try:
        read_picture(static_dir, name)
    except PictureRefused as refused:
        return str(refused)
    return None
