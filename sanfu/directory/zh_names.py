"""Chinese word lists (places, people, bodies, trades) for the demo county (sanfu.ops.demo) and the
synthetic populations of the assistance benchmarks (sanfu.assistance.linkage.synthetic).

Data only. The lists are curated rather than generated from single characters, because random
character pairs rarely read like names a person or a village really has.
"""

from __future__ import annotations

from sanfu.directory.models import Industry


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


COUNTY_NAME = "云溪县"
# The county's short name, as it appears in company names (云溪恒达机械制造有限公司).
COUNTY_SHORT = "云溪"

# Sub-districts first, as in a real county's division codes; then the towns.
STREETS = _words("城东街道 城西街道 溪口街道")
TOWNS = _words("石门镇 白岩镇 青山镇 桃源镇 龙潭镇 大坪镇 黄岭镇")

# Village names: a position or size prefix joined to a landform reads like a Zhejiang village
# (上坪, 下湾, 东岙); family villages and landmarks give the rest.
VILLAGE_PREFIXES = _words("上 下 东 西 南 北 前 后 大 小 新 高 中 里 外")
VILLAGE_LANDFORMS = _words("坪 湾 岙 坑 溪 塘 山 坞 桥 岭 田 源 垟 洋 畈 岗")
VILLAGE_FAMILIES = _words("李家 王家 陈家 周家 何家 徐家 吴家 金家 叶家 张家 林家 潘家 应家 胡家")
VILLAGE_LANDMARKS = _words(
    """
    石桥 枫树 竹林 桃花 梅岭 龙泉 凤凰 白沙 黄泥 青石 樟树 柏树 杨梅 茶园 溪头 岭脚
    山后 湖边 塘头 岩下 坑口 岭头 埠头 横街 板桥 官塘 金竹 银坑 松山 马岙 牛头 鹤溪
    """
)
COMMUNITIES = _words(
    """
    文昌 滨江 溪畔 东门 西门 南苑 北苑 新华 人民 解放 和平 振兴 锦绣 金桥 望江 翠苑
    丽园 府前 学院 城北 迎春 阳光 长安 永安 华庭 惠民 康乐 紫荆 青云 南门 五一 江南
    """
)
STREET_ROADS = _words(
    """
    人民路 解放路 中山路 新华路 文昌路 溪滨路 环城东路 环城西路 府前街 学院路 东门街 西门街
    滨江路 青云路 朝阳路 建设路 兴业路 振兴路 站前路 望江路
    """
)
CHINESE_NUMERALS = _words("一 二 三 四 五 六 七 八 九 十")

# Exactly the 39 county departments (the 39 that Yunhe's assistance platform joins).
DEPARTMENTS = (
    *(
        COUNTY_NAME + name
        for name in _words(
            """
            人民政府办公室 发展和改革局 经济和信息化局 教育局 科学技术局 公安局 民政局 司法局
            财政局 人力资源和社会保障局 自然资源和规划局 生态环境分局 住房和城乡建设局
            交通运输局 水利局 农业农村局 商务局 文化和广电旅游体育局 卫生健康局 退役军人事务局
            应急管理局 审计局 市场监督管理局 统计局 医疗保障局 综合行政执法局 信访局
            大数据发展管理局 林业局 气象局 消防救援大队 机关事务管理中心 供销合作社
            残疾人联合会 妇女联合会 总工会 红十字会
            """
        )
    ),
    # These two carry the name of the body above them, as they do in reality.
    "国家税务总局云溪县税务局",
    "共青团云溪县委员会",
)
HOUSING_DEPARTMENT = COUNTY_NAME + "住房和城乡建设局"

# Social organisations registered with the county.
COUNTY_ASSOCIATIONS = _words(
    """
    书法家协会 美术家协会 摄影家协会 作家协会 音乐家协会 舞蹈家协会 戏剧家协会 民间文艺家协会
    收藏家协会 诗词楹联学会 历史文化研究会 老年体育协会 老年书画研究会 个体劳动者协会
    私营企业协会 企业家协会 青年企业家协会 女企业家协会 茶叶产业协会 民宿行业协会 电子商务协会
    建筑业协会 餐饮行业协会 物流行业协会 家具行业协会 机械行业协会 五金行业协会 农产品经纪人协会
    家庭农场协会 果蔬产业协会 篮球协会 足球协会 羽毛球协会 乒乓球协会 围棋协会 象棋协会
    登山协会 钓鱼协会 太极拳协会 武术协会 游泳协会 自行车运动协会 门球协会 广场舞协会
    跑步协会 志愿者协会 义工联合会 慈善总会 法学会 会计学会 教育学会 心理咨询师协会 护理学会
    医学会 中医药学会 科普工作者协会 计算机学会 农学会 林学会 退役军人志愿服务协会
    """
)
COUNTY_FOUNDATIONS = _words(
    "教育发展基金会 春晖助学基金会 恒爱慈善基金会 乡村振兴基金会 见义勇为基金会 助残慈善基金会"
)
SOCIAL_WORK_CENTRES = _words(
    """
    阳光 爱心 同心 益家 邻里 暖阳 希望 彩虹 善行 众益 和美 乐龄 春苗 向日葵 启航 守望
    微光 明德 心桥 温馨 惠众 同行 乐群 安心 仁爱 馨悦 和睦 友邻 康宁 晨光
    """
)
COUNTY_RESCUE_TEAMS = _words("蓝天救援队 红十字应急救援队 山地救援队 水上救援队")
# What a town has; a street (urban) has no farming associations.
LOCAL_ORGANISATIONS = _words(
    """
    志愿服务队 老年协会 乡贤联谊会 商会 文体协会 慈善分会 应急救援队 社会工作站 老年体育协会
    平安志愿者协会 书画协会 邻里互助会 青年志愿者协会 巾帼志愿服务队 乐龄互助会
    """
)
RURAL_ORGANISATIONS = _words("农业技术协会 茶叶协会 民宿协会 果蔬协会 农机服务协会")

