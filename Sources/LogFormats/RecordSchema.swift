// Small closed vocabularies of the record schemas (FORMATS.md §2-3), stored as UInt8 columns.

/// 证件类型, normalised to its numeric code (FORMATS.md §2).
package enum CertType: UInt16, Sendable, CaseIterable {
    case unknown = 0
    /// Not a document: an anonymised export's opaque person id (`PERSONID`, FORMATS.md §3.6). It links
    /// sessions like a cert number, but no check character or birth date can be read from it.
    case anonymisedPersonID = 1
    case residentID = 111
    case temporaryID = 112
    /// 军官证 (public-sources.md: in audit vendors' lists).
    case officerCard = 114
    /// 警官证.
    case policeCard = 123
    /// 学生证.
    case studentCard = 133
    case drivingLicence = 335
    case passport = 414
    /// 港澳居民来往内地通行证.
    case hongKongMacaoPermit = 516
    case other = 990

    /// Whether the number is a PRC resident ID (the only kinds `invalid-id` and `minor` look at).
    package var isResidentID: Bool { self == .residentID || self == .temporaryID }
}

/// 用户类型 of a billing session.
package enum UserType: UInt8, Sendable, CaseIterable {
    case unknown = 0
    /// 会员
    case member = 1
    /// 临时
    case temporary = 2
    /// 员工 (staff card, 工卡)
    case staff = 3
}

/// 结账方式 of a billing session.
package enum CheckoutMethod: UInt8, Sendable, CaseIterable {
    case unknown = 0
    /// 正常: by card or ID swipe.
    case normal = 1
    /// 手工: entered by hand by the cashier.
    case manual = 2
    /// 自动: automatic at zero balance.
    case automatic = 3
    /// 强制: forced by an administrator.
    case forced = 4
}

/// 交易类型 of a billing transaction.
package enum TransactionKind: UInt8, Sendable, CaseIterable {
    case unknown = 0
    case openAccount = 1  // 开户
    case topUp = 2  // 充值
    case logOn = 3  // 上机
    case logOff = 4  // 下机
    case checkOut = 5  // 结账
    case refund = 6  // 退款
    case lateEntry = 7  // 补登
    case manualCharge = 8  // 手工计费
    case changeTerminal = 9  // 换机
    case goods = 10  // 商品

    /// Whether `manual-billing` counts it (FORMATS.md §4).
    package var isManual: Bool { self == .lateEntry || self == .manualCharge }
}

/// The EVENT of an audit line (FORMATS.md §3.3).
package enum AuditEventKind: UInt8, Sendable, CaseIterable {
    case online = 1, offline, heartbeat, process, snapshot, swipe, audit, flow

    /// The upper-case name used in `audit-pipe`; `audit-jsonl` uses it in lower case.
    package var name: String {
        switch self {
        case .online: "ONLINE"
        case .offline: "OFFLINE"
        case .heartbeat: "HEARTBEAT"
        case .process: "PROC"
        case .snapshot: "SNAP"
        case .swipe: "SWIPE"
        case .audit: "AUDIT"
        case .flow: "FLOW"
        }
    }
}

/// `HEARTBEAT` state.
package enum HeartbeatState: UInt8, Sendable, CaseIterable {
    case idle = 0, locked = 1, inUse = 2
}

/// `SWIPE` result.
package enum SwipeResult: UInt8, Sendable, CaseIterable {
    case ok = 0, readFail = 1, demagnetised = 2, expired = 3
}

/// `AUDIT` status.
package enum AuditStatus: UInt8, Sendable, CaseIterable {
    case start = 0, stop = 1, tamper = 2, config = 3
}

/// `PROC` action.
package enum ProcessAction: UInt8, Sendable, CaseIterable {
    case start = 0, stop = 1
}
