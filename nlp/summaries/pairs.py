"""Mine (heading -> body) pairs for training and evaluating the headline model.

Two sources:

- in-domain: the shared annual reports and excerpts. Sections are read with the
  project's parser (``nlp.structure``) when it is available; otherwise (and for
  reproducibility of the shipped model) with :func:`mine_text`, a line-based
  miner over the same numbering shapes (marked: local fallback, not the parser).
- out-of-domain: official prose in ``../shared/pretrain/*.jsonl.gz`` (laws,
  government work reports, policies) mined with :func:`mine_text` and the quality
  filters of :func:`good_heading` (heading 4-30 chars, informative, not a legal condition,
  body >= 40 chars, mostly Chinese prose).

Every pair keeps ``doc`` (the document id) so dev splits are held out by document.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Iterator

from nlp.ingest.script import t2s_converter
from nlp.format import (
    SUMMARY_GENERIC_HEADINGS,
    SUMMARY_LEGAL_CONDITION,
    SUMMARY_NOISE_PATTERNS,
)

#: numbered heading at a line start: （一） / (一) / 一、 / 1. / 1、 / （1）
_LINE_MARKER = re.compile(
    r"^[\s#>*]*(?:[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*[、．.]|\d{1,2}\s*[、．.](?!\d)|[（(]\d{1,2}[）)]"
    r"|第[一二三四五六七八九十]{1,3}(?:部分|章|节)\s*)\s*"
)
#: inline enumerations 一是… 二是…
#: lines that end a body without starting a heading (articles of a law)
_BOUNDARY = re.compile(r"^[\s#>*]*第[一二三四五六七八九十百零\d]+条")
_SHI_MARKER = re.compile(r"(?:^|[。；;！：:，,\s])([一二三四五六七八九十])是")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENT_END = "。！？；!?;"
#: a heading line ends at the first of these (inline heading + body)
_HEADING_END = re.compile(r"[。：:；;！？]")

MIN_HEADING, MAX_HEADING, MIN_BODY, MAX_BODY = 4, 30, 40, 600


@dataclass
class Pair:
    """One heading -> body pair; ``doc`` identifies the source document (for splits)."""

    heading: str
    body: str
    doc: str
    source: str  # 'report', 'excerpt', 'laws', 'policies', ...
    in_domain: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def clean_line(line: str) -> str:
    """Strip markup noise (docx bookmarks, markdown emphasis) from one line."""
    for pat in SUMMARY_NOISE_PATTERNS:
        line = pat.sub("", line)
    return line.strip()


def cjk_ratio(text: str) -> float:
    t = re.sub(r"\s", "", text)
    return len(_CJK.findall(t)) / max(1, len(t))


def good_heading(h: str) -> bool:
    """Quality filter for a heading phrase, so mined pairs look like real report headings: 4-30 chars, informative, not a legal condition."""
    if not (MIN_HEADING <= len(h) <= MAX_HEADING):
        return False
    if SUMMARY_LEGAL_CONDITION.search(h):
        return False
    if h in SUMMARY_GENERIC_HEADINGS:
        return False
    if cjk_ratio(h) < 0.6:
        return False
    if len(set(_CJK.findall(h))) < 3:
        return False
    return True


def good_body(b: str) -> bool:
    return len(b) >= MIN_BODY and cjk_ratio(b) >= 0.6 and any(c in b for c in _SENT_END + "，")


def _split_heading(rest: str) -> tuple[str, str] | None:
    """Split the text after a marker into (heading, inline body); None if no heading shape."""
    m = _HEADING_END.search(rest)
    if m and m.start() <= MAX_HEADING:
        return rest[:m.start()].strip(), rest[m.end():].strip()
    if not m and len(rest) <= MAX_HEADING:
        return rest.strip(), ""
    return None


def mine_text(text: str, doc: str, source: str, in_domain: bool = False, require_inline: bool = False) -> list[Pair]:
    """Mine heading -> body pairs from one document's text (line-based).

    A numbered line gives a heading (up to its first 。/：) and a body (rest of the
    line plus following lines until the next numbered line). ``一是X，…`` gives X
    and the text up to the next enumeration.
    """
    lines = [clean_line(x) for x in text.splitlines()]
    lines = [x for x in lines if x]
    pairs: list[Pair] = []
    i = 0
    while i < len(lines):
        m = _LINE_MARKER.match(lines[i])
        if not m:
            i += 1
            continue
        split = _split_heading(lines[i][m.end():])
        j = i + 1
        body_lines = []
        while j < len(lines) and not _LINE_MARKER.match(lines[j]) and not _BOUNDARY.match(lines[j]):
            body_lines.append(lines[j])
            j += 1
        if split:
            heading, inline = split
            if require_inline and not inline:
                i = j if j > i + 1 else i + 1
                continue
            body = "".join(([inline] if inline else []) + body_lines)[:MAX_BODY]
            if good_heading(heading) and good_body(body):
                pairs.append(Pair(heading, body, doc, source, in_domain))
        i = j if j > i + 1 else i + 1
    # inline enumerations: 一是X，... 二是Y，...
    for para in lines:
        hits = list(_SHI_MARKER.finditer(para))
        if len(hits) < 2:
            continue
        for k, h in enumerate(hits):
            seg_end = hits[k + 1].start() + 1 if k + 1 < len(hits) else len(para)
            seg = para[h.end():seg_end]
            e = re.search(r"[，,。；;：:]", seg)
            if not e or e.start() > MAX_HEADING:
                continue
            heading, body = seg[:e.start()].strip(), seg[e.end():].strip()
            if good_heading(heading) and good_body(body):
                pairs.append(Pair(heading, body[:MAX_BODY], doc, source, in_domain))
    return pairs


# ---------------------------------------------------------------- corpora

def read_shared_text(path: Path) -> str:
    """Plain text of a shared corpus file (txt/md as is, pdf via pdfplumber), simplified script."""
    if path.suffix.lower() == ".pdf":
        import pdfplumber

        with pdfplumber.open(str(path)) as pdf:
            text = "\n".join((p.extract_text() or "") for p in pdf.pages)
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    return t2s_converter().convert(text)


def in_domain_pairs(corpus_dir: Path, suffixes: Iterable[str] | None = None) -> list[Pair]:
    """Heading -> body pairs from the shared reports and excerpts (one doc id per file)."""
    from ..ingest.pdf import pdfminer_errors

    pairs: list[Pair] = []
    for sub, source, p in _corpus_files(corpus_dir, suffixes):
        try:
            text = read_shared_text(p)
        except (OSError, UnicodeError, ValueError, *pdfminer_errors()):  # an unreadable file gives no pairs
            continue
        # PDF text layers wrap lines: join lines that do not end a sentence or a heading
        if p.suffix.lower() == ".pdf":
            text = _unwrap(text)
        pairs.extend(mine_text(text, f"{sub}/{p.name}", source, in_domain=True))
    return pairs


def _corpus_files(corpus_dir: Path, suffixes: Iterable[str] | None) -> Iterator[tuple[str, str, Path]]:
    """(sub-folder, source kind, path) of the shared corpus's reports and excerpts, sorted."""
    for sub, source in (("reports", "report"), ("excerpts", "excerpt")):
        for p in sorted((corpus_dir / sub).glob("*")):
            if p.is_file() and (suffixes is None or p.suffix.lower() in suffixes):
                yield sub, source, p


