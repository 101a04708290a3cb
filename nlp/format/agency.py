"""Report metadata: the title line, the year, dates, contact lines and how agency and place names are printed."""
from __future__ import annotations

import re

#: the report's title line: agency, year, 政府信息公开工作年度报告
TITLE_PATTERN = re.compile(
    r"(?P<agency>[^\n。，；]{2,60}?)\s*(?:（[^）]*）)?\s*(?P<year>(?:19|20)\d{2})\s*年(?:度)?\s*"
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?报告"
)
YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
STAT_PERIOD = re.compile(r"(?:统计期限|统计时限|统计期)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
DATE_PATTERN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
#: a contact sentence (starts at a sentence or line start, so the search stays linear)
CONTACT_PATTERN = re.compile(r"(?:(?<=[。\n])|^)[^。\n]*(?:联系|电话|地址|邮编|电子邮箱)[^。\n]*(?:\d{3,4}-?\d{7,8}|@)[^。\n]*[。]?", re.M)
#: how an agency's name ends (a candidate that does not is a phrase, never an agency)
AGENCY_NAME_END = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|管委会|管理委员会|局|委|办|厅|部|署|中心|院|所|站|处|镇|乡|街道|街|办事处|"
    r"区|县|市|旗|州|盟)$")
#: words an agency's name never holds (their presence means a phrase was caught)
AGENCY_NAME_STOP = re.compile(r"[的及与在对是为了等将把被从向以按据、]|我|本|各|全|该|此|有关|相关|下属|所属|上级|部分|其他|工作|情况|报告|公开|"
                              r"认真|做好|通过|加强|推进|开展|进行|落实|组织|实现|不断|持续|深入|积极|"
                              # two bodies joined (区委、区政府和市公安局); 和 inside a name (住房和城乡建设局) is kept
                              r"(?:政府|党委|区委|市委|县委|局|厅|署)和")
#: a place in a name (an agency named after itself alone, 监督局, is too vague to keep)
AGENCY_PLACE = re.compile(r"[省市区县州旗盟镇乡村]|街道|国家|国务院|中央|中国")
#: a contact sentence naming the agency: ``请与X联系`` / ``请与X（地址…`` / ``请联系X办公厅…``
CONTACT_AGENCY = re.compile(r"请(?:与|联系)(?P<agency>[\u4e00-\u9fff]{3,40}?)(?=联系|[（(，,:：;；。]|$)", re.M)
#: an agency's own office named in its contact line (``海关总署办公厅`` → ``海关总署``)
AGENCY_OWN_OFFICE = re.compile(r"^(?P<agency>.+(?:署|局|部|委员会|厅))(?:办公厅|办公室)$")
#: a name opening with a bare level word (``区集体经济发展服务署``, ``市商务局``): the place was left out
AGENCY_BARE_LEVEL_START = re.compile(r"^[省市区县州旗盟镇乡]")
#: a sentence subject that names the agency: ``2022年，春城街道办事处按照…``
AGENCY_AS_SUBJECT = re.compile(
    r"(?:(?:19|20)\d{2}\s*年度?|一年来|今年以来|近年来)\s*[，,]?\s*"
    r"(?P<agency>[\u4e00-\u9fff]{2,24}?(?:人民政府|政府|办公室|办公厅|委员会|管委会|局|委|办|厅|部|中心|院|镇|乡|街道|街|办事处|区|县|市|旗))"
    r"(?=以|按照|坚持|在|认真|深入|紧紧|围绕|始终|严格|全面|进一步|持续|不断|高度|积极|扎实|立足|根据|继续|强化|共|全年|主动|切实|聚焦|牢固)")
#: the reporting body referring to itself (我局, 我办, 本机关 …): its suffix finds its printed name nearby
AGENCY_SELF_REFERENCE = re.compile(r"(?:我|本)(局|委|办|部|厅|院|中心|区|县|市|镇|乡|街道|署)")
#: a signature line at the end: the agency's name, then the date (digits or Chinese numerals)
SIGNATURE_DATE = re.compile(r"(?P<agency>[\u4e00-\u9fff（）()]{3,30})\s*(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
                            r"[二〇○零一三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)(?:\s*[^\n。]{0,10})?\s*$")
AGENCY_SUFFIXES = ("人民政府办公室", "人民政府办公厅", "人民政府", "办公室", "办公厅", "委员会", "局", "厅", "部", "署",
                   "中心", "办事处", "街道", "镇", "乡", "委", "办", "院", "所", "站", "处", "会")

# ---- places in agency names

#: one place level at the start of an agency's name (淮安市 · 洪泽区 · 人民政府): agency names are
#: cut into their places with this pattern, matched again and again from the start
PLACE_LEVEL_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}?(?P<level>自治区|特别行政区|自治州|自治县|自治旗|省|市|地区|州|盟|新区|区|县|旗|镇|乡|街道)")
#: level rank of each suffix (1 province … 4 township); names of equal rank that differ are different places
PLACE_LEVEL_RANK: dict[str, int] = {"省": 1, "自治区": 1, "特别行政区": 1, "市": 2, "地区": 2, "州": 2, "自治州": 2,
                                    "盟": 2, "县": 3, "区": 3, "新区": 3, "旗": 3, "自治县": 3, "自治旗": 3, "镇": 4,
                                    "乡": 4, "街道": 4}
#: official titles that carry an administrative level (常务副区长 names a district's official)
OFFICIAL_TITLE = re.compile(r"(?:常务)?副?(?P<level>县|区|旗|镇|乡)长")
