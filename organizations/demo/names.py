"""Name pools for the demo county: places, units and people of a 富宁县-like county.

Plain data, kept apart from the steps so they read as procedures.  Every
pool is a tuple (ordered), so drawing from it with ``ctx.rng`` is
deterministic.
"""

from __future__ import annotations

#: The 15 townships (乡镇) and the village names that are fixed for each
#: (the reference's 各甫村, 睦伦村 …); the rest of each township's villages are
#: generated from :data:`VILLAGE_PREFIXES` × :data:`VILLAGE_SUFFIXES`.
TOWNSHIPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("新华镇", ("各甫", "那耶", "龙修", "渭沙")),
    ("归朝镇", ("归朝", "那当")),
    ("剥隘镇", ("剥隘", "坡京")),
    ("里达镇", ("里达", "那马")),
    ("田蓬镇", ("田蓬", "大寨")),
    ("木央镇", ("木央", "坡好")),
    ("洞波乡", ("洞波", "那贯")),
    ("睦伦乡", ("睦伦", "那么")),
    ("阿用乡", ("阿用", "那洒")),
    ("花甲乡", ("花甲", "平寨")),
    ("那能乡", ("那能", "坡芽")),
    ("者桑乡", ("者桑", "那拉")),
    ("谷拉乡", ("谷拉", "那腊")),
    ("板仑乡", ("板仑", "百油")),
    ("郎恒乡", ("郎恒", "者宁")),
)

VILLAGE_PREFIXES = tuple("那板者百弄龙坡谷木洞渭孟达念岜央平六郎里花田峨安皈弄八")
VILLAGE_SUFFIXES = tuple("洒桑伦甫拉蒙腊色修旺哈隆堡坝坎敢贵安丰合林兴阳利宁孔独怀勒贯荣瓦旧贤")

#: Communities (社区) of the county seat and of the larger towns.
COMMUNITIES: dict[str, tuple[str, ...]] = {
    "新华镇": ("新华社区", "城北社区", "城南社区", "东街社区", "西街社区", "普阳社区", "皈朝社区"),
    "归朝镇": ("归朝社区",),
    "剥隘镇": ("剥隘社区",),
    "里达镇": ("里达社区",),
    "田蓬镇": ("田蓬社区",),
    "木央镇": ("木央社区",),
    "洞波乡": ("洞波社区",),
}

#: 站所 of a township: the first two in every township, plus one drawn from the rest.
TOWNSHIP_STATIONS = (
    "财政所",
    "林业站",
    "农业农村服务中心",
    "国土资源所",
    "水务站",
    "文化广播电视服务中心",
    "派出所",
)

#: County departments under the 县直机关工委: (unit, parent general branch key or "").
COUNTY_ORGANS: tuple[str, ...] = (
    "县委办公室",
    "县人大常委会办公室",
    "县政府办公室",
    "县政协办公室",
    "县纪委监委机关",
    "县委组织部",
    "县委宣传部",
    "县委统战部",
    "县委政法委",
    "县委编办",
    "县委党校",
    "县发展和改革局",
    "县工业商务和信息化局",
    "县民政局",
    "县司法局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水务局",
    "县文化和旅游局",
    "县统计局",
    "县审计局",
    "县档案馆",
    "县信访局",
    "县科协",
    "县总工会",
    "团县委",
    "县妇联",
    "县残联",
    "县供销社",
    "县气象局",
    "县税务局",
    "县人民法院",
    "县人民检察院",
    "县民族宗教事务局",
    "县扶贫开发办公室",
    "县公路管理段",
    "县融媒体中心",
    "县城市管理局",
    "县生态环境分局",
    "县国有资产管理中心",
    "县机关事务管理局",
    "县畜牧兽医站",
    "县农业技术推广中心",
    "县水利电力管理中心",
    "县广播电视台",
    "县文物管理所",
    "县图书馆",
    "县安全生产监督管理局",
)

#: General branches of the county organs, each with the units of its branches.
ORGAN_GENERAL_BRANCHES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "县公安局",
        ("县公安局机关第一", "县公安局机关第二", "县公安局交警大队", "县公安局刑侦大队", "县看守所"),
    ),
    ("县财政局", ("县财政局机关", "县国库支付中心", "县非税收入管理局")),
    ("县农业农村局", ("县农业农村局机关", "县农机推广站", "县经作站")),
    ("县林业和草原局", ("县林业和草原局机关", "县林业和草原局森林管护站", "县国有林场")),
    ("县教育体育局", ("县教育体育局机关", "县教师进修学校")),
)

