"""Cells from tokens: printed cells, and cells decoded from glued digits."""
from __future__ import annotations

from .lines import BLANK, NA, NUM, Token
from .model import SEMANTIC_BLANK, SEMANTIC_INFERRED, SEMANTIC_NA, SEMANTIC_NUMBER, Cell

# ---- cells

def cell_from_token(table: str, row: str, column: str, tok: Token, label: str = "") -> Cell:
    if tok.kind == NUM:
        return Cell(table, row, column, tok.value, tok.text, SEMANTIC_NUMBER, tok.start, tok.end, label=label)
    if tok.kind == NA:
        return Cell(table, row, column, None, tok.text, SEMANTIC_NA, tok.start, tok.end, label=label)
    return Cell(table, row, column, None, tok.text, SEMANTIC_BLANK, tok.start, tok.end, label=label)


def glued_cells(table: str, row: str, columns: tuple[str, ...], toks: list[Token],
                 decodings: list[list[tuple[int, int, int]]], chosen: int, label: str) -> list[Cell]:
    """Cells of a glued row from decoding ``chosen`` (others become alternatives)."""
    out = []
    uncertain = len(decodings) > 1
    for ci, (col, (value, ti, off)) in enumerate(zip(columns, decodings[chosen])):
        tok = toks[ti]
        digits = str(value)
        alts = sorted({d[ci][0] for d in decodings if d[ci][0] != value})
        out.append(Cell(table, row, col, value, digits, SEMANTIC_INFERRED, tok.start + off, tok.start + off + len(digits),
                        uncertain=uncertain and bool(alts), alternatives=alts, label=label))
    return out


def glued_strings(values: list[Token]) -> list[str] | None:
    vals = [t for t in values if t.kind != BLANK]
    if vals and all(t.kind == NUM and t.digits for t in vals):
        return [t.digits for t in vals]
    return None
