"""Reading a billing file as rows, in constant memory: CSV (`;`, UTF-8 with or without BOM, or
Windows-1251) and JSON (an array of objects with the CSV's column names as keys).

`open_source()` checks the whole file first — it decodes in one of the two encodings, the JSON
is well formed, the header has every required column — and counts its rows for the progress
bar; a file that fails any of it is refused whole (FileRefused) before anything is applied.
`rows()` then yields (row number, {column: value}, source) — the row number as a person finds it
in the file: the CSV's line (the header is line 1), the object's position in the JSON array;
`raw_text(source)` is the row as the error file shows it (made only for a refused row).
"""
import codecs
import csv
import io
import json
from dataclasses import dataclass
from typing import Iterator

CHUNK = 1024 * 1024
ENCODINGS = ("utf-8-sig", "cp1251")
ENCODING_NAMES = {"utf-8-sig": "utf-8", "cp1251": "cp1251"}
#: the raw row kept for the error file is cut here
RAW_LIMIT = 500
#: one JSON element may not be larger than this (a malformed file must not fill the memory)
MAX_ELEMENT = 16 * CHUNK


class FileRefused(ValueError):
    """The whole file cannot be read; `reason` (Russian) goes to ImportRun.failure."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Source:
    path: str
    file_format: str
    encoding: str
    total: int
    header: list[str]

    def rows(self) -> Iterator[tuple[int, dict, str]]:
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            yield from (_csv_rows(text) if self.file_format == "csv" else _json_rows(text))


def open_source(path: str, file_format: str, required: list[str]) -> Source:
    """Check and count the file; FileRefused with the reason when it cannot be imported."""
    encoding, lines = _detect_encoding(path)
    if file_format == "csv":
        header, total = _csv_header(path, encoding), max(lines - 1, 0)
    else:
        header, total = _json_keys_and_count(path, encoding)
    missing = [name for name in required if name not in header]
    if missing:
        raise FileRefused("Нет столбца " + ", ".join(f"«{name}»" for name in missing))
    return Source(path, file_format, encoding, total, header)


def _detect_encoding(path: str) -> tuple[str, int]:
    """UTF-8 if every byte decodes as UTF-8, else Windows-1251; neither (or a binary) → refused.
    Also the number of lines, counted on the way (the progress bar's total: a quoted value
    spanning lines or a blank line makes it a little high; the run corrects it when it ends)."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines, last = 0, b"\n"
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    if "\x00" in decoder.decode(chunk):
                        raise FileRefused("Файл не текстовый: в нем есть нулевые байты")
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
                decoder.decode(b"", final=True)
            return encoding, lines + (last != b"\n")
        except UnicodeDecodeError:
            continue
    raise FileRefused("Файл не удалось прочитать: он не в кодировке UTF-8 и не в Windows-1251")


def _csv_header(path: str, encoding: str) -> list[str]:
    """The header's column names (lower case)."""
    with open(path, "rb") as raw:
        header_line = io.TextIOWrapper(raw, encoding=encoding, newline="").readline()
    header = [_name(cell) for cell in next(csv.reader([header_line], delimiter=";"), [])]
    if not any(header):
        raise FileRefused("В файле нет строки заголовка с названиями столбцов")
    return header


def _name(cell: str) -> str:
    return cell.strip().strip("\ufeff").strip().lower()


def _csv_rows(text) -> Iterator[tuple[int, dict, str]]:
    reader = csv.reader(text, delimiter=";")
    header = [_name(cell) for cell in next(reader, [])]
    while True:
        number = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileRefused(f"Строка {number}: файл CSV поврежден ({exc})") from None
        if not any(cell.strip() for cell in cells):
            continue
        yield number, dict(zip(header, cells)), cells


# ---- JSON: an array of objects, read object by object --------------------------------------

def _json_keys_and_count(path: str, encoding: str) -> tuple[list[str], int]:
    """The first object's keys (the «header») and the number of elements; a malformed JSON is
    refused here, before any row is applied."""
    keys: list[str] = []
    total = 0
    with open(path, "rb") as raw:
        for element in _json_elements(io.TextIOWrapper(raw, encoding=encoding, newline="")):
            if total == 0 and isinstance(element, dict):
                keys = [_name(str(key)) for key in element]
            total += 1
    return keys, total


def _json_rows(text) -> Iterator[tuple[int, dict, str]]:
    for number, element in enumerate(_json_elements(text), start=1):
        cells = {_name(str(k)): val for k, val in element.items()} if isinstance(element, dict) else None
        yield number, cells, element


def raw_text(source) -> str:
    """The row for the error file, trimmed: a CSV line's cells joined by `;`, a JSON element."""
    if isinstance(source, list) and all(isinstance(cell, str) for cell in source):
        return ";".join(source)[:RAW_LIMIT]
    return json.dumps(source, ensure_ascii=False, default=str)[:RAW_LIMIT]


def _json_elements(text) -> Iterator:
    """The elements of a top-level JSON array, decoded one at a time from a growing buffer: memory
    holds one element and one chunk, whatever the file's size."""
    decoder = json.JSONDecoder()
    reader = _Buffer(text)
    if reader.next_char() != "[":
        raise FileRefused("Ожидается массив объектов JSON: файл должен начинаться с «[»")
    reader.pos += 1
    if reader.next_char() == "]":
        return
    while True:
        yield reader.decode(decoder)
        separator = reader.next_char()
        reader.pos += 1
        if separator == "]":
            if reader.next_char() is not None:
                raise FileRefused("Файл JSON поврежден: после массива есть еще данные")
            return
        if separator != ",":
            raise FileRefused("Файл JSON поврежден: между объектами нет запятой")


class _Buffer:
    def __init__(self, text):
        self.text = text
        self.buf = ""
        self.pos = 0
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        return True

    def next_char(self) -> str | None:
        """The next character that is not white space (not consumed); None at the end."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n\ufeff":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return None

    def decode(self, decoder):
        if self.next_char() is None:
            raise FileRefused("Файл JSON оборван: массив не закрыт «]»")
        while True:
            try:
                value, end = decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos < MAX_ELEMENT and self._more():
                    continue
                raise FileRefused(f"Файл JSON поврежден: {exc.msg}") from None
            if end == len(self.buf) and not isinstance(value, (dict, list, str)) and self._more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value
