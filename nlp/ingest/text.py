"""Plain text and Markdown: encoding detection and light Markdown clean-up."""
from __future__ import annotations

import re

from ..errors import ReportReadError
from .normalize import normalize_text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_COMMON_CJK = set("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞")


def _cjk_quality(text: str) -> float:
    """Share of CJK characters that are among the most common ones (high for a correct decoding)."""
    cjk = _CJK.findall(text[:20000])
    if not cjk:
        return 0.0
    return sum(1 for c in cjk if c in _COMMON_CJK) / len(cjk)


def _is_binary(text: str) -> bool:
    sample = text[:20000]
    return bool(sample) and len(_CONTROL.findall(sample)) > max(3, 0.01 * len(sample))


def decode_bytes(data: bytes, path: str, html: bool = False) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding). UTF-8 (±BOM), UTF-16, GB18030/GBK, Big5 are
    detected; an undecidable or binary file raises :class:`ReportReadError`."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ReportReadError(path, "starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    head = data[:4000]
    nul = head.count(b"\x00")
    if nul > len(head) * 0.2:
        even = head[0::2].count(b"\x00")
        odd = head[1::2].count(b"\x00")
        for enc, ok in (("utf-16-le", odd > even), ("utf-16-be", even > odd)):
            if ok:
                try:
                    t = data.decode(enc)
                    if not _is_binary(t):
                        return t, enc
                except UnicodeDecodeError:
                    pass
        raise ReportReadError(path, "binary file, not text (NUL bytes)")
    try:
        t = data.decode("utf-8")
        if _is_binary(t):
            raise ReportReadError(path, "binary file, not text (control characters)")
        return t, "utf-8"
    except UnicodeDecodeError:
        pass
    if html:
        m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", data[:4096], re.I)
        if m:
            enc = m.group(1).decode("ascii").lower()
            enc = "gb18030" if enc in ("gb2312", "gbk", "gb18030", "x-gbk") else enc
            try:
                return data.decode(enc), enc
            except (LookupError, UnicodeDecodeError):
                pass
    candidates: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "big5"):
        try:
            t = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if not _is_binary(t):
            candidates.append((_cjk_quality(t), enc, t))
    if candidates:
        candidates.sort(reverse=True)
        q, enc, t = candidates[0]
        if q >= 0.3:
            return t, enc
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()   # it handles decoding errors itself; its own failure is a bug to see
    if best is not None and best.encoding and best.chaos < 0.3:
        t = str(best)
        if not _is_binary(t):
            import codecs

            return t, codecs.lookup(best.encoding).name
    if _is_binary(data[:20000].decode("latin-1")):
        raise ReportReadError(path, "binary file, not text")
    raise ReportReadError(path, "cannot determine the text encoding (tried UTF-8, UTF-16, GB18030, Big5)")


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def read_markdown_or_text(raw: str, fmt: str, changes: list[str]) -> str:
    """Markdown markers (#, **, table rule lines) are removed; pipe tables stay as ``| a | b |`` rows."""
    if fmt == "md" or _MD_HEADING.search(raw[:5000]):
        lines = []
        for ln in raw.splitlines():
            if _MD_TABLE_RULE.match(ln):
                continue
            ln = _MD_HEADING.sub("", ln)
            ln = _MD_EMPHASIS.sub(r"\2", ln)
            lines.append(ln)
        raw = "\n".join(lines)
        changes.append("removed Markdown heading/emphasis markers and table rule lines")
    return normalize_text(raw, changes)
