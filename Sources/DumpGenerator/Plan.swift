import LogFormats

/// An injected scenario: a labelled case of one detector, or a near miss just under its threshold.
enum UnitKind: Int, CaseIterable {
    case unbilledIdle, unbilledAfterSession, unbilledNearShort, unbilledNearBroken
    case manualCount, manualShare, manualNear
    case secondBillingProcess, secondBillingOrphans, secondBillingNear
    case cardFreeNoSwipe, cardFreeLateSwipe, cardFreeFailedSwipe, cardFreeTool, cardFreeNear
    case idSharingTerminals, idSharingVenues, idSharingCount, idSharingNear
    case staffCard, staffNear
    case invalidID, invalidNear
    case minor, minorNear
    case afterHours, afterHoursNear
    case auditStop, auditTamper, auditGaps, auditNear
    case ipMismatch, ipNear
    case privateNetwork, privateNetworkNear
    /// A minor logged on off the books: only the real-name platform recorded it (pinyin or Chinese header).
    case platformMinorPinyin, platformMinorChinese

    var detector: String {
        switch self {
        case .unbilledIdle, .unbilledAfterSession, .unbilledNearShort, .unbilledNearBroken: "unbilled-use"
        case .manualCount, .manualShare, .manualNear: "manual-billing"
        case .secondBillingProcess, .secondBillingOrphans, .secondBillingNear: "second-billing"
        case .cardFreeNoSwipe, .cardFreeLateSwipe, .cardFreeFailedSwipe, .cardFreeTool, .cardFreeNear: "card-free-login"
        case .idSharingTerminals, .idSharingVenues, .idSharingCount, .idSharingNear: "id-sharing"
        case .staffCard, .staffNear: "staff-card"
        case .invalidID, .invalidNear: "invalid-id"
        case .minor, .minorNear: "minor"
        case .afterHours, .afterHoursNear: "after-hours"
        case .auditStop, .auditTamper, .auditGaps, .auditNear: "audit-gap"
        case .ipMismatch, .ipNear: "ip-mismatch"
        case .privateNetwork, .privateNetworkNear: "private-network"
        case .platformMinorPinyin, .platformMinorChinese: "minor"
        }
    }

    /// Near misses labelled for the whole venue (no terminal, no cert): any finding of the detector in that
    /// venue would match them, so their venue hosts no case of that detector.
    var isVenueLevelNearMiss: Bool {
        self == .manualNear || self == .secondBillingNear || self == .staffNear || self == .afterHoursNear
    }

    var isNearMissOnly: Bool {
        switch self {
        case .unbilledNearShort, .unbilledNearBroken, .manualNear, .secondBillingNear, .cardFreeNear, .idSharingNear,
            .staffNear, .invalidNear, .minorNear, .afterHoursNear, .auditNear, .ipNear, .privateNetworkNear:
            true
        default: false
        }
    }

    /// Terminals the scenario has to itself all day.
    var reservedTerminals: Int {
        switch self {
        case .manualCount, .manualShare, .manualNear, .auditStop, .auditTamper, .privateNetwork: 0
        case .unbilledIdle, .unbilledAfterSession, .unbilledNearShort, .unbilledNearBroken, .secondBillingProcess,
            .cardFreeNoSwipe, .cardFreeLateSwipe, .cardFreeFailedSwipe, .cardFreeTool, .idSharingVenues, .invalidID,
            .invalidNear, .ipNear, .privateNetworkNear, .platformMinorPinyin, .platformMinorChinese:
            1
        case .idSharingTerminals, .idSharingCount, .staffNear, .minor, .minorNear, .afterHoursNear, .auditGaps,
            .auditNear:
            2
        case .secondBillingOrphans, .secondBillingNear, .cardFreeNear, .staffCard, .afterHours: 3
        case .idSharingNear, .ipMismatch: 4
        }
    }
}

/// One scenario placed in one venue.
struct PlannedUnit: Sendable {
    var kind: UnitKind
    /// Global number of the unit; its people's IDs derive from it, so both venues of a cross-venue case agree.
    var number: Int
    /// 场所编码 of the other venue of a cross-venue case.
    var partnerVenue: String?
    /// 0 or 1: which side of a cross-venue case this venue is.
    var side: Int
}


