"""Frozen header rows for a BIFF8 .xls that LibreOffice wrote without them.

A ``--convert-to`` run has no view, and LibreOffice takes an .xls's panes from the view,
so its .xls scrolls the header rows away. This module adds them afterwards, as Excel
writes them: in each sheet, WINDOW2's frozen flags and a PANE record after it. Inserting
records moves every later byte of the Workbook stream, so the absolute positions that
point past an insertion (BOUNDSHEET8's sheet offsets, INDEX's DBCELL offsets) are moved
too. The compound file is then written anew with only the Workbook stream (the document
summary streams hold no data we set). References: [MS-XLS] 2.4.28 BoundSheet8, 2.4.144
Index, 2.4.189 Pane, 2.4.346 Window2; [MS-CFB] 2.2–2.6.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import olefile

BOF, BOUNDSHEET, INDEX, WINDOW2, PANE = 0x0809, 0x0085, 0x020B, 0x023E, 0x0041
FROZEN, FROZEN_NO_SPLIT = 0x0008, 0x0100


def _records(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(offset, type, body) of each record."""
    at = 0
    while at + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, at)
        yield at, kind, data[at + 4:at + 4 + size]
        at += 4 + size


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def freeze_rows(workbook: bytes, rows_of: Callable[[str], int]) -> bytes:
    """The Workbook stream with ``rows_of(sheet name)`` header rows frozen in each sheet."""
    records = list(_records(workbook))
    names: dict[int, str] = {}  # sheet BOF offset -> name
    for _, kind, body in records:
        if kind == BOUNDSHEET:
            position, _, _, length, flags = struct.unpack_from("<IBBBB", body)
            raw = body[8:8 + (length * 2 if flags & 1 else length)]
            names[position] = raw.decode("utf-16-le" if flags & 1 else "latin-1")
    # First pass: what to insert where (offset of the record after which to insert).
    inserts: dict[int, bytes] = {}
    changed: dict[int, bytes] = {}
    sheet: str | None = None
    for offset, kind, body in records:
        if kind == BOF:
            sheet = names.get(offset)
        elif kind == WINDOW2 and sheet is not None and (frozen := rows_of(sheet)) > 0:
            flags = struct.unpack_from("<H", body)[0] | FROZEN | FROZEN_NO_SPLIT
            changed[offset] = struct.pack("<H", flags) + body[2:]
            inserts[offset] = _record(PANE, struct.pack("<HHHHBB", 0, frozen, frozen, 0, 2, 0))
        elif kind == PANE:
            return workbook  # already has panes: leave it as it is
    if not inserts:
        return workbook
    points = sorted(inserts)

    def moved(position: int) -> int:
        """Where a byte at ``position`` of the old stream is in the new one."""
        return position + sum(len(inserts[p]) for p in points if p < position)

    out = bytearray()
    for offset, kind, body in records:
        if kind == BOUNDSHEET:
            body = struct.pack("<I", moved(struct.unpack_from("<I", body)[0])) + body[4:]
        elif kind == INDEX:
            count = (len(body) - 16) // 4
            head = struct.unpack_from("<IIII", body)
            cells = struct.unpack_from(f"<{count}I", body, 16)
            body = struct.pack("<IIII", head[0], head[1], head[2], moved(head[3]) if head[3] else 0) \
                + struct.pack(f"<{count}I", *(moved(p) for p in cells))
        out += _record(kind, changed.get(offset, body))
        if offset in inserts:
            out += inserts[offset]
    return bytes(out)


# ---- the compound file: one stream, "Workbook" ----------------------------------------

SECTOR = 512
FREE, END, FAT_SECTOR, DIFAT_SECTOR, NO_STREAM = (
    0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF)


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NO_STREAM, NO_STREAM, child) + bytes(16)
            + struct.pack("<IQQIQ", 0, 0, 0, start, size))


def compound_file(workbook: bytes) -> bytes:
    """A version 3 compound file holding ``workbook`` as its "Workbook" stream. A stream
    under 4,096 bytes would belong in the mini stream: Excel's own writers pad it instead."""
    stream = workbook.ljust(4096, b"\0")
    data_sectors = -(-len(stream) // SECTOR)
    fat_sectors = difat_sectors = 0
    while True:  # the FAT must also map its own sectors and the DIFAT's
        total = data_sectors + 1 + fat_sectors + difat_sectors
        need_fat = -(-total // 128)
        need_difat = -(-max(need_fat - 109, 0) // 127)
        if (need_fat, need_difat) == (fat_sectors, difat_sectors):
            break
        fat_sectors, difat_sectors = need_fat, need_difat
    directory = data_sectors
    first_fat = directory + 1
    first_difat = first_fat + fat_sectors
    fat = [FREE] * (fat_sectors * 128)
    for sector in range(data_sectors):
        fat[sector] = sector + 1 if sector + 1 < data_sectors else END
    fat[directory] = END
    for sector in range(first_fat, first_difat):
        fat[sector] = FAT_SECTOR
    for sector in range(first_difat, first_difat + difat_sectors):
        fat[sector] = DIFAT_SECTOR
    fat_ids = list(range(first_fat, first_difat))
    header_difat = (fat_ids[:109] + [FREE] * 109)[:109]
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, fat_sectors, directory, 0, 4096, END, 0,
                            first_difat if difat_sectors else END, difat_sectors)
              + struct.pack("<109I", *header_difat))
    entries = (_entry("Root Entry", 5, 1, END, 0) + _entry("Workbook", 2, NO_STREAM, 0, len(stream))
               + _entry("", 0, NO_STREAM, 0, 0) * 2)
    difat = bytearray()
    rest = fat_ids[109:]
    for index in range(difat_sectors):
        chunk = (rest[index * 127:(index + 1) * 127] + [FREE] * 127)[:127]
        following = first_difat + index + 1 if index + 1 < difat_sectors else END
        difat += struct.pack("<128I", *chunk, following)
    return (header + stream.ljust(data_sectors * SECTOR, b"\0") + entries
            + struct.pack(f"<{len(fat)}I", *fat) + bytes(difat))


def freeze_header_rows(path: Path, rows_of: Callable[[str], int]) -> None:
    """Rewrite the .xls at ``path`` with frozen header rows (see the module docstring)."""
    with olefile.OleFileIO(str(path)) as ole:
        workbook = ole.openstream("Workbook").read()
    frozen = freeze_rows(workbook, rows_of)
    if frozen is not workbook:
        path.write_bytes(compound_file(frozen))
