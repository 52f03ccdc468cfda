// Fixed vocabularies the generator draws from. Everything here is synthetic.

enum Tables {
    /// Real GB/T 2260 county-level division codes with their names, for venue codes and addresses.
    static let counties: [(code: String, name: String, streets: [String])] = [
        ("330106", "杭州市西湖区", ["文三路", "天目山路", "古墩路", "教工路"]),
        ("330102", "杭州市上城区", ["解放路", "中山南路", "清泰街"]),
        ("330105", "杭州市拱墅区", ["莫干山路", "湖墅南路", "上塘路"]),
        ("440305", "深圳市南山区", ["南山大道", "科技园路", "桃园路"]),
        ("440304", "深圳市福田区", ["华强北路", "深南中路", "福华路"]),
        ("110108", "北京市海淀区", ["中关村大街", "学院路", "知春路"]),
        ("110105", "北京市朝阳区", ["朝阳路", "东三环中路", "望京街"]),
        ("510107", "成都市武侯区", ["武侯大道", "人民南路四段", "科华北路"]),
        ("510104", "成都市锦江区", ["春熙路", "东大街", "红星路"]),
        ("320102", "南京市玄武区", ["中山路", "珠江路", "龙蟠路"]),
        ("420111", "武汉市洪山区", ["珞喻路", "光谷大道", "雄楚大道"]),
        ("610113", "西安市雁塔区", ["小寨东路", "长安南路", "电子正街"]),
    ]

    /// Region prefixes (GB/T 2260) of customers' resident IDs.
    static let personRegions: [String] = [
        "330106", "330102", "330103", "330381", "440305", "440304", "440106", "110108", "110105", "510107",
        "510104", "320102", "420111", "610113", "130102", "410105", "360102", "350102", "450103", "520102",
        "340104", "210102", "230103", "500103", "370102", "430104", "512501", "412725", "362201", "342422",
    ]

    static let surnames: [String] = Array(
        "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
    ).map { String($0) } + ["欧阳", "司马", "诸葛"]

    static let maleGivenNames: [String] = [
        "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "飞", "浩", "宇", "轩", "博",
        "文", "俊", "晨", "阳", "鑫", "斌", "凯", "志强", "建国", "浩宇", "子轩", "宇航", "俊杰", "天佑", "嘉豪", "梓睿",
        "家乐", "明辉", "思远", "振华", "国庆",
    ]
    static let femaleGivenNames: [String] = [
        "芳", "娜", "秀英", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "慧", "琳", "欣怡", "梓涵", "一诺", "雨涵",
        "佳琪", "思琪", "梦洁", "雅琳", "晓燕", "玥", "婧", "诗涵", "若曦", "紫萱", "美玲",
    ]
    /// Given-name characters whose GBK encoding ends in 0x7C `|` or 0x5C `\` (珅 AB7C, 弢 8F7C, 昞 95 5C...),
    /// so that a reader splitting raw GBK on `|` breaks (STYLE.md §3).
    static let trickyGivenNames: [String] = ["珅", "弢", "昞", "喆", "昇", "子珅", "文弢", "昞辰", "琝"]

    static let venueNameStems: [String] = [
        "星空", "网鱼", "极速", "新浪潮", "蓝天", "风云", "天下", "金手指", "战旗", "零度", "飞扬", "梦想", "龙腾", "王者",
        "超凡", "雷霆", "酷玩", "E时代", "聚力", "火狐",
    ]
    static let venueNameKinds: [String] = ["网吧", "网咖", "电竞馆", "网络会所"]
    static let isps: [String] = ["中国电信", "中国联通", "中国移动", "华数宽带"]
    static let auditSystems: [String] = ["任子行网吧审计系统", "网盾安全审计", "天行网安审计", "启明星辰上网审计"]

    /// Billing systems a venue may be licensed to run, with the process name of each one's client (public
    /// sources, as in the project's `signatures/billing-clients.txt`, which maps them to the same system names).
    static let billingSystems: [(system: String, clientExe: String)] = [
        ("Pubwin", "PubwinClient.exe"),
        ("万象", "wxcltaidex.exe"),
        ("嘟嘟牛", "UDO.exe"),
        ("摇钱树", "yqsclient.exe"),
        ("计费大师", "JFCLI.exe"),
    ]
    /// A card-free (免刷) tool. No public source names one, so the shipped list is empty and the generator
    /// writes it into the `signatures/` folder of its output, beside the shipped billing clients.
    static let cardFreeTool = "MianShua.exe"

    /// Ordinary programs customers run, with the diskless and game-menu clients that run on every terminal of
    /// many venues (网维大师, 易乐游, 领沃): they must never count as a second billing system.
    static let programs: [String] = [
        "LeagueClient.exe", "chrome.exe", "QQ.exe", "WeChat.exe", "steam.exe", "cs2.exe", "dota2.exe", "YuanShen.exe",
        "wegame.exe", "DNF.exe", "crossfire.exe", "msedge.exe", "QQMusic.exe", "PotPlayerMini64.exe",
        "BarClientView.exe", "eyoocore.exe", "knbclient.exe",
    ]

    static let flowDestinations: [String] = [
        "101.226.4.6", "183.60.15.162", "120.232.65.187", "203.205.254.157", "14.215.177.39", "180.101.49.11",
        "116.128.171.172", "39.156.66.10", "111.206.208.14", "157.255.11.9",
    ]
    static let flowPorts: [Int] = [443, 443, 443, 80, 8080, 27015, 3478, 5222]

    static let sessionNotes: [String] = [
        "", "", "", "", "", "", "", "", "", "", "", "", "包时段", "会员续费", "老顾客", "\"金卡\"会员", "包时,已续费",
        "换机\n原机键盘故障", "充值送券", "押金50,已退",
    ]

    static let auditDetails: [String] = [
        "审计服务启动 v3.2.1", "策略更新 版本20261128", "审计服务停止", "客户端防护模块被卸载", "审计服务重新启动",
    ]
    static let unknownEventNames: [String] = ["USB", "PRINT", "QRLOGIN"]
}
