"""Text lines → cells: the layer that reads every text shape a statistics table comes in.

A table region is cut into lines; each line into cells (``|`` pipes from markdown,
tabs from HTML/DOCX conversion, or runs of spaces from PDF text layers). A cell is a
number, an NA marker (``/``, ``—``, ``无`` …), a blank (an empty pipe or tab cell) or
text. A *value line* is optional leading label text followed only by value cells;
:func:`group_rows` merges consecutive value lines (one cell a line, rows split across
pages) into rows of a known width and remembers the text printed before each row as
its label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..format import CELL_UNITS, NA_MARKERS

NUM = "num"
NA = "na"
BLANK = "blank"
TEXT = "text"

_NUMBER = re.compile(r"^[+\-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+\-]?\d+(?:\.\d+)?$")
_UNIT_SUFFIX = re.compile(r"^(?P<num>[+\-]?[\d,]*\d(?:\.\d+)?)\s*(?P<unit>" + "|".join(map(re.escape, CELL_UNITS)) + r")$")
#: label text with digits glued to its end (HTML page text): ``本年新收政府信息公开申请数量801000081``
_GLUED_TAIL = re.compile(r"(?<=[\u3400-\u9fff”）)])(?P<digits>\d+(?:\.\d+)?(?:[-－]\d+(?:\.\d+)?)*)$")
#: numbers glued with a minus sign between them (``16-1`` = 16 and −1): the sign starts a number
_SIGNED_RUN = re.compile(r"^\d+(?:\.\d+)?(?:[-－]\d+(?:\.\d+)?)+$")
_SIGNED_PIECE = re.compile(r"[-－]?\d+(?:\.\d+)?")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PAGE_LINE = re.compile(r"^\s*(?:[-—–－─]+\s*\d{1,4}\s*[-—–－─]+|第\s*\d{1,4}\s*页(?:\s*[/，,共]\s*共?\s*\d{1,4}\s*页)?)\s*$")
_SPACE_CELL = re.compile(r"\S+")
_UNIT_LAST = {u[-1] for u in CELL_UNITS}
#: a label followed by at least this many empty delimited cells is a row of blank cells
MIN_BLANK_ROW = 3


@dataclass
class Token:
    """One cell of a line: ``kind`` num/na/blank/text, its text and span in the report text."""

    kind: str
    text: str
    start: int
    end: int
    value: int | float | None = None
    #: digits only (for glued decoding) when the cell is a bare integer
    digits: str = ""


@dataclass
class TableLine:
    """One line of a table region and its cells."""

    start: int
    end: int
    mode: str                      # 'pipe', 'tab' or 'space'
    tokens: list[Token] = field(default_factory=list)
    label: str = ""                # text before the first value cell
    label_start: int = -1
    label_end: int = -1
    values: list[Token] = field(default_factory=list)

    @property
    def is_value_line(self) -> bool:
        return bool(self.values)

    @property
    def has_text(self) -> bool:
        return bool(self.label)


@dataclass
class RawRow:
    """Value cells read as one table row, with the label printed on or before it."""

    values: list[Token]
    label: str = ""
    label_start: int = -1
    label_end: int = -1
    inline_label: bool = False
    line_start: int = -1
    #: the text line printed right before the row (the likeliest label of a one-cell-a-line row)
    near_label: str = ""

    @property
    def start(self) -> int:
        return self.values[0].start if self.values else self.line_start

    @property
    def end(self) -> int:
        return self.values[-1].end if self.values else self.line_start


def parse_number(raw: str) -> int | float | None:
    """The value of a printed number (``1,295`` → 1295, ``97.8万元`` → 97.8); None when not a number."""
    s = raw.strip()
    m = _UNIT_SUFFIX.match(s)
    if m:
        s = m.group("num")
    if not _NUMBER.match(s):
        return None
    s = s.replace(",", "")
    if "." in s:
        return float(s)
    return int(s)


# -- out-of-range numbers (robustness): kept in place so the rest of their row stays --------------
#: a count or amount no report prints: scientific notation, non-finite, or this large and above
OUT_OF_RANGE_LIMIT = 10**12
_NOT_A_COUNT = re.compile(r"[+\-]?(?:\d[\d,]*)?\.?\d+[eE][+\-]?\d+|[+\-]?(?:inf|infinity|nan)", re.I)


def is_out_of_range(raw: str, value: int | float | None = None) -> bool:
    """True for a cell text like ``1e30``, ``inf`` or ``NaN``, or a read value of 10^12 or more."""
    if _NOT_A_COUNT.fullmatch(raw.strip()):
        return True
    return value is not None and abs(value) >= OUT_OF_RANGE_LIMIT


def classify(text: str, start: int, end: int) -> Token:
    """Classify one cell's text (an out-of-range number is an NA-kind token: a value cell without a value)."""
    t = text.strip()
    if not t:
        return Token(BLANK, "", start, end)
    if _NOT_A_COUNT.fullmatch(t):
        return Token(NA, t, start, end)
    if not (t[0].isdigit() or t[0] in "+-") or not t[-1].isdigit() and t[-1] not in _UNIT_LAST:
        return Token(NA if t in NA_MARKERS else TEXT, t, start, end)
    v = parse_number(t)
    if v is not None:
        digits = t if t.isdigit() else ""
        return Token(NUM, t, start, end, v, digits)
    if t in NA_MARKERS:
        return Token(NA, t, start, end)
    return Token(TEXT, t, start, end)


