"""Zip-packaged documents (XLSX, OFD): opened with the unpacked size bounded before any part is read, and a
broken package told apart from a broken part — one place for what index/xlsx.py and index/ofd.py share."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from xml.etree import ElementTree

T = TypeVar("T")


class PackageError(Exception):
    """The file cannot be read as its kind of package (the message says why, in Chinese)."""


def read_package(path: Path, max_unpacked: int, kind: str, read: Callable[[zipfile.ZipFile], T]) -> T:
    """`read` applied to the opened package, once its declared unpacked size is within `max_unpacked`
    (zipfile never yields more than a part's declared size, so the declared sizes bound the reading)."""
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
            if unpacked > max_unpacked:
                raise PackageError(f"解压后 {unpacked:,} 字节，超过上限 {max_unpacked:,} 字节")
            return read(zf)
    except zipfile.BadZipFile:
        raise PackageError(f"不是有效的 {kind}（zip）文件") from None
    except (KeyError, ElementTree.ParseError, ValueError) as exc:
        raise PackageError(f"{kind} 结构损坏（{type(exc).__name__}）") from None