# 字号 (trade names), chosen to avoid the names of well-known real companies.
TRADE_NAMES = _words(
    """
    恒达 华盛 鑫源 永兴 宏大 金泰 瑞丰 天成 汇通 联创 博远 中恒 伟业 新锐 明辉 宏利
    佳和 嘉禾 益民 康顺 安泰 盛达 润丰 金鑫 万通 信达 德隆 远航 振宇 海纳 合力 东升
    兴旺 富源 鸿运 祥和 利民 卓越 精诚 立信 诚信 恒信 鼎盛 宏远 旭日 朝阳 腾飞 凯达
    新世纪 金山 银河 星辰 绿源 青禾 溪谷 云峰 山河 百川 千禾 万家 锦程 瑞祥 吉祥 福临
    永安 长青 常青 东方 华夏 新华 华泰 同创 众诚 聚力 合众 丰收 沃土 田园 绿野 森茂
    竹韵 茶香 杨梅 溪源 清泉 碧水 宏昌 昌隆 隆兴 兴业 创新 创联 智远 智达 睿达 科达
    宇航 天翼 海川 江南 浙云 瓯江 龙腾 凤鸣 金龙 飞龙 宏图 远景 通达 顺达 顺风 安达
    博通 汇丰 汇源 聚源 源达 达利 利达 美佳 嘉美 佳美 和顺 和泰 泰和 康泰 康达 安康
    """
)

# Industry words per industry, as they appear before 有限公司.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    Industry.AGRICULTURE: _words("农业开发 生态农业 茶业 果蔬 种养殖 水产养殖 竹木开发 苗木 畜牧"),
    Industry.MANUFACTURING: _words(
        """
        机械制造 五金制品 塑料制品 阀门 汽车配件 模具 家具 食品 电器 纺织 服饰 包装材料
        工艺品 竹木制品 新材料 精密机械 电机 泵业 鞋业 印刷
        """
    ),
    Industry.CONSTRUCTION: _words(
        "建设工程 建筑工程 建筑装饰工程 市政工程 园林绿化工程 水电安装工程 路桥工程"
    ),
    Industry.TRADE: _words("商贸 贸易 超市 建材 日用品 农资 百货 五金交电"),
    Industry.LOGISTICS: _words("物流 货运 运输 仓储 供应链管理"),
    Industry.HOSPITALITY: _words("酒店管理 餐饮管理 餐饮 大酒店 宾馆"),
    Industry.TECHNOLOGY: _words("信息技术 网络科技 软件开发 电子商务 智能科技 数字科技"),
    Industry.TOURISM: _words("旅游开发 文化传媒 文化旅游 民宿管理 旅行社"),
    Industry.SERVICES: _words("企业管理咨询 人力资源服务 物业管理 广告 家政服务 财务咨询 检测技术"),
    Industry.OTHER: _words("环保科技 新能源 再生资源回收 生物科技"),
}
# Farmers' cooperatives are a different kind of body from companies, with their own name form.
COOPERATIVE_WORDS = _words("茶叶 果蔬 杨梅 蔬菜 中药材 食用菌 笋竹 生猪")