#: Units whose branches close in this year's institutional reform, and the
#: general branch (with its new branches) that takes their members.
REFORM_DISSOLVED = ("县工商行政管理局", "县质量技术监督局", "县食品药品监督管理局")
REFORM_GENERAL_BRANCH = "县市场监督管理局"
REFORM_NEW_BRANCHES = ("县市场监督管理局机关第一", "县市场监督管理局机关第二", "县市场监督管理局综合执法大队")
#: Other new branches this year: (new unit, unit whose members move there).
REFORM_OTHER_NEW = (
    ("县医疗保障局", "县人力资源和社会保障局"),
    ("县退役军人事务局", "县民政局"),
    ("县政务服务管理局", "县政府办公室"),
)
#: The rename of this year: (old unit, new unit).
REFORM_RENAME = ("县安全生产监督管理局", "县应急管理局")

SCHOOL_GENERAL_BRANCHES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("县第一中学", ("县第一中学高一年级", "县第一中学高二年级", "县第一中学高三年级", "县第一中学行政后勤")),
    ("县民族中学", ("县民族中学教师第一", "县民族中学教师第二", "县民族中学行政后勤")),
    ("县第二中学", ("县第二中学教师", "县第二中学行政后勤")),
)
COUNTY_SCHOOLS = (
    "县职业高级中学",
    "县第三中学",
    "县第一小学",
    "县第二小学",
    "县第三小学",
    "县实验小学",
    "县民族小学",
    "县幼儿园",
    "县特殊教育学校",
    "县第四中学",
    "县城北小学",
    "县城南小学",
    "县城东小学",
)

HEALTH_GENERAL_BRANCHES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("县人民医院", ("县人民医院内科", "县人民医院外科", "县人民医院医技", "县人民医院行政后勤")),
    ("县中医医院", ("县中医医院医疗", "县中医医院行政后勤")),
)
COUNTY_HEALTH_UNITS = (
    "县卫生健康局机关",
    "县妇幼保健院",
    "县疾病预防控制中心",
    "县卫生监督所",
    "县计划生育服务站",
    "县第二人民医院",
    "县皮肤病防治站",
    "县急救中心",
)

ENTERPRISE_GENERAL_BRANCHES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("县供电有限公司", ("县供电有限公司机关", "县供电有限公司城区供电所", "县供电有限公司农村供电所")),
)
COUNTY_ENTERPRISES = (
    "县烟草专卖局（分公司）",
    "县农村信用合作联社",
    "县自来水公司",
    "县剥隘水电站",
    "县糖业有限公司",
    "县建筑工程公司",
    "县林产化工厂",
    "县百货公司",
    "县粮食购销有限公司",
    "县石油分公司",
    "县邮政分公司",
)

RETIRED_UNITS = (
    "县委老干部",
    "县政府老干部",
    "县人大老干部",
    "县政协老干部",
    "县公安局离退休",
    "县教育系统离退休第一",
    "县教育系统离退休第二",
    "县卫生系统离退休",
    "县财政系统离退休",
    "县林业系统离退休",
    "县农业系统离退休",
    "县企业离退休第一",
    "县企业离退休第二",
    "县供电公司离退休",
    "县供销社离退休",
    "县交通系统离退休",
    "县法院检察院离退休",
    "县老年大学",
)

#: Surnames by ethnicity (壮族 heavy in 农, 黄, 陆, 韦 …; 瑶族 盘, 邓, 赵; 苗族 王, 杨, 熊, 项).
SURNAMES: dict[str, tuple[str, ...]] = {
    "壮族": tuple("黄农陆韦梁罗李王沈陈班岑覃卢廖蒙莫闭陆黄农李"),
    "瑶族": tuple("盘邓赵李冯黄蒋盘邓"),
    "苗族": tuple("王杨熊项陶侯张马李"),
    "彝族": tuple("李普杨王罗施"),
    "汉族": tuple("张李王刘陈杨赵周吴徐孙胡朱高林何郭马罗梁宋郑谢唐许邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程"),
    "other": tuple("黄李王杨罗陆"),
}
GIVEN_MALE = tuple("国华明军文兴建平志强永福德发正光荣学海春林伟勇刚超忠宏贵元成福金安祥富朝云龙鹏斌庆绍家昌")
GIVEN_FEMALE = tuple("秀英丽芳桂兰美玉凤春梅艳红萍燕霞琴云翠珍花娟莉敏静婷雪芬菊")

#: Resident ID region codes: 富宁县 first, then neighbouring counties (transfers, births elsewhere).
HOME_REGION = "532628"
OTHER_REGIONS = ("532621", "532622", "532623", "532624", "532625", "532626", "532627", "451026", "451028")

#: Document-number prefixes: county committee office and organization department.
DOC_COUNTY_OFFICE = "富办发"
DOC_ORG_DEPT = "富组发"


def document_no(prefix: str, year: int, number: int) -> str:
    """A document number in the usual form: 富办发〔2026〕24号."""
    return f"{prefix}〔{year}〕{number}号"
