"""Narrative phrases that restate table cells, and the fee words part 六 must match."""
from __future__ import annotations

import re

#: narrative phrases that restate table cells (TXT-NUM). Each: an id, a regex whose group
#: 'n' is the number, the cell expression(s) it may restate ('|' separates acceptable
#: alternatives, '+' sums rows; a row prefix ending in '.' sums the group; 'row@column' names a
#: column ('@org': the five 法人或其他组织 columns); block keys are
#: table-4 blocks), and whether a mismatch is a fail ('strong') or only uncertain ('weak';
#: 'context': strong when the sentence speaks of applications, see NARRATIVE_CONTEXT_WORDS).
NARRATIVE_NUMBER_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("granted_partly", r"予以公开(?:及|和|、|与)部分公开[^。；，\d]{0,6}?(?P<n>\d+)\s*件", "granted+partly_granted", "strong"),
    ("received", r"(?:收到|受理|接收|新收|共收|接到)[^。；，\d]{0,16}?申请[^。；，\d]{0,6}?(?P<n>\d+)\s*件",
     "received|received+carried_over", "weak"),
    ("received_alt", r"受理(?:依申请公开|依申请|申请)?(?:共计|共|总计|合计)\s*(?P<n>\d+)\s*件", "received|received+carried_over", "weak"),
    ("received_person", r"其中自然人(?:申请|提出)?[^。；，\d]{0,4}?(?P<n>\d+)\s*件",
     "received@natural_person|received@natural_person+carried_over@natural_person", "weak"),
    ("received_org", r"法人或其他组织(?:申请|提出)?[^。；，\d]{0,4}?(?P<n>\d+)\s*件", "received@org|received@org+carried_over@org", "weak"),
    ("carried_over", r"上一?年度?结转(?:的|政府信息公开)?(?:申请)?[^。；，\d]{0,8}?(?P<n>\d+)\s*件", "carried_over", "strong"),
    ("carried_forward", r"(?:结转|转)(?:至|到)?下一?年度?[^。；，\d]{0,12}?(?P<n>\d+)\s*件", "carried_forward", "strong"),
    ("carried_forward_pre", r"(?P<n>\d+)\s*件[^。；，\d]{0,4}?(?:顺延|结转|转)(?:到|至)?下一?年度?", "carried_forward", "strong"),
    ("granted", r"(?:予以公开|同意公开)(?:答复)?(?:的)?(?:共)?\s*(?P<n>\d+)\s*件", "granted", "strong"),
    ("partly_granted", r"部分公开(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "partly_granted", "strong"),
    ("refused", r"不予公开(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "refused.", "strong"),
    ("unable", r"无法提供(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "unable.", "strong"),
    ("not_processed", r"不予处理(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "not_processed.", "strong"),
    ("other_processed", r"其他处理(?:答复)?(?:的)?\s*(?P<n>\d+)\s*件", "other.|other", "strong"),
    ("total", r"(?<!公开)(?<!提供)(?<!处理)(?:办结|答复|办理|处理完成|办理完毕)(?:了)?(?:申请)?(?:共计|共|总计)?\s*(?P<n>\d+)\s*件", "total", "context"),
    ("both_zero", r"行政复议(?:和|、|及|与)(?:行政)?诉讼(?:案件)?(?:数量|数)?均为\s*(?P<n>\d+)", "review&litigation_direct+litigation_after_review", "strong"),
    ("review_pre", r"(?P<n>\d+)\s*件[^。；，\d]{0,16}?行政复议", "review", "strong"),
    ("review", r"行政复议(?:案件)?(?:数量|数)?(?:共|为|共计)?\s*(?P<n>\d+)\s*件", "review", "strong"),
    ("litigation", r"行政诉讼(?:案件)?(?:数量|数)?(?:共|为|共计)?\s*(?P<n>\d+)\s*件", "litigation_direct+litigation_after_review", "strong"),
    ("review_and_litigation", r"复议[、和及与](?:行政)?诉讼[^。；\d]{0,24}?案件\s*(?P<n>\d+)\s*件",
     "review+litigation_direct+litigation_after_review", "weak"),
    ("proactive_rules", r"(?:主动公开|公开|制发|出台|发布)[^。；，\d]{0,10}?规章\s*(?P<n>\d+)\s*件", "proactive:rules", "weak"),
    ("proactive_normative", r"(?:主动公开|公开|制发|出台|发布)[^。；，\d]{0,14}?规范性文件\s*(?P<n>\d+)\s*件",
     "proactive:normative_docs", "weak"),
    ("proactive_items", r"主动公开[^。；，\d]{0,16}?信息\s*(?P<n>[\d.]+)\s*万?余?条", "none", "weak"),
)
#: words that make a 'context' narrative rule strong when its sentence contains one
NARRATIVE_CONTEXT_WORDS: tuple[str, ...] = ("政府信息公开申请", "依申请")
#: inside a sentence about one table-4 block: outcome words → table-4 columns
REVIEW_OUTCOME_WORDS: tuple[tuple[str, str], ...] = (
    ("结果维持", "upheld"), ("维持", "upheld"), ("结果纠正", "corrected"), ("纠正", "corrected"),
    ("其他结果", "other"), ("尚未审结", "pending"), ("未审结", "pending"),
)
#: words that mark a sentence about one table-4 block
REVIEW_BLOCK_WORDS: tuple[tuple[str, str], ...] = (
    ("复议后起诉", "litigation_after_review"), ("直接起诉", "litigation_direct"),
    ("行政复议", "review"), ("行政诉讼", "litigation"),
)
#: words that say information-processing fees were charged, and what part 六 must mention
FEE_WORDS: tuple[str, ...] = ("信息处理费", "处理费")
FEE_PART6_WORDS: tuple[str, ...] = ("信息处理费", "处理费", "收费", "收取", "费用")
#: a narrative amount of fees charged: 收取……信息处理费……N元
FEE_AMOUNT = re.compile(r"收取[^。；]{0,30}?(?:信息)?处理费[^。；\d]{0,10}?(?P<n>\d+(?:\.\d+)?)\s*(?:万)?元")
