"""Finding Chinese personal names in free text, so they can be masked before text is published.

A small rule, not a model: a common surname followed by one or two characters common in given
names. Chinese has no capitals or spaces to mark a name, so most such strings are ordinary
words ("高度", "周边", "黄金园"); guards keep them out:

- a three-character name (surname + two given-name characters) stands on its own unless it is
  a known word or is followed by what ends a place or an organisation ("陈家湾", "王府井路");
- a two-character name needs a cue beside it: a title after it ("陈先生", "王老师") or a role
  before it ("业主张伟", "村民李强", "名叫刘芳").

It finds names to be reviewed by a person, who sees them masked in the preview and can undo a
mask; it is tuned to miss few names, and says so by flagging rather than deciding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sanfu.lib.masking import mask_name

# The most common surnames, compound surnames first.
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱胡郭何罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡余杜叶苏魏吕丁沈姚卢"
    "姜崔钟谭陆汪范廖贾夏韦邹孟熊秦邱尹薛闫段雷侯史陶黎贺毛郝龚邵钱严覃戴莫孔汤倪庄聂鲁岳翟殷"
    "詹耿焦俞柳祝阮柯梅裴霍涂翁冉骆喻祁饶牟艾卓缪娄窦戚岑瞿臧闵苟邬卞姬栾隋刁巫寇甄邝佘"
)
# Surnames that are also everyday words or particles ("和", "于", "向", "全", "高", "金", "路"):
# a name with one of them needs a cue beside it, like a two-character name.
WEAK_SURNAMES = (
    "马胡田任石方白龙万常康文易乔伍庞颜章关兰左甘包宁尚符舒单季成苗谷盛曲蓝路游辛管柴蒙鲍华"
    "房滕屈解阳时穆农司古吉简车项连芦麦褚景党宫费卜冷晏席卫米柏宗桂全佟应边师和仇商沙荣桑郎"
    "丛仲虞敖巩明池查麻苑迟高林金江于向安顾欧齐武施温牛樊葛邢付程凌"
)
# Characters common in given names (the top of name-frequency tables), so that "陈丽华" is a
# candidate and "陈旧", "高度", "周边" are not.
GIVEN_CHARS = frozenset(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英华玉兰萍红梅鹏飞斌宇浩凯健俊帆帅旭宁龙林"
    "欣颖琳晶婷雪慧佳倩莉燕玲丹蓉琴云莹瑶怡洁露璐蕾薇清淑珍贞凤芬芝美娥翠彩春秋菊荣坤峰波"
    "辉亮志建国庆华武德胜利生海山川泉泽洪亚鑫晨晓宏博思源远"
    "雨辰星月银玉宝贵福禄寿康喜祥瑞吉顺达振兴昌盛隆财永久恒"
    "嘉琪琦瑜璇婧妍媛姗娇媚婉嫣娴雯霏霖露蓓蕊萱芸茜菲蓉莲荷兰芷馨香翔鹤鸿鹏雁燕凰麟彪虎豹"
    "仁义礼智信忠孝廉勤俭良善德馨秀慧敏聪颖杰俊英豪雄壮威武刚毅坚勇锋锐锦绣绮丽"
    "红军卫跃进兵友谊爱书琛瀚翰墨韬"
)
# Words that look like a name by the rule above: keep them out (a short list of those common in
# requests to a government office).
NOT_NAMES = frozenset(
    {
        "高明",
        "高兴",
        "高新",
        "高中",
        "高速",
        "高峰",
        "高山",
        "高铁",
        "黄金",
        "金华",
        "华安",
        "安全",
        "安宁",
        "安康",
        "文明",
        "文化",
        "江南",
        "江北",
        "江东",
        "江西",
        "方便",
        "和平",
        "平安",
        "石油",
        "龙山",
        "向阳",
        "阳光",
        "东方",
        "时光",
        "常年",
        "常德",
        "明天",
        "明年",
        "万元",
        "雷锋",
        "乔迁",
        "康乐",
        "宁静",
        "成立",
        "成功",
        "成长",
        "白天",
        "白云",
        "周一",
        "周末",
        "周年",
        "马上",
        "于是",
        "向东",
        "向西",
        "向南",
        "向北",
        "全家",
        "全国",
        "全民",
        "全天",
        "吉祥",
        "管理",
        "单位",
        "尚未",
        "解决",
        "连续",
        "连通",
        "车辆",
        "车主",
        "路灯",
        "路面",
        "路口",
        "史上",
        "国家",
        "国庆",
        "华东",
        "华南",
        "华中",
        "洪水",
        "谷雨",
        "曲江",
        "石山",
        "金山",
        "金银",
        "金秋",
        "秦汉",
        "鲁迅",
        "应急",
        "应当",
        "商户",
        "商业",
        "商贸",
        "和谐",
        "时间",
        "毕业",
        "关爱",
        "关心",
        "关于",
        "项目",
        "童年",
        "卫生",
        "卫东",
        "师生",
        "龙虎",
        "钱财",
        "于此",
        "包括",
        "季节",
        "明确",
        "武警",
        "严格",
        "申请",
        "任何",
        "余额",
        "曾经",
        "何时",
        "许多",
        "凌晨",
        "江河",
        "黎明",
        "杨柳",
        "温和",
        "温泉",
        "汤泉",
        "柏油",
        "福利",
        "何福利",
        "和生",
        "和国",
        "周生",
        "史生",
    }
)
# Cues that a two-character candidate is a person.
_TITLE_AFTER = (
    "先生|女士|小姐|老师|同志|师傅|老人|大爷|大妈|阿姨|某|等人|一家|家属|夫妇|夫妻|本人|之子|之女|"
    "书记|主任|局长|镇长|乡长|村长|组长|队长|校长|经理|院长|医生|律师|警官"
)
_ROLE_BEFORE = (
    "村民|居民|业主|员工|工人|职工|老人|患者|学生|家长|户主|农户|租户|老板|店主|司机|"
    "名叫|叫做|姓名[:：]?|联系人[:：]?|法人代表[:：]?|负责人[:：]?|承包人|申请人|投诉人|"
    "儿子|女儿|丈夫|妻子|母亲|父亲|爷爷|奶奶|哥哥|姐姐|弟弟|妹妹|邻居|同事|老师"
)
# What ends a place, a road, a shop or an organisation: "陈家湾", "王府井路", "建华小区".
_PLACE_AFTER = re.compile(
    r"[村镇乡县市区省路街巷道桥湾湖河江山岭坡冲塘坪园苑庄寨港店厂局院校馆场站所队厅室部处社]|"
    r"小区|公司|集团|中心|花园|大厦|广场|社区|组"
)
_SURNAME = "|".join(COMPOUND_SURNAMES) + "|[" + SURNAMES + WEAK_SURNAMES + "]"
_CANDIDATE = re.compile(rf"({_SURNAME})([\u4e00-\u9fff]{{1,2}})")


@dataclass(frozen=True)
class FoundName:
    name: str
    start: int


def personal_names(text: str) -> list[str]:
    """The distinct personal names found in `text`, in order of first appearance."""
    seen: dict[str, None] = {}
    for found in _find(text):
        seen.setdefault(found.name, None)
    return list(seen)


def _find(text: str) -> list[FoundName]:
    found: list[FoundName] = []
    position = 0
    while position < len(text):
        match = _CANDIDATE.search(text, position)
        if match is None:
            break
        name = _accept(text, match.start(), match.group(1), match.group(2))
        if name:
            found.append(FoundName(name, match.start()))
            position = match.start() + len(name)
        else:
            position = match.start() + 1
    return found


def _accept(text: str, start: int, surname: str, rest: str) -> str:
    """The name starting at `start`, or '' when the guards say it is not one."""
    before = text[max(0, start - 6) : start]
    role = re.search(rf"({_ROLE_BEFORE})$", before) is not None
    given = ""
    for char in rest:
        if char not in GIVEN_CHARS:
            break
        given += char
    # Try the longer reading first: "陈丽华" before "陈丽".
    for size in range(len(given), 0, -1):
        name = surname + given[:size]
        after = text[start + len(name) : start + len(name) + 4]
        if name in NOT_NAMES or _PLACE_AFTER.match(after):
            continue
        # "赵玉书记" is 赵玉 the secretary (书记), not 赵玉书.
        if size == 2 and re.match(_TITLE_AFTER, name[-1] + after):
            continue
        titled = re.match(_TITLE_AFTER, after) is not None
        if role or titled or (size == 2 and surname not in WEAK_SURNAMES):
            return name
    return ""


def mask_names(text: str, names: list[str]) -> str:
    """`text` with each of `names` masked as masking.mask_name does ("陈**")."""
    # Longer names first, so "陈丽华" is masked whole before "陈丽" could split it.
    for name in sorted(set(names), key=len, reverse=True):
        if len(name) >= 2:
            text = text.replace(name, mask_name(name))
    return text
