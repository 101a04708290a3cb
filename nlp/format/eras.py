"""The three layouts of the report: 2008 (old regulation), 2019 and 2021, and the words that tell them apart."""
from __future__ import annotations

ERA_2008 = "2008"
ERA_2019 = "2019"
ERA_2021 = "2021"
ERAS = (ERA_2008, ERA_2019, ERA_2021)

#: labels that appear only in the 2021 layout's tables
ERA_2021_MARKERS: tuple[str, ...] = ("本年制发件数", "本年废止件数", "现行有效件数", "逾期不补正", "逾期未按收费通知")
#: labels that appear in the 2019 (and not the 2021) layout's tables
ERA_2019_MARKERS: tuple[str, ...] = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "采购项目数量")
#: words of the 2008-era layouts (old regulation)
ERA_2008_MARKERS: tuple[str, ...] = ("概述", "收费及减免", "减免情况", "申诉")