/// Everything decided about one venue before it is built, drawn in order from the dump's seed.
struct VenueSpec: Sendable {
    var index: Int
    /// 场所编码.
    var code: String
    var countyIndex: Int
    var terminalCount: Int
    var billingIndex: Int
    /// Session times whole minutes, so the export may use minute-only times; never in a venue with scenarios.
    var minutePrecision: Bool
    /// Few sessions, for the share rule of `manual-billing`.
    var quiet: Bool
    /// Whether staff cards are used at all (on at most 2 terminals).
    var ordinaryStaff: Bool
    /// Clients send heartbeats all day; false in small mode, where each runs only around its terminal's use.
    var clientsRunAllDay = true
    var units: [PlannedUnit] = []
    /// How the billing exports name their columns (FORMATS.md §3.6): Pubwin's names or another system's.
    var dialect = SessionDialect.pubwin
    /// What stands before the header of each CSV export (FORMATS.md §1: title lines may hold anything).
    var titles = TitleStyle.none
    /// The provincial platform's real-name records of the venue's sessions, with this header (nil: none).
    var platformHeader: PlatformHeader?
    /// The gateway writes FLOW lines for every address of the LAN, without a terminal (FORMATS.md §3.3).
    var gatewayFlows = false
    /// An extra copy of the sessions export with no venue column and no title naming the venue: `no-venue`.
    var noVenueCopy = false
    /// Audit use and no billing export at all (FORMATS.md §4: one venue-level unbilled-use finding).
    var noBillingExport = false
    /// Only an anonymised platform export (PERSONID, BIRTHDAY, FORMATS.md §3.6): no audit log, no billing.
    var anonymisedOnly = false
    /// Written plainly (`GeneratorOptions.plain`).
    var plain = false

    var reservedTerminals: Int { units.reduce(0) { $0 + $1.kind.reservedTerminals } }
}

/// Venues and scenario placement for a whole dump.
enum Planner {
    /// Fewest venues that hold one round of scenarios with the venue-exclusive ones apart.
    static let minimumVenuesWithAnomalies = 8
    /// Fewest ordinary terminals a venue may be given in small mode (`GeneratorOptions.terminalsPerVenue`).
    static let minimumTerminalsPerVenue = 2

    static func venueSpecs(_ options: GeneratorOptions) -> [VenueSpec] {
        var random = SeededRandom(seed: options.seed, stream: 0x5045_4E55)
        var count = max(1, options.venues)
        if options.anomalies { count = max(count, minimumVenuesWithAnomalies) }
        let terminalRange = options.targetBytes == nil ? 20...60 : 20...200
        // --venues with --size: that many venues, each of the size's share (at least 20 terminals).
        let sharedTerminals = options.targetBytes.flatMap { target in
            options.venuesGiven ? max(20, Int(target / Int64(count) / estimatedBytes(terminals: 1))) : nil
        }
        var specs: [VenueSpec] = []
        var estimated: Int64 = 0
        var index = 0
        while index < count || (!options.venuesGiven && (options.targetBytes.map { estimated < $0 } ?? false)) {
            let countyIndex = random.below(Tables.counties.count)
            let code = Tables.counties[countyIndex].code + String(10_000_000 + index * 97 + random.below(97))
            var terminals = random.int(terminalRange)
            if random.chance(0.5) { terminals = random.int(terminalRange.lowerBound...(terminalRange.lowerBound + 40)) }
            if let sharedTerminals { terminals = sharedTerminals }
            var spec = VenueSpec(
                index: index, code: code, countyIndex: countyIndex, terminalCount: terminals,
                billingIndex: random.below(Tables.billingSystems.count), minutePrecision: random.chance(0.15),
                quiet: false, ordinaryStaff: random.chance(0.5))
            spec.dialect = random.pick(SessionDialect.allCases)
            spec.titles = spec.dialect == .noVenueColumn ? .venueLine : random.pick(TitleStyle.allCases)
            spec.platformHeader = random.chance(0.4) ? random.pick([PlatformHeader.pinyin, .chinese]) : nil
            spec.gatewayFlows = random.chance(0.4)
            spec.noVenueCopy = random.chance(0.15)
            if options.plain {
                spec.dialect = .pubwin
                spec.titles = .none
                spec.platformHeader = nil
                spec.noVenueCopy = false
                spec.minutePrecision = false
                spec.plain = true
            }
            specs.append(spec)
            estimated += estimatedBytes(terminals: terminals)
            index += 1
        }
        if options.anomalies {
            place(into: &specs, random: &random, fixedTerminals: options.terminalsPerVenue != nil, plain: options.plain)
            // Two venues beyond the count: one whose billing export is missing (audit use only), and one known
            // only from an anonymised platform export (its own cases: a minor by BIRTHDAY, one id used 8 times).
            for kind in 0..<(options.plain ? 1 : 2) {
                let index = specs.count
                let countyIndex = random.below(Tables.counties.count)
                var spec = VenueSpec(
                    index: index, code: Tables.counties[countyIndex].code + String(10_000_000 + index * 97 + random.below(97)),
                    countyIndex: countyIndex, terminalCount: random.int(20...30),
                    billingIndex: random.below(Tables.billingSystems.count), minutePrecision: false, quiet: false,
                    ordinaryStaff: false)
                if kind == 0 { spec.noBillingExport = true } else { spec.anonymisedOnly = true }
                spec.plain = options.plain
                specs.append(spec)
            }
        }
        if let ordinary = options.terminalsPerVenue {
            // Replaced after the draws, so a seed names the same venues (codes, counties, billing) in both modes.
            for index in specs.indices {
                specs[index].terminalCount = ordinary + specs[index].reservedTerminals
                specs[index].clientsRunAllDay = false
            }
        }
        return specs
    }

