"""Decode cells printed without separators (``801000081`` = 80, 1, 0, 0, 0, 0, 81).

A glued row is a list of digit strings whose cells must be split into ``width``
numbers. Splits never cross the boundaries the text does print, numbers have no
leading zeros (except ``0`` itself), and a ``check`` on the decoded row (the row-total
identity of table 3, the block totals of table 4) prunes candidates. The caller
resolves several surviving decodings with column identities or reports them uncertain.
"""
from __future__ import annotations

from itertools import product
from math import comb, prod
from typing import Callable, Iterator, Sequence

#: give up enumerating beyond this many candidate decodings of one row
MAX_DECODINGS = 64
#: a single cell never has more digits than this
MAX_CELL_DIGITS = 9
#: skip a distribution of cells over the strings with more raw splits than this (too ambiguous to enumerate)
MAX_SPLITS = 100_000


def _splits(s: str, parts: int) -> Iterator[list[str]]:
    """Every way to cut ``s`` into ``parts`` numbers without leading zeros."""
    if parts == 1:
        if len(s) <= MAX_CELL_DIGITS and (s == "0" or not s.startswith("0")):
            yield [s]
        return
    if len(s) < parts:
        return
    max_first = 1 if s[0] == "0" else min(MAX_CELL_DIGITS, len(s) - parts + 1)
    for k in range(1, max_first + 1):
        for rest in _splits(s[k:], parts - 1):
            yield [s[:k]] + rest


def _distributions(lengths: Sequence[int], width: int) -> Iterator[list[int]]:
    """How many numbers each glued string holds (each ≥ 1, ≤ its length, total ``width``)."""
    if not lengths:
        if width == 0:
            yield []
        return
    rest_min = len(lengths) - 1
    rest_max = sum(lengths[1:])
    for k in range(1, lengths[0] + 1):
        left = width - k
        if rest_min <= left <= rest_max:
            for d in _distributions(lengths[1:], left):
                yield [k] + d


def decode(strings: Sequence[str], width: int,
           check: Callable[[list[int]], bool] | None = None) -> list[list[tuple[int, int, int]]]:
    """All decodings of glued digit ``strings`` into ``width`` cells that pass ``check``.

    Each decoding is a list of (value, string index, offset in that string).
    """
    if not strings or any(not s.isdigit() for s in strings):
        return []
    if len(strings) == 1 and check is row_total_check:
        return [[(v, 0, off) for v, off in d] for d in _decode_with_total(strings[0], width)]
    block = getattr(check, "block", 0)
    if len(strings) == 1 and block and width % block == 0:
        return [[(v, 0, off) for v, off in d] for d in _decode_blocks(strings[0], width // block, block)]
    if block and width % block == 0 and len(strings) == width // block:
        # one block a string (table 4 printed one block a line): each string decoded on its own
        per_string = [[[(v, i, off) for v, off in d] for d in _decode_blocks(s, 1, block)] for i, s in enumerate(strings)]
        if prod(len(p) for p in per_string) > MAX_DECODINGS:
            return []
        return [[cell for part in combo for cell in part] for combo in product(*per_string)]
    if sum(len(s) for s in strings) < width or len(strings) > width:
        return []
    found: list[list[tuple[int, int, int]]] = []
    for dist in _distributions([len(s) for s in strings], width):
        if prod(comb(len(s) - 1, k - 1) for s, k in zip(strings, dist)) > MAX_SPLITS:
            continue
        pieces: list[list[list[str]]] = [list(_splits(s, k)) for s, k in zip(strings, dist)]
        if any(not p for p in pieces) or prod(len(p) for p in pieces) > MAX_SPLITS:
            continue

        def combine(i: int, acc: list[tuple[int, int, int]]) -> None:
            if len(found) >= MAX_DECODINGS:
                return
            if i == len(pieces):
                vals = [v for v, _, _ in acc]
                if check is None or check(vals):
                    found.append(list(acc))
                return
            for split in pieces[i]:
                off = 0
                cells = []
                for part in split:
                    cells.append((int(part), i, off))
                    off += len(part)
                combine(i + 1, acc + cells)

        combine(0, [])
    return found


def _ok(part: str) -> bool:
    return len(part) <= MAX_CELL_DIGITS and (part == "0" or not part.startswith("0"))


def _decode_with_total(s: str, width: int) -> list[list[tuple[int, int]]]:
    """Decodings of one glued row whose last cell is the sum of the others: the total is a
    suffix, and the prefix is split depth-first with the running sum bounded by it."""
    found: list[list[tuple[int, int]]] = []
    for tlen in range(1, min(MAX_CELL_DIGITS, len(s) - width + 1) + 1):
        head, tail = s[:-tlen], s[-tlen:]
        if not _ok(tail):
            continue
        total = int(tail)

        def dfs(pos: int, left: int, acc: list[tuple[int, int]], remaining: int) -> None:
            if len(found) >= MAX_DECODINGS:
                return
            if left == 1:
                part = head[pos:]
                if part and _ok(part) and int(part) == remaining:
                    found.append(acc + [(int(part), pos), (total, len(head))])
                return
            for k in range(1, min(MAX_CELL_DIGITS, len(head) - pos - left + 1) + 1):
                part = head[pos:pos + k]
                if not _ok(part):
                    break
                v = int(part)
                if v > remaining:
                    break
                dfs(pos + k, left - 1, acc + [(v, pos)], remaining - v)

        dfs(0, width - 1, [], total)
    return found


def _decode_blocks(s: str, blocks: int, block: int) -> list[list[tuple[int, int]]]:
    """Decodings of one glued string into ``blocks`` blocks whose last cell is the sum of the
    others: the block's parts are enumerated and its total must be the digits that follow."""
    found: list[list[tuple[int, int]]] = []

    def dfs(pos: int, done: int, acc: list[tuple[int, int]]) -> None:
        if len(found) >= MAX_DECODINGS:
            return
        if done == blocks:
            if pos == len(s):
                found.append(list(acc))
            return

        def parts(p: int, left: int, got: list[tuple[int, int]]) -> None:
            if left == 0:
                total = str(sum(v for v, _ in got))
                if s.startswith(total, p):
                    dfs(p + len(total), done + 1, acc + got + [(int(total), p)])
                return
            for k in range(1, min(MAX_CELL_DIGITS, len(s) - p) + 1):
                part = s[p:p + k]
                if not _ok(part):
                    break
                parts(p + k, left - 1, got + [(int(part), p)])

        parts(pos, block - 1, [])

    dfs(0, 0, [])
    return found


def row_total_check(values: list[int]) -> bool:
    """Table 3: the last cell is the sum of the others."""
    return values[-1] == sum(values[:-1])


def block_total_check(block: int) -> Callable[[list[int]], bool]:
    """Table 4: each block of ``block`` cells ends with the sum of the rest."""
    def check(values: list[int]) -> bool:
        return all(values[i + block - 1] == sum(values[i:i + block - 1]) for i in range(0, len(values), block))
    check.block = block  # type: ignore[attr-defined]
    return check