# Family names with their weight in a Zhejiang county (per ten thousand people, roughly):
# 陈, 王, 张, 李, 吴, 林 and 徐 lead there, unlike the national ranking.
FAMILY_NAMES: tuple[tuple[str, int], ...] = (
    ("陈", 580), ("王", 560), ("张", 400), ("李", 330), ("吴", 250), ("林", 240), ("徐", 230),
    ("周", 210), ("金", 170), ("杨", 160), ("朱", 150), ("黄", 150), ("胡", 140), ("刘", 130),
    ("何", 110), ("叶", 110), ("方", 100), ("潘", 100), ("郑", 100), ("沈", 100), ("孙", 90),
    ("赵", 80), ("许", 70), ("蒋", 70), ("俞", 60), ("杜", 60), ("汪", 60), ("钱", 60),
    ("郭", 50), ("马", 50), ("高", 50), ("罗", 50), ("梁", 40), ("谢", 50), ("宋", 40),
    ("唐", 40), ("韩", 30), ("冯", 40), ("邓", 30), ("曹", 40), ("彭", 30), ("曾", 20),
    ("肖", 30), ("田", 20), ("董", 40), ("袁", 40), ("于", 20), ("蔡", 40), ("余", 50),
    ("程", 40), ("苏", 30), ("魏", 30), ("吕", 40), ("丁", 40), ("任", 30), ("姚", 40),
    ("卢", 40), ("姜", 30), ("崔", 10), ("钟", 30), ("谭", 10), ("陆", 50), ("范", 30),
    ("石", 20), ("廖", 10), ("贾", 10), ("夏", 30), ("韦", 5), ("付", 10), ("白", 10),
    ("邹", 20), ("孟", 10), ("熊", 10), ("秦", 10), ("邱", 20), ("江", 30), ("尹", 10),
    ("薛", 10), ("闫", 5), ("段", 10), ("雷", 20), ("侯", 10), ("龙", 10), ("史", 10),
    ("陶", 20), ("黎", 5), ("贺", 10), ("顾", 30), ("毛", 30), ("郝", 5), ("龚", 20),
    ("邵", 30), ("万", 10), ("严", 30), ("覃", 3), ("武", 10), ("戴", 30), ("莫", 10),
    ("孔", 10), ("向", 5), ("汤", 20), ("应", 60), ("楼", 30), ("葛", 20),
)  # fmt: skip

# Given names by sex and by the era of birth, because names follow fashion: a man born in 1950
# is 建国, one born in 2010 is 浩然. Single characters are as common as pairs in the middle era.
MALE_NAMES_OLD = _words(
    """
    建国 建华 建民 国强 国华 国庆 国平 志强 志明 志华 卫东 卫国 德明 德华 德才 文华 文斌
    永明 永福 永康 福生 金生 根生 水生 长根 长生 海林 春生 秋生 明华 荣华 荣根 振华 玉林
    正华 保国 新民 光明 学军 红军 立新 家福 树林 有才 茂林 宝根 金水 金福 岳明 昌盛 富贵
    贵生 仁和 兴国 启明 炳华 宗明 耀华 士林 忠良 洪林 伯年
    """
)
MALE_NAMES_MIDDLE = _words(
    """
    伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 波 宁 峰 亮 建平 建伟 建军 海涛 海峰
    海波 晓东 晓峰 晓明 志刚 志勇 俊杰 文杰 永强 伟强 伟东 立军 卫华 少华 国栋 明辉 亚军
    剑锋 旭东 振宇 春雷 红兵 利民 建新 建忠 金龙 小龙 云飞 宏伟 学文 锦华 伟平 建峰 建波
    永刚 国军 继东 小平 军辉
    """
)
MALE_NAMES_YOUNG = _words(
    """
    浩然 宇轩 梓轩 浩宇 俊熙 一鸣 子豪 皓轩 宇航 博文 天佑 明轩 思远 泽宇 子墨 晨阳 家豪
    奕辰 逸飞 梓豪 昊天 俊宇 鑫磊 宇辰 浩轩 文博 睿哲 子骞 子轩 锦程 一帆 梓航 志豪 佳豪
    宏宇 家乐 嘉豪 承泽 煜城 思源 宇杰 铭轩 弘毅 瑞 昊 浩 宇 睿 轩 晨 航 哲 鑫 凯 杰 翔
    """
)
FEMALE_NAMES_OLD = _words(
    """
    秀英 桂英 秀兰 玉兰 桂兰 凤英 秀珍 玉珍 玉梅 兰英 翠花 素珍 彩霞 美华 丽华 月英 金花
    菊花 淑芬 凤兰 爱华 春花 美娟 秀芳 金凤 雪梅 桂芳 玉英 秀云 兰芳 素英 银花 彩凤 月娥
    桂花 淑珍 巧云 菊英 美英 爱娟 琴 英 珍 芬 兰 梅 凤 娥
    """
)
FEMALE_NAMES_MIDDLE = _words(
    """
    丽 芳 敏 静 燕 娟 艳 霞 玲 萍 红 婷 慧 琳 丽娟 海燕 晓燕 红梅 春燕 雪芳 小红 丽萍 秀娟
    玉洁 慧敏 晓红 美玲 亚萍 海霞 丽君 文静 晓丽 雪萍 丽芳 红霞 小燕 玲玲 婷婷 亚琴 建芬
    素芬 燕飞 晓霞 旭红 伟红 利萍 月红 彩虹 冬梅
    """
)
FEMALE_NAMES_YOUNG = _words(
    """
    欣怡 梓涵 诗涵 子涵 雨涵 思琪 佳怡 可馨 梦瑶 一诺 雨欣 紫萱 欣妍 语嫣 若曦 思雨 佳琪
    婉婷 静怡 心怡 晨曦 雨桐 欣然 梓萱 诗琪 嘉怡 子琪 馨怡 雅琪 艺涵 芷若 梦琪 思涵 可欣
    佳慧 雨萱 诗雨 一然 悦 琪 瑶 妍 涵 萱 颖 琳 怡
    """
)
# Birth years at which the fashion changes (the eras above).
NAME_ERA_BOUNDS = (1960, 1990)
