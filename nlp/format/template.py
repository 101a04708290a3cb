"""Template text: sentences the format or the regulation mandates, legal citations, contact items,
political formulas and the shapes of tables printed as text. Masked before reuse, boilerplate and
year-over-year scores; still listed as template passages."""
from __future__ import annotations

import re

#: fragments of sentences the format or the regulation mandates (the statutory preamble and
#: notes); with the table notes below they make TEMPLATE_FRAGMENTS
TEMPLATE_FRAGMENTS_STATUTORY: tuple[str, ...] = (
    "根据《中华人民共和国政府信息公开条例》",
    "本报告由",
    "统计期限自",
    "如对本报告有疑问",
    "如对本年度报告有疑问",
    "勾稽关系",
    "第一项加第二项之和",
    "以下简称《条例》",
    "本报告中所列数据",
    "报告全文",
    "电子版可",
)

# Template masking (nlp.comparison.template) matches these ignoring whitespace and folding
# full-/half-width forms (NFKC).

#: further fragments of the statutory preamble, the contact lines and the printed table notes
TEMPLATE_FRAGMENTS_COMPARE: tuple[str, ...] = (
    "国务院令第711号",
    "国令第711号",
    "现将本年度报告",
    "年度报告予以公布",
    "年度报告予以公开",
    "本年度报告中所列数据",
    "报告中所列数据",
    "统计期限是",
    "本列数据的勾稽关系为",
    "等于第三项加第四项之和",
    "区分处理的，只计这一情形，不计其他情形",
    "政府信息公开工作年度报告",
)
#: every fragment whose sentence is template text (masked before boilerplate/reuse scores)
TEMPLATE_FRAGMENTS: tuple[str, ...] = TEMPLATE_FRAGMENTS_STATUTORY + TEMPLATE_FRAGMENTS_COMPARE

#: fragments that make their whole sentence template wherever it stands (preamble,
#: contact and table-note sentences); other fragments are masked on their own
#: unless they stand in the preamble (before part 一) or inside a table
TEMPLATE_SENTENCE_FRAGMENTS: tuple[str, ...] = (
    "统计期限",
    "如对本报告有疑问",
    "如对本年度报告有疑问",
    "勾稽关系",
    "第一项加第二项之和",
    "本报告中所列数据",
    "本年度报告中所列数据",
    "报告中所列数据",
)

#: a table row printed as text: a label followed by three or more numbers (or only numbers)
TEMPLATE_TABLE_ROW = re.compile(r"^[^\n]{0,40}?(?:[-\d.]+\s+){2,}[-\d.]+\s*$", re.M)
#: a table cell printed on its own line (DOCX/Markdown conversions): a number, a dash or a pipe
TEMPLATE_TABLE_CELL = re.compile(r"^[ \t|]*(?:[-+]?[\d.,%/]+|—+|-+|无|/|\|)?[ \t|]*$", re.M)
#: a Markdown table row (three or more pipes)
TEMPLATE_TABLE_PIPES = re.compile(r"^[^\n]*\|[^\n]*\|[^\n]*\|[^\n]*$", re.M)
#: longest label line (content characters) taken as a table label when it holds a TABLE_REGION_WORDS word
TEMPLATE_TABLE_LABEL_MAX = 24
#: a page number line of PDF text ('- 3 -', '第 3 页')
TEMPLATE_PAGE_NUMBER = re.compile(r"^\s*(?:[-—]\s*\d+\s*[-—]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)\s*$", re.M)

# ---- compare: template by evidence
# The comparison (nlp.comparison) never takes text as template because of where it stands;
# only because the format mandates its words (below and above) or many agencies print it.
# Patterns here run on the *content stream* (whitespace removed, NFKC-folded: "，" → ","),
# so commas are written as [,，].

#: statutory-preamble and report-note phrases that make their whole sentence template
#: wherever it stands (the preamble is template by these words, not by its position)
TEMPLATE_STATUTORY_SENTENCE_FRAGMENTS: tuple[str, ...] = (
    "本报告由", "现将本年度报告", "编制本报告", "编制了本报告", "特编制", "年度报告予以公布", "年度报告予以公开",
    "报告全文", "电子版可", "本报告电子版", "报告如下", "年度报告格式》", "国办公开办函",
    "政府信息与政务公开办公室",
)
#: a legal citation: the title of a law, regulation or document in 《》 with its document number and
#: short name, as the statutory sentences print them (a template phrase wherever it stands)
LEGAL_CITATION = re.compile(r"《[^《》]{2,60}?(?:条例|规定|办法|意见|通知|细则|规则|格式|要点|决定|法)》"
                            r"(?:[(（][^()（）]{0,16}?〔\d{4}〕\d{1,4}号[)）])?(?:[(（](?:以下简称|下称)[^()（）]{1,12}[)）])?")
#: a contact item: a label with a colon and its value (to the next clause mark), or a label
#: followed by a telephone number or e-mail address; the mask ends where the value ends
CONTACT_ITEM = re.compile(
    r"(?:联系(?:人|电话|方式|地址|单位|部门)|咨询电话|办公电话|通讯地址|办公地址|受理地址|地址|电话|传真|邮政编码|邮编"
    r"|电子邮箱|电子信箱|邮箱|网址)\s*(?:[:：]\s*)?"
    r"(?:\(?0\d{2,3}\)?[\-—–]?\s?\d{7,8}(?:[\-—–转]\d{1,5})?(?:[、/或和]\s*(?:\(?0\d{2,3}\)?[\-—–]?)?\d{7,8})*"
    r"|\d{11}|\d{6}(?!\d)|[\w.\-]+@[\w.\-]+\.[A-Za-z]{2,}|(?<=[:：])\s*[^，,；;。\n]{1,40})")

#: political formulas: the sentences every body prints to show the line it follows. Their own kind,
#: ``formula``: counted as boilerplate, never reported as copying between two reports.
POLITICAL_FORMULAS: tuple[str, ...] = (
    r"(?:坚持)?以习近平(?:同志为核心的党中央|新时代中国特色社会主义思想|法治思想|总书记关于[^,，。;；]{1,20}重要论述)为(?:指导|指引|统领)",
    r"(?:深入|全面|认真|坚决)?(?:学习)?(?:宣传)?贯彻(?:落实)?(?:习近平新时代中国特色社会主义思想(?:和|及|以及))?"
    r"党的[一二三四五六七八九十]+大(?:(?:、|和|及|以及)(?:党的)?[一二三四五六七八九十]+(?:大|届(?:[一二三四五六七八九十、中历次]+)?全会))*精神",
    r"(?:深入|全面|认真)?(?:学习)?贯彻(?:落实)?习近平总书记(?:[^,，。;；]{0,24}?)重要(?:讲话|指示|论述|指示批示)(?:和[^,，。;；]{0,12}?)?精神",
    r"(?:深入|全面|认真)?学习贯彻习近平新时代中国特色社会主义思想",
    r"(?:坚决|认真|全面)?贯彻落实党中央[、,，]?国务院(?:[^,，。;；]{0,16}?)决策部署",
    r"增强[“\"]?四个意识[”\"]?[、,，]坚定[“\"]?四个自信[”\"]?[、,，]做到[“\"]?两个维护[”\"]?",
    r"深刻领悟[“\"]?两个确立[”\"]?的决定性意义",
    r"坚持以人民为中心的发展(?:思想|理念)",
    r"习近平新时代中国特色社会主义思想",
    r"习近平法治思想",
)