    /// Uncompressed text a venue makes, measured: about 200 KB a terminal (audit heartbeats dominate).
    static func estimatedBytes(terminals: Int) -> Int64 { Int64(terminals) * 200_000 }

    /// `fixedTerminals`: venue sizes follow the scenarios placed (small mode), so no venue is ever too small.
    /// `plain`: no platform files, so none of the cases only they record.
    private static func place(
        into specs: inout [VenueSpec], random: inout SeededRandom, fixedTerminals: Bool, plain: Bool
    ) {
        let venueCount = specs.count
        let rounds = max(1, min(3, venueCount / 12))
        var cursor = random.below(venueCount)
        var number = 0
        // Every labelled night has platform files of both headers, each with a case only they record.
        for (offset, header) in [PlatformHeader.pinyin, .chinese].enumerated() where venueCount > offset && !plain {
            specs[(cursor + offset * 3) % venueCount].platformHeader = header
        }
        func compatible(_ kind: UnitKind, _ venue: Int) -> Bool {
            let spec = specs[venue]
            if spec.quiet { return false }
            if kind == .platformMinorPinyin, spec.platformHeader != .pinyin { return false }
            if kind == .platformMinorChinese, spec.platformHeader != .chinese { return false }
            // A platform-only log-on is one more orphaned ONLINE: never beside second-billing's near miss of two.
            let platformOnly: Set<UnitKind> = [.platformMinorPinyin, .platformMinorChinese]
            if platformOnly.contains(kind), spec.units.contains(where: { $0.kind == .secondBillingNear }) { return false }
            if kind == .secondBillingNear, spec.units.contains(where: { platformOnly.contains($0.kind) }) { return false }
            if kind == .manualShare { return spec.units.isEmpty }
            if !fixedTerminals, spec.reservedTerminals + kind.reservedTerminals > spec.terminalCount - 12 { return false }
            for other in spec.units where other.kind.detector == kind.detector {
                if other.kind == kind { return false }
                if other.kind.isVenueLevelNearMiss || kind.isVenueLevelNearMiss { return false }
            }
            return true
        }
        for _ in 0..<rounds {
            for kind in UnitKind.allCases {
                guard let first = (0..<venueCount).map({ (cursor + $0) % venueCount }).first(where: { compatible(kind, $0) })
                else { continue }
                if kind == .idSharingVenues {
                    guard let second = (1..<venueCount).map({ (first + $0) % venueCount })
                        .first(where: { compatible(kind, $0) })
                    else { continue }
                    specs[first].units.append(PlannedUnit(kind: kind, number: number, partnerVenue: specs[second].code, side: 0))
                    specs[second].units.append(PlannedUnit(kind: kind, number: number, partnerVenue: specs[first].code, side: 1))
                } else {
                    specs[first].units.append(PlannedUnit(kind: kind, number: number, partnerVenue: nil, side: 0))
                }
                if kind == .manualShare { specs[first].quiet = true }
                number += 1
                cursor = (first + 1) % venueCount
            }
        }
        for index in specs.indices where !specs[index].units.isEmpty {
            specs[index].minutePrecision = false
            if specs[index].units.contains(where: { $0.kind.detector == "private-network" }) {
                specs[index].gatewayFlows = true
            }
            if specs[index].units.contains(where: { $0.kind.detector == "staff-card" }) {
                specs[index].ordinaryStaff = false
            }
        }
    }
}

/// How a billing export names its columns (FORMATS.md §3.1, §3.6).
enum SessionDialect: CaseIterable {
    /// Pubwin's names (§3.1).
    case pubwin
    /// Another system's names (营业场所代码, 上网账号, 机器号, 开始时间, 费用 …), no 记录号.
    case otherSystem
    /// Other names again, no venue column: the venue comes from a title line (`场所编码:`).
    case noVenueColumn
}

/// What stands before a CSV export's header row.
enum TitleStyle: CaseIterable {
    case none
    /// `上机记录查询,导出时间:…`
    case exportTime
    /// `场所名称:…,场所编码:…` then `…,导出时间:…` (the line that once made a sessions export a registry file).
    case venueLine
    /// Printer lines, other formats' column names with colons, quotes, a stray quote.
    case noisy
}

/// The header of a platform 上网人员信息 file (FORMATS.md §3.6).
enum PlatformHeader {
    case pinyin, chinese
}