def _cells(text: str, ls: int, le: int, mode: str, edges: bool = True) -> list[tuple[str, int, int]]:
    """(stripped text, start, end) of each cell of the line ``text[ls:le]``.

    ``edges``: the table prints outer pipes (Markdown ``| a | b |``), so an empty first or
    last pipe segment is an edge, not a cell. Rows joined with `` | `` (converted HTML) have
    no outer pipes: there every segment is a cell, a trailing blank one included."""
    out: list[tuple[str, int, int]] = []
    line = text[ls:le]
    if mode == "space":
        for m in _SPACE_CELL.finditer(line):
            out.append((m.group(), ls + m.start(), ls + m.end()))
        return out
    sep = "|" if mode == "pipe" else "\t"
    pos = 0
    parts = line.split(sep)
    for i, part in enumerate(parts):
        a = ls + pos
        pos += len(part) + 1
        stripped = part.strip()
        if stripped:
            lead = len(part) - len(part.lstrip())
            out.append((stripped, a + lead, a + lead + len(stripped)))
        else:
            # empty cells: leading/trailing pipe edges are not cells
            if mode == "pipe" and edges and (i == 0 or i == len(parts) - 1):
                continue
            mid = a + len(part) // 2
            out.append(("", mid, mid))
    return out


def _signed_pieces(run: str, start: int) -> list[Token]:
    """Number tokens of a digit run in which a minus sign may start a number (``16-1`` → 16, −1)."""
    out = []
    for m in _SIGNED_PIECE.finditer(run):
        piece = m.group().replace("－", "-")
        out.append(Token(NUM, piece, start + m.start(), start + m.end(), parse_number(piece),
                         piece if piece.isdigit() else ""))
    return out


def read_line(text: str, ls: int, le: int, edges: bool = True) -> TableLine | None:
    """Cells of one line; None for rule lines, page numbers and empty lines (``edges``: see :func:`_cells`)."""
    raw = text[ls:le]
    if not raw.strip() or _PIPE_RULE.match(raw) or _PAGE_LINE.match(raw):
        return None
    mode = "pipe" if "|" in raw else ("tab" if "\t" in raw else "space")
    tokens: list[Token] = []
    for t, a, b in _cells(text, ls, le, mode, edges):
        tok = classify(t, a, b)
        if tok.kind == TEXT and mode == "space" and tokens and tokens[-1].kind == NUM and t in CELL_UNITS:
            # '97.8 万元': a unit printed apart from its number belongs to the number
            prev = tokens[-1]
            tokens[-1] = Token(NUM, text[prev.start:b], prev.start, b, prev.value, "")
            continue
        if tok.kind == TEXT:
            if _SIGNED_RUN.match(t):
                tokens += _signed_pieces(t, a)
                continue
            m = _GLUED_TAIL.search(t)
            if m and len(t) - len(m.group("digits")) >= 2:
                d = m.group("digits")
                cut = b - len(d)
                tokens.append(Token(TEXT, t[: len(t) - len(d)], a, cut))
                tokens += _signed_pieces(d, cut)
                continue
        tokens.append(tok)
    line = TableLine(ls, le, mode, tokens)
    # leading blank cells (a tab before the first cell) are layout, not cells
    while tokens and tokens[0].kind == BLANK:
        tokens.pop(0)
    first_value = next((i for i, t in enumerate(tokens) if t.kind in (NUM, NA)), None)
    if first_value is None and mode != "space":
        # a labelled row whose cells are all printed blank (delimited tables keep empty cells)
        last_label = max((i for i, t in enumerate(tokens) if t.kind == TEXT), default=-1)
        if last_label >= 0 and len(tokens) - last_label - 1 >= MIN_BLANK_ROW:
            first_value = last_label + 1
    if first_value is None:
        texts = [t for t in tokens if t.kind == TEXT]
        if texts:
            line.label = "".join(t.text for t in texts)
            line.label_start, line.label_end = texts[0].start, texts[-1].end
        return line
    if mode != "space":
        # delimited cells: the values are every cell after the row's label cells, blanks included
        # (a row whose first value cell is blank keeps its alignment)
        last_label = max((i for i, t in enumerate(tokens[:first_value]) if t.kind == TEXT), default=-1)
        first_value = last_label + 1
    labels = [t for t in tokens[:first_value] if t.kind == TEXT]
    rest = tokens[first_value:]
    if any(t.kind == TEXT for t in rest):
        # values followed by text: a table row only when it carries several values
        k = next(i for i, t in enumerate(rest) if t.kind == TEXT)
        vals = rest[:k]
        if sum(1 for t in vals if t.kind != BLANK) < 3:
            everything = [t for t in tokens if t.kind != BLANK]
            line.label = "".join(t.text for t in everything)
            line.label_start, line.label_end = everything[0].start, everything[-1].end
            return line
        rest = vals
    if labels:
        line.label = "".join(t.text for t in labels)
        line.label_start, line.label_end = labels[0].start, labels[-1].end
    line.values = rest
    return line


