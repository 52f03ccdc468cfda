import LogFormats

/// A customer or staff member as the exports show them.
struct Person {
    /// Cert number with an upper-case check `X`; empty for a staff card without one.
    var cert: [UInt8]
    /// 证件类型 code (111, 112, 335, 414); 0 when there is no cert.
    var certType: Int
    /// Name, UTF-8.
    var name: [UInt8]
    /// 卡号.
    var card: [UInt8]
    /// Member (会员) rather than temporary (临时) customer.
    var isMember: Bool
    /// Balance on the member card, in fen.
    var balanceFen: Int
}

/// 用户类型.
enum UserKind: UInt8 {
    case member, temporary, staff
}

/// 结账方式.
enum Checkout: UInt8 {
    case normal, manual, automatic, forced
}

/// How the front-desk swipe before a session looks.
enum SwipePlan {
    /// One `OK` swipe 2-15 minutes before the start, now and then after a failed read.
    case ordinary
    /// No swipe at all.
    case none
    /// One `OK` swipe exactly this many seconds before the start.
    case secondsBefore(Int)
    /// Only failed reads (`READ_FAIL`, `DEMAG`) before the start.
    case failedOnly
    /// One `OK` swipe this many seconds before, its `X` written lower-case.
    case lowerCaseX(Int)
}

/// One billing session (上机记录), times in seconds from the business day's local midnight.
struct Session {
    /// Index into the venue's terminal identities.
    var terminal: Int
    /// Index into the venue's people.
    var person: Int
    var start: Int
    var end: Int
    var userKind: UserKind
    var checkout: Checkout = .normal
    var swipe: SwipePlan = .ordinary
    /// A stretch with no `OK` snapshot strictly inside it, `OK` ones at both ends.
    var snapshotGap: (from: Int, to: Int)? = nil
    /// An extra `ONLINE` this many seconds before the start (a near miss of the orphaned log-on rule).
    var earlyOnlineSeconds: Int? = nil
    /// Cert written with a lower-case `x` in the session export.
    var lowerCaseX = false
    /// Made by the ordinary night, not by an injected scenario (only these are turned into manual items).
    var isOrdinary = true
    /// Recorded by the real-name platform only: no billing export or transaction holds it.
    var platformOnly = false
    /// 记录号, set once all sessions are known.
    var recordNumber = 0
    /// 消费金额 in fen.
    var amountFen = 0
    /// Index into the venue's cashiers.
    var cashier = 0
    /// Index into `Tables.sessionNotes`.
    var note = 0
}

/// An audit event kind (FORMATS.md §3.3), plus names the reader does not know.
enum EventKind: UInt8 {
    case online, offline, heartbeat, process, snapshot, swipe, audit, flow, unknown
}

/// One audit event; compact because a venue has hundreds of thousands.
struct AuditEvent {
    /// Seconds from the business day's local midnight.
    var time: Int32
    var kind: EventKind
    /// Heartbeat state, process action, snapshot result, swipe result (bit 7: write `x`), audit status; for FLOW
    /// bit 0 means the gateway wrote the line (no terminal field).
    var argument: UInt8
    /// Index into the venue's terminal identities.
    var terminal: UInt16
    /// Person (online, offline, swipe), program (process), detail (audit), name (unknown); for FLOW the
    /// traffic's seed, or with `FlowSize.exact` set, its exact kilobytes (up plus down).
    var reference: Int32
}

/// `HEARTBEAT` states, as `AuditEvent.argument`.
enum HeartbeatCode {
    static let idle: UInt8 = 0
    static let locked: UInt8 = 1
    static let inUse: UInt8 = 2
}

/// How a terminal shows itself in the audit log: number, IP and MAC.
struct TerminalIdentity {
    /// 终端号, e.g. `012`.
    var number: String
    var ipv4: (UInt8, UInt8, UInt8, UInt8)
    var mac: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    var ipText: String { "\(ipv4.0).\(ipv4.1).\(ipv4.2).\(ipv4.3)" }

    /// MAC in one of the forms of FORMATS.md §2: 0 `00-1A-2B-3C-4D-5E`, 1 `00:1a:2b:3c:4d:5e`, 2 `001A2B3C4D5E`.
    func macText(style: Int) -> String {
        let parts = [mac.0, mac.1, mac.2, mac.3, mac.4, mac.5].map { byte -> String in
            let hex = String(byte, radix: 16, uppercase: style != 1)
            return hex.count == 1 ? "0" + hex : hex
        }
        switch style {
        case 1: return parts.joined(separator: ":")
        case 2: return parts.joined()
        default: return parts.joined(separator: "-")
        }
    }
}

/// 交易类型 of a transaction row.
enum TransactionKind: UInt8 {
    case openAccount, topUp, logOn, logOff, checkOut, lateEntry, manualCharge, goods

    var name: String {
        switch self {
        case .openAccount: "开户"
        case .topUp: "充值"
        case .logOn: "上机"
        case .logOff: "下机"
        case .checkOut: "结账"
        case .lateEntry: "补登"
        case .manualCharge: "手工计费"
        case .goods: "商品"
        }
    }
}

/// One billing transaction (交易流水).
struct Transaction {
    var time: Int
    var kind: TransactionKind
    var person: Int
    var amountFen: Int
    var balanceFen: Int
    /// Identity index, or nil at the front desk.
    var terminal: Int?
    var note: String = ""
}

/// One labelled line of `truth.jsonl`.
struct TruthRecord: Comparable {
    var isCase: Bool
    var detector: String
    var venue: String
    var terminal: String?
    var cert: String?
    /// The network address a private-network case is about (its IP).
    var address: String? = nil
    /// Seconds from the business day's local midnight.
    var start: Int
    var end: Int
    var note: String

    static func < (lhs: TruthRecord, rhs: TruthRecord) -> Bool {
        (lhs.venue, lhs.detector, lhs.start, lhs.end, lhs.terminal ?? "", lhs.note)
            < (rhs.venue, rhs.detector, rhs.start, rhs.end, rhs.terminal ?? "", rhs.note)
    }
}

/// Resident ID numbers for synthetic people (GB 11643-1999).
enum SyntheticID {
    /// An 18-character resident ID with a correct check character.
    static func residentID(region: String, year: Int, month: Int, day: Int, sequence: Int) -> [UInt8] {
        var digits = Array(region.utf8)
        digits.appendDecimal(year)
        digits.appendTwoDigits(month)
        digits.appendTwoDigits(day)
        digits.append(UInt8(truncatingIfNeeded: 0x30 + sequence / 100 % 10))
        digits.appendTwoDigits(sequence % 100)
        digits.append(ResidentID.checkCharacter(ofFirst17: digits) ?? UInt8(ascii: "0"))
        return digits
    }

    /// A Chinese name; `sequence` odd is male, as the ID's 17th digit says.
    static func name(_ random: inout SeededRandom, male: Bool, tricky: Bool = false) -> [UInt8] {
        let given = tricky ? random.pick(Tables.trickyGivenNames)
            : random.pick(male ? Tables.maleGivenNames : Tables.femaleGivenNames)
        return Array((random.pick(Tables.surnames) + given).utf8)
    }
}

/// FLOW traffic sizes: a reference with this bit set carries the exact kilobytes of the line (bytes up and down
/// split 1:3), so that scenarios can sit exactly around a threshold.
enum FlowSize {
    static let exact: Int32 = 1 << 30
}
