/// The language of human-facing text (FORMATS.md §7): Simplified Chinese by default, English on request. JSON keys,
/// detector ids and exit codes are the same in both.
package enum Language: String, Sendable, CaseIterable {
    case zh, en

    /// `zh` or `en` text, whichever this language is.
    package func pick(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }
}

/// One piece of human-facing text in both languages (FORMATS.md §7), for text made before the language is known
/// (a detector's missing inputs are stored in both and shown in either).
package struct Wording: Sendable, Hashable {
    /// Simplified Chinese, the default.
    package var zh: String
    /// English, with `--lang en`.
    package var en: String

    package init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    /// The text in `language`.
    package func text(_ language: Language) -> String { language.pick(zh, en) }
}

extension DetectorID {
    /// The rule's name as an inspector says it.
    package func title(_ language: Language) -> String {
        let names: [String: (zh: String, en: String)] = [
            "manual-billing": ("手工计费", "billing by hand"),
            "second-billing": ("二套计费", "a second billing system"),
            "card-free-login": ("免刷卡上网", "log-on without an ID card"),
            "unbilled-use": ("上网未计费", "use with no billing session"),
            "id-sharing": ("身份证冒用/一证多用", "one ID card used by several people"),
            "staff-card": ("工作卡/公卡上网", "staff or shared cards"),
            "invalid-id": ("无效身份证号", "impossible ID numbers"),
            "minor": ("接纳未成年人", "minors admitted"),
            "after-hours": ("违规时段营业", "trading after hours"),
            "audit-gap": ("擅自停止安全技术措施", "audit measures switched off"),
            "ip-mismatch": ("终端与登记资料不符", "terminals that do not match the registry"),
            "private-network": ("私接网络设备/自组局域网", "devices on the venue's line that are no terminals"),
        ]
        guard let name = names[rawValue] else { return rawValue }
        return language == .zh ? name.zh : name.en
    }
}

extension Severity {
    package func title(_ language: Language) -> String {
        switch self {
        case .high: language.pick("高", "high")
        case .medium: language.pick("中", "medium")
        case .low: language.pick("低", "low")
        }
    }
}

/// The six rates of the inspection sheet (FORMATS.md §8), in the sheet's order.
package enum VenueRate: String, Sendable, CaseIterable {
    /// 审计系统安装率: registered terminals that sent any audit event.
    case auditInstall = "audit-install"
    /// 审计系统使用率: terminal time in use covered by running audit (heartbeats and OK snapshots).
    case auditUse = "audit-use"
    /// 计费系统使用率: terminal time in use covered by billing sessions.
    case billingUse = "billing-use"
    /// 截屏上传率: OK snapshots over those expected.
    case screenshotUpload = "screenshot-upload"
    /// 实名登记率: sessions with a valid cert over all sessions, staff cards apart.
    case realName = "real-name"
    /// IP 与机器编号一一对应: terminals matching the registry over terminals seen.
    case ipTerminal = "ip-terminal"

    package func title(_ language: Language) -> String {
        switch self {
        case .auditInstall: language.pick("审计系统安装率", "audit system installed")
        case .auditUse: language.pick("审计系统使用率", "audit system in use")
        case .billingUse: language.pick("计费系统使用率", "billing system in use")
        case .screenshotUpload: language.pick("截屏上传率", "screenshots uploaded")
        case .realName: language.pick("实名登记率", "real-name registration")
        case .ipTerminal: language.pick("IP 与机器编号一一对应", "IP and terminal number match")
        }
    }
}
