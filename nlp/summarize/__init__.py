"""Summaries of annual reports: a headline plus the key sentences, per section, part or report.

``summarize(report, level=..., method=..., max_chars=..., model_dir=...)`` returns one
:class:`Summary` per unit. Key sentences are always extractive (spans into
``Report.text``). The headline comes from the project's own headline model
(``models/summarizer``: char-level BART + clause scorer, trained by
``xxgk train summarizer``), from any local Hugging Face seq2seq checkpoint
(``model_dir`` pointing at one), or from the extractive fallback. Generated
headlines pass the faithfulness guard (numbers, dates, percentages, quoted names
must occur in the source) or are replaced by the extractive headline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.document import Report
from nlp.errors import ModelLoadError, XxgkError
from nlp.resources import model_dir
from nlp.vocabulary import STANDARD_PART_TITLES, SUMMARY_HEADLINE_ROWS, SUMMARY_KEY_NUMBERS_LABEL, SUMMARY_TABLE_KEY_NUMBERS

from .extractive import extract, first_clause, lead_clause, textrank_clause
from .guard import GuardResult, check_faithful

__all__ = ["summarize", "Summary", "DEFAULT_MODEL_DIR", "LEVELS", "METHODS", "check_faithful", "load_model"]

DEFAULT_MODEL_DIR = model_dir("summarizer")
LEVELS = ("section", "part", "report")
METHODS = ("auto", "extractive", "abstractive")
#: a number with a unit (1295件, 1.24万余条, 12%)
_NUMBER_UNIT = re.compile(r"\d+(?:\.\d+)?\s*(?:万余|万|余)?\s*(?:件|条|次|个|项|人次|人|篇|场|家|%|％)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Summary:
    """One summary: ``headline`` + ``summary`` (key sentences) of ``report``'s unit ``key``.

    ``method``: 'abstractive' (generated headline that passed the guard), 'extractive',
    or 'extractive-fallback' (the generated headline failed the guard); ``faithful``:
    the guard's verdict on the generated headline (None when nothing was generated).
    """

    report: str
    level: str
    key: str
    start: int
    end: int
    method: str
    headline: str
    summary: str
    source_spans: list[tuple[int, int]]
    faithful: bool | None = None
    guard: dict | None = None
    generated: str | None = None
    model: str | None = None
    key_numbers: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {"report": self.report, "level": self.level, "key": self.key, "start": self.start, "end": self.end,
             "method": self.method, "headline": self.headline, "summary": self.summary,
             "source_spans": [list(s) for s in self.source_spans], "faithful": self.faithful}
        if self.guard is not None:
            d["guard"] = self.guard
            d["generated"] = self.generated
        if self.model:
            d["model"] = self.model
        if self.key_numbers:
            d["key_numbers"] = self.key_numbers
        return d

    def to_text(self) -> str:
        guard = "" if self.faithful is None else (" guard: passed" if self.faithful else " guard: REJECTED")
        head = f"[{self.report} {self.level} {self.key} {self.start}-{self.end}] {self.method}{guard}"
        return f"{head}\n  {self.headline}\n" + "\n".join("    " + line for line in self.summary.splitlines() if line)


# ------------------------------------------------------------------ models

_CACHE: dict[str, Any] = {}


class HFHeadliner:
    """Any local Hugging Face seq2seq checkpoint (AutoTokenizer / AutoModelForSeq2SeqLM); long inputs chunked."""

    def __init__(self, path: Path):
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(str(path), local_files_only=True)
        except Exception as e:  # transformers raises many types for a bad folder
            raise ModelLoadError(f"{path}: cannot load a Hugging Face seq2seq checkpoint ({type(e).__name__}: {e})") from e
        self.model.eval()
        self.path = path
        limit = getattr(self.model.config, "max_position_embeddings", None) or 512
        tok_limit = getattr(self.tokenizer, "model_max_length", 512) or 512
        self.max_tokens = max(16, min(int(limit), int(tok_limit) if tok_limit < 100000 else 512, 512))

    def chunks(self, text: str, max_chunks: int = 4) -> list[str]:
        """Character windows of at most ``max_tokens - 2`` characters (each tokenized with truncation)."""
        size = self.max_tokens - 2
        return [text[k:k + size] for k in range(0, max(1, len(text)), size)][:max_chunks]

    def headlines(self, bodies: list[str], num_beams: int = 1, max_new_tokens: int = 32) -> list[str]:
        import torch

        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        out = []
        with torch.inference_mode():
            for body in bodies:
                parts = []
                for c in self.chunks(body):
                    enc = self.tokenizer(c, truncation=True, max_length=self.max_tokens, return_tensors="pt")
                    g = self.model.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                                            num_beams=num_beams, do_sample=False, max_new_tokens=max_new_tokens,
                                            pad_token_id=pad)
                    parts.append(self.tokenizer.decode(g[0], skip_special_tokens=True).replace(" ", "").strip())
                out.append("；".join(p for p in parts if p)[:60])
        return out


def is_own_artefact(path: Path) -> bool:
    return (Path(path) / "generator.safetensors").is_file() and (Path(path) / "vocab.json").is_file()


def load_model(model_dir: str | Path | None = None):
    """The headline model in ``model_dir`` (default: the shipped one), cached per path."""
    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    key = str(path.resolve())
    if key not in _CACHE:
        if not path.exists():
            raise ModelLoadError(f"{path}: model folder not found")
        if is_own_artefact(path):
            from .model import load_headline_model

            _CACHE[key] = load_headline_model(path)
        elif (path / "config.json").is_file():
            _CACHE[key] = HFHeadliner(path)
        else:
            raise ModelLoadError(f"{path}: neither an xxgk summarizer artefact nor a Hugging Face checkpoint "
                                 "(no config.json)")
    return _CACHE[key]


# ------------------------------------------------------------------ units

@dataclass
class _Unit:
    key: str
    start: int          # unit span (for the output)
    end: int
    body_start: int     # where the text to summarize begins (after a heading/title)
    sentences: list[tuple[int, int]] | None


def _table_spans(report: Report) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in report.tables]


def _sentences_in(report: Report, a: int, b: int) -> list[tuple[int, int]] | None:
    sents = [(s.start, s.end) for s in report.sentences() if a <= s.start and s.end <= b]
    return sents or None


def _has_prose(text: str) -> bool:
    t = re.sub(r"\s", "", text)
    return len(t) >= 12 and len(_CJK.findall(t)) / max(1, len(t)) >= 0.5 and any(c in t for c in "，。；")


def _units(report: Report, level: str) -> list[_Unit]:
    tables = _table_spans(report)
    text = report.text
    if not report.parts:
        a = report.preamble[1] if report.preamble and report.preamble[1] > 0 else 0
        return [_Unit("text", 0, len(text), a, _sentences_in(report, a, len(text)))]
    if level == "report":
        return [_Unit("report", 0, len(text), 0, None)]
    units = []
    for part in report.parts:
        if level == "part":
            a = part.title_end if part.title_end > 0 else part.start
            if not _has_prose(_body_for_model(report, a, part.end, tables)):
                continue
            units.append(_Unit(part.key, part.start, part.end, a, _sentences_in(report, a, part.end)))
            continue
        for i, sec in enumerate(part.sections, 1):
            a = sec.body_start if sec.body_start >= 0 else sec.start
            if not _has_prose(_body_for_model(report, a, sec.end, tables)):
                continue
            units.append(_Unit(f"{part.key}.{i}", sec.start, sec.end, a, _sentences_in(report, a, sec.end)))
    return units


def _key_numbers(report: Report, spans: list[tuple[int, int]], limit: int = 6) -> list[dict]:
    """Clauses stating a number with a unit (…公开申请1295件), cut after the first such number."""
    from nlp.sentences import split_clauses as clause_spans

    out, seen = [], set()
    for a, b in spans:
        for ca, cb in clause_spans(report.text, a, b):
            m = _NUMBER_UNIT.search(report.text, ca, cb)
            if not m:
                continue
            s, e = ca, m.end()
            if e - s > 30:
                s = e - 30
            label = re.sub(r"\s", "", report.text[s:e])
            if len(_CJK.findall(label)) < 3 or label in seen:
                continue
            seen.add(label)
            out.append({"text": label, "start": s, "end": e})
            if len(out) >= limit:
                return out
    return out


def _table_key_numbers(report: Report) -> list[dict]:
    """The statistics cells a briefing quotes (new requests, granted, reconsideration, litigation …),
    each with its cell key and text span; empty when the tables stage finds no such cell."""
    try:
        from nlp.tables import extract_tables

        tables = extract_tables(report)
    except Exception:  # the tables stage is optional here: a summary must not fail because of it
        return []
    out = []
    for table, row, column, label, unit in SUMMARY_TABLE_KEY_NUMBERS:
        cell = tables.cell(table, row, column)
        if cell is None or not cell.is_number:
            continue
        value = int(cell.value) if float(cell.value).is_integer() else cell.value
        out.append({"text": f"{label}{value}{unit}", "start": cell.start, "end": cell.end, "cell": cell.key,
                    "table": table})
    return out


# ------------------------------------------------------------------ summarize

def _body_for_model(report: Report, a: int, b: int, tables: list[tuple[int, int]]) -> str:
    """The unit's text without table regions, whitespace removed (the model's input)."""
    keep = []
    pos = a
    for ta, tb in sorted(tables):
        if tb <= a or ta >= b:
            continue
        keep.append(report.text[pos:max(pos, ta)])
        pos = max(pos, tb)
    keep.append(report.text[pos:b])
    return re.sub(r"\s+", "", "".join(keep))


def read_card(model_dir: str | Path | None = None) -> dict:
    """The model card (JSON only, no torch), or {} when there is none."""
    import json

    p = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    try:
        return json.loads((p / "card.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _extractive_headlines(bodies: list[str], card: dict, scorer_model) -> list[str]:
    """Headlines without generation: the clause scorer's pick when the ablation chose it (and the
    model is loaded), else the better of first clause / TextRank clause on the dev split."""
    if scorer_model is not None and getattr(scorer_model, "scorer", None) is not None:
        idx = [i for i, b in enumerate(bodies) if b]
        heads = [""] * len(bodies)
        for i, r in zip(idx, scorer_model.headlines([bodies[i] for i in idx], "extract")):
            heads[i] = r["headline"]
        return heads
    pick = {"textrank_clause": textrank_clause, "first_clause": first_clause}.get(
        card.get("extractive_headline", "lead_clause"), lead_clause)
    return [pick(b)[:30] if b else "" for b in bodies]


def summarize(report: Report | str, level: str = "section", method: str = "auto", max_chars: int = 200,
              model_dir: str | Path | None = None, num_beams: int = 1, themes: list[str] | None = None) -> list[Summary]:
    """Summarize a report per section, part or the whole report.

    ``report``: a parsed :class:`Report` or raw text (parsed with ``nlp.structure.parse_text``;
    text without report structure becomes one section). ``method``: 'auto' (the
    ablation's best, see models/summarizer/card.json), 'extractive' or 'abstractive'.
    ``max_chars``: budget of the key sentences per unit. ``model_dir``: the project's
    artefact (default ``models/summarizer``) or any local HF seq2seq checkpoint.
    """
    if level not in LEVELS:
        raise XxgkError(f"unknown level {level!r} (choose one of {', '.join(LEVELS)})")
    if method not in METHODS:
        raise XxgkError(f"unknown method {method!r} (choose one of {', '.join(METHODS)})")
    if max_chars < 10:
        raise XxgkError(f"--max-chars must be at least 10 (got {max_chars})")
    if isinstance(report, str):
        from nlp.structure import parse_text

        report = parse_text(report)
    tables = _table_spans(report)
    units = _units(report, level)

    card = read_card(model_dir)
    model = None
    want_generation = method == "abstractive" or (method == "auto" and (
        model_dir is not None and not is_own_artefact(Path(model_dir)) or card.get("default_method") == "abstractive"))
    want_scorer = method == "auto" and card.get("default_variant") == "extract"
    if want_generation or want_scorer:
        try:
            model = load_model(model_dir)
        except ModelLoadError:
            if method == "abstractive" or model_dir is not None:
                raise
            model, want_generation, want_scorer = None, False, False  # no shipped model: extractive only
    model_name = str(getattr(model, "path", model_dir)) if model is not None else None

    if level == "report" and report.parts:
        return [_report_summary(report, max_chars, tables, model_name)]

    bodies = [_body_for_model(report, u.body_start, u.end, tables) for u in units]
    generated: list[str | None] = [None] * len(units)
    if want_generation and model is not None:
        generated = _generate(model, bodies, num_beams)
    ext_heads = _extractive_headlines(bodies, card, model if want_scorer else None)
    out = []
    for u, body, gen, ext_head in zip(units, bodies, generated, ext_heads):
        spans = extract(report.text, u.body_start, u.end, max_chars=max_chars, exclude=tables, themes=themes,
                        sentences=u.sentences)
        summary_text = "\n".join(re.sub(r"\s+", "", report.text[a:b]) for a, b in spans)
        if gen is None:
            out.append(Summary(report.id, level, u.key, u.start, u.end, "extractive", ext_head, summary_text, spans,
                               None, None, None, model_name))
            continue
        res: GuardResult = check_faithful(gen, report.text[u.start:u.end])
        if res.passed and gen.strip():
            out.append(Summary(report.id, level, u.key, u.start, u.end, "abstractive", gen, summary_text, spans,
                               True, res.to_dict(), gen, model_name))
        else:
            out.append(Summary(report.id, level, u.key, u.start, u.end, "extractive-fallback", ext_head, summary_text,
                               spans, False, res.to_dict(), gen, model_name))
    return out


def _generate(model, bodies: list[str], num_beams: int) -> list[str | None]:
    idx = [i for i, b in enumerate(bodies) if b]
    res: list[str | None] = [None] * len(bodies)
    if not idx:
        return res
    if isinstance(model, HFHeadliner):
        heads = model.headlines([bodies[i] for i in idx], num_beams=num_beams)
    else:
        variant = model.card.get("best_abstractive_variant") if model.card.get("default_method") != "abstractive" \
            else model.default_variant
        heads = [r["headline"] for r in model.headlines([bodies[i] for i in idx], variant or "extract_compress",
                                                        num_beams=num_beams)]
    for i, h in zip(idx, heads):
        res[i] = h
    return res


def _report_summary(report: Report, max_chars: int, tables, model_name) -> Summary:
    """One line per part (its most central sentence, cut to a share of the budget) plus key numbers."""
    lines, spans = [], []
    per_part = max(40, max_chars // max(1, len(report.parts)))
    table_numbers = _table_key_numbers(report)
    for part in report.parts:
        a = part.title_end if part.title_end > 0 else part.start
        s = extract(report.text, a, part.end, max_chars=per_part, exclude=tables,
                    sentences=_sentences_in(report, a, part.end))
        title = part.title or STANDARD_PART_TITLES.get(part.key, part.key)
        head = f"{part.number}、{title}：" if part.number else f"{title}："
        if s:
            spans.append(s[0])
            lines.append(head + re.sub(r"\s+", "", report.text[s[0][0]:s[0][1]]))
        else:  # a part that is only a table: its key cells stand for it
            own = [k for k in table_numbers if k["table"] == part.key]
            if own:
                lines.append(head + "，".join(k["text"] for k in own))
                spans.extend((k["start"], k["end"]) for k in own)
    prose = [(se.start, se.end) for se in report.sentences()
             if not any(ta <= se.start < tb for ta, tb in tables)]
    headline_numbers = [k for k in table_numbers if k["cell"].split(":")[1] in SUMMARY_HEADLINE_ROWS]
    room = 6 - len(headline_numbers)
    key_numbers = headline_numbers + (_key_numbers(report, prose, limit=room) if room > 0 else [])
    if key_numbers:
        lines.append(SUMMARY_KEY_NUMBERS_LABEL + "；".join(k["text"] for k in key_numbers))
    headline = report.title or (f"{report.agency}{report.year}" if report.agency else report.id)
    return Summary(report.id, "report", "report", 0, len(report.text), "extractive", headline, "\n".join(lines),
                   spans + [(k["start"], k["end"]) for k in key_numbers], None, None, None, model_name, key_numbers)


from nlp._callable import make_module_callable  # noqa: E402

make_module_callable(__name__, "summarize")  # ``nlp.summarize(report)`` works after the package is imported