def prints_outer_pipes(text: str, start: int, end: int) -> bool:
    """Whether the pipe rows of ``text[start:end]`` are Markdown rows (every one opens with ``|``)
    rather than cells joined with `` | `` (rows that open with their label)."""
    for line in text[start:end].split("\n"):
        s = line.strip()
        if "|" in s and not s.startswith("|") and not _PIPE_RULE.match(s):
            return False
    return True


def read_lines(text: str, start: int, end: int) -> list[TableLine]:
    """Every meaningful line of ``text[start:end]``."""
    out: list[TableLine] = []
    edges = prints_outer_pipes(text, start, end)
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        le = end if nl < 0 else nl
        ln = read_line(text, pos, le, edges)
        if ln is not None:
            out.append(ln)
        pos = le + 1
    return out


def _trim(values: list[Token]) -> list[Token]:
    while values and values[-1].kind == BLANK:
        values = values[:-1]
    return values


def _glued_like(values: list[Token], width: int) -> bool:
    """A single bare number with at least ``width`` digits in a wide table: a whole row printed glued."""
    vals = _trim(values)
    return width >= 7 and len(vals) == 1 and vals[0].kind == NUM and len(vals[0].digits) >= width


def group_rows(lines: list[TableLine], width: int) -> list[RawRow]:
    """Merge value lines into rows of up to ``width`` cells.

    A value line with its own label starts a row; a label-less value line continues
    the current row when no text came between and the row is still short (one cell a
    line, a row split by a page break); otherwise it starts a row labelled with the
    text printed since the previous row.
    """
    rows: list[RawRow] = []
    pending: list[TableLine] = []
    current: RawRow | None = None
    for ln in lines:
        if not ln.is_value_line:
            if ln.has_text:
                pending.append(ln)
                current = None
            continue
        vals = ln.values
        if (current is not None and not ln.has_text and not pending and not _glued_like(vals, width)
                and not _glued_like(current.values, width)
                and len(_trim(current.values)) < width and len(_trim(current.values)) + len(_trim(vals)) <= width):
            current.values = _trim(current.values) + vals
            continue
        if ln.has_text:
            row = RawRow(list(vals), ln.label, ln.label_start, ln.label_end, True, ln.start)
        else:
            tail = pending[-3:]
            label = "".join(p.label for p in tail)
            row = RawRow(list(vals), label, tail[0].label_start if tail else -1, tail[-1].label_end if tail else -1,
                         False, ln.start, tail[-1].label if tail else "")
        rows.append(row)
        pending = []
        current = row
    for r in rows:
        # too many cells: an empty label column comes first, then blank edges at the end
        while len(r.values) > width and r.values[0].kind == BLANK:
            r.values = r.values[1:]
        while len(r.values) > width and r.values[-1].kind == BLANK:
            r.values = r.values[:-1]
    return rows