def parser_pairs(corpus_dir: Path, suffixes: Iterable[str] | None = None) -> list[Pair]:
    """Heading -> body pairs from the project's parser (``Section.heading`` / ``Section.body``).

    Measured on the shared corpus: 153 pairs, 131 of them also found by :func:`in_domain_pairs`
    (168). The shipped model was trained with the line miner (its run started before the
    parser existed); ``TrainPlan(in_domain_miner="parser")`` uses this instead.
    """
    from nlp.errors import XxgkError
    from nlp.structure import read_report

    pairs: list[Pair] = []
    for sub, source, p in _corpus_files(corpus_dir, suffixes):
        try:
            report = read_report(p)
        except XxgkError:
            continue
        for sec in report.sections():
            heading = sec.heading.strip().rstrip("。：:；;")
            body = "".join(sec.body.split())
            if good_heading(heading) and good_body(body):
                pairs.append(Pair(heading, body[:MAX_BODY], f"{sub}/{p.name}", source, True))
    return pairs


def _unwrap(text: str) -> str:
    out: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if re.fullmatch(r"[-—\s]*\d+[-—\s]*", s):
            continue
        if out and out[-1] and out[-1][-1] not in _SENT_END + "：:" and not _LINE_MARKER.match(s) and len(out[-1]) > 20:
            out[-1] += s
        else:
            out.append(s)
    return "\n".join(out)


def iter_pretrain_docs(pretrain_dir: Path, names: Iterable[str] | None = None) -> Iterator[tuple[str, str, str]]:
    """Yield (doc id, source name, text) from ../shared/pretrain/*.jsonl.gz (CSL excluded)."""
    for f in sorted(pretrain_dir.glob("*.jsonl.gz")):
        name = f.name.split(".")[0]
        if name.startswith("csl") or (names is not None and name not in names):
            continue
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for k, line in enumerate(fh):
                if not line.strip():
                    continue
                d = json.loads(line)
                yield f"{name}/{d.get('id', k)}", name, d.get("text", "")


def pretrain_sources(pretrain_dir: Path) -> list[str]:
    """Names of the pre-training files (CSL excluded)."""
    return [f.name.split(".")[0] for f in sorted(pretrain_dir.glob("*.jsonl.gz")) if not f.name.startswith("csl")]


#: pretrain files mined for pairs: laws are left out (their numbered items are legal
#: conditions and list entries, not headings; measured: ~600 inline items, mostly
#: "first clause -> rest of the article"); they still serve denoising pre-training
PAIR_SOURCES = ("policies", "national-government-work-reports", "provincial-government-work-reports-2025")


def pretrain_pairs(pretrain_dir: Path, sources: Iterable[str] = PAIR_SOURCES) -> list[Pair]:
    """Heading -> body pairs mined from the official prose in ../shared/pretrain."""
    pairs: list[Pair] = []
    for doc, name, text in iter_pretrain_docs(pretrain_dir, names=set(sources)):
        pairs.extend(mine_text(text, doc, name, require_inline=(name == "laws")))
    return pairs


def dedupe(pairs: list[Pair]) -> list[Pair]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in pairs:
        k = (p.heading, p.body[:60])
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def is_dev_doc(doc: str, dev_share: float) -> bool:
    """Deterministic hold-out by document id."""
    h = int(hashlib.sha256(doc.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return h < dev_share


def split_by_document(pairs: list[Pair], dev_share: float) -> tuple[list[Pair], list[Pair]]:
    train, dev = [], []
    for p in pairs:
        (dev if is_dev_doc(p.doc, dev_share) else train).append(p)
    return train, dev


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
