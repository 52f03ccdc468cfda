import Yams

/// The thresholds of every detector of FORMATS.md §4. The contract's defaults are the property initialisers
/// below and are stated nowhere else: `defaultsYAML` and `load` read them from here.
///
/// In YAML, the top-level keys are the detector ids (`unbilled-use:`, ...), every key is optional (missing
/// means the default), and an unknown key or a value of the wrong type is a `ConfigError` naming the key.
package struct DetectorConfig: Codable, Sendable, Equatable {
    /// `unbilled-use`: terminals in use with no billing session covering them.
    package struct UnbilledUse: Codable, Sendable, Equatable {
        package var enabled = true
        /// Shortest reported run, from its first to its last `INUSE` heartbeat, in minutes.
        package var minimumRunMinutes: Double = 10
        /// How far each session is widened at both ends before heartbeats count as outside it, in minutes.
        package var sessionWideningMinutes: Double = 2
        /// Longest silence between two heartbeats that still continues a run, in minutes.
        package var maxSilenceMinutes: Double = 5

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            minimumRunMinutes = try reader.minutes("minimumRunMinutes", minimumRunMinutes)
            sessionWideningMinutes = try reader.minutes("sessionWideningMinutes", sessionWideningMinutes)
            maxSilenceMinutes = try reader.minutes("maxSilenceMinutes", maxSilenceMinutes)
            try reader.finish()
        }
    }

    /// `manual-billing`: billing done by hand.
    package struct ManualBilling: Codable, Sendable, Equatable {
        package var enabled = true
        /// A venue with at least this many manual items is reported.
        package var minimumManualItems = 5
        /// A venue whose manual items are at least this share of its sessions is reported, in percent.
        package var minimumManualSharePercent: Double = 10

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            minimumManualItems = try reader.count("minimumManualItems", minimumManualItems)
            minimumManualSharePercent = try reader.minutes("minimumManualSharePercent", minimumManualSharePercent)
            try reader.finish()
        }
    }

    /// `second-billing`: a second billing system.
    package struct SecondBilling: Codable, Sendable, Equatable {
        package var enabled = true
        /// An `ONLINE` is orphaned when no session of its terminal starts within this many minutes of it.
        package var logonMatchMinutes: Double = 5
        /// A venue with at least this many orphaned log-ons is reported.
        package var minimumOrphanedLogons = 3

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            logonMatchMinutes = try reader.minutes("logonMatchMinutes", logonMatchMinutes)
            minimumOrphanedLogons = try reader.count("minimumOrphanedLogons", minimumOrphanedLogons)
            try reader.finish()
        }
    }

    /// `card-free-login`: log-on without the ID card.
    package struct CardFreeLogin: Codable, Sendable, Equatable {
        package var enabled = true
        /// How long before a session starts an `OK` swipe of its cert still counts, in minutes.
        package var swipeWindowMinutes: Double = 30
        /// How long after a session starts a swipe still counts (clock skew between billing and audit), in
        /// minutes; the contract says "before", so 0.
        package var swipeGraceAfterStartMinutes: Double = 0

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            swipeWindowMinutes = try reader.minutes("swipeWindowMinutes", swipeWindowMinutes)
            swipeGraceAfterStartMinutes = try reader.minutes(
                "swipeGraceAfterStartMinutes", swipeGraceAfterStartMinutes)
            try reader.finish()
        }
    }

    /// `id-sharing`: one identity used by several people.
    package struct IDSharing: Codable, Sendable, Equatable {
        package var enabled = true
        /// Shortest shared stretch of two sessions of one cert on different terminals or venues, in minutes.
        package var minimumOverlapMinutes: Double = 1
        /// A cert with at least this many sessions in one venue within `windowHours` is reported.
        package var minimumSessionsInWindow = 8
        /// Length of the window of session start times, in hours.
        package var windowHours: Double = 24

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            minimumOverlapMinutes = try reader.minutes("minimumOverlapMinutes", minimumOverlapMinutes)
            minimumSessionsInWindow = try reader.count("minimumSessionsInWindow", minimumSessionsInWindow)
            windowHours = try reader.minutes("windowHours", windowHours)
            try reader.finish()
        }
    }

    /// `staff-card`: staff cards used to let customers on.
    package struct StaffCard: Codable, Sendable, Equatable {
        package var enabled = true
        /// A venue whose staff-card sessions reach this many distinct terminals within `windowHours` is reported.
        package var minimumDistinctTerminals = 3
        /// Length of the window of session start times, in hours.
        package var windowHours: Double = 24

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            minimumDistinctTerminals = try reader.count("minimumDistinctTerminals", minimumDistinctTerminals)
            windowHours = try reader.minutes("windowHours", windowHours)
            try reader.finish()
        }
    }

    /// `invalid-id`: resident-ID numbers that cannot be real. No thresholds.
    package struct InvalidID: Codable, Sendable, Equatable {
        package var enabled = true

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            try reader.finish()
        }
    }

    /// `minor`: under-age customers.
    package struct Minor: Codable, Sendable, Equatable {
        package var enabled = true
        /// Customers younger than this at session start, in whole years, are minors.
        package var minimumAgeYears = 18

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            minimumAgeYears = try reader.count("minimumAgeYears", minimumAgeYears)
            try reader.finish()
        }
    }

    /// `after-hours`: trade outside permitted hours, with a window per jurisdiction.
    package struct AfterHours: Codable, Sendable, Equatable {
        package var enabled = true
        /// Shortest overlap of a session with one night's window that is reported, in minutes.
        package var minimumOverlapMinutes: Double = 1
        /// The prohibited local-time window wherever no jurisdiction overrides it.
        package var window = LocalTimeWindow(startMinuteOfDay: 0, endMinuteOfDay: 8 * 60)
        /// Windows by administrative-division prefix of the venue code (`"3301"`, `"330106"`); longest prefix wins.
        package var jurisdictions: [String: LocalTimeWindow] = [:]

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            minimumOverlapMinutes = try reader.minutes("minimumOverlapMinutes", minimumOverlapMinutes)
            window = try reader.value("window", window)
            jurisdictions = try reader.value("jurisdictions", jurisdictions)
            for prefix in jurisdictions.keys.sorted()
            where prefix.isEmpty || prefix.utf8.count > 14 || !prefix.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                throw ConfigError(
                    "Detector config key 'after-hours.jurisdictions.\(prefix)' must be the leading digits of a venue code.")
            }
            try reader.finish()
        }

        /// The window that applies to a venue: the longest jurisdiction prefix of its code, else `window`.
        package func window(forVenueCode code: String) -> LocalTimeWindow {
            // Ties cannot happen: equal-length prefixes of one code are the same key.
            var best: (length: Int, window: LocalTimeWindow) = (-1, window)
            for (prefix, candidate) in jurisdictions where code.hasPrefix(prefix) && prefix.utf8.count > best.length {
                best = (prefix.utf8.count, candidate)
            }
            return best.window
        }
    }

    /// `audit-gap`: the audit measures not running.
    package struct AuditGap: Codable, Sendable, Equatable {
        package var enabled = true
        /// A terminal in a session with no heartbeat for at least this long is reported, in minutes.
        package var maxHeartbeatGapMinutes: Double = 15
        /// A terminal in a session with no `OK` screen capture for at least this long is reported, in minutes.
        package var maxSnapshotGapMinutes: Double = 30

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            maxHeartbeatGapMinutes = try reader.minutes("maxHeartbeatGapMinutes", maxHeartbeatGapMinutes)
            maxSnapshotGapMinutes = try reader.minutes("maxSnapshotGapMinutes", maxSnapshotGapMinutes)
            try reader.finish()
        }
    }

    /// `ip-mismatch`: terminal addresses that do not match the registry. No thresholds.
    package struct IPMismatch: Codable, Sendable, Equatable {
        package var enabled = true

        package init() {}

        package init(from decoder: any Decoder) throws {
            self.init()
            var reader = try ConfigReader(decoder)
            enabled = try reader.flag("enabled", enabled)
            try reader.finish()
        }
    }

    package var unbilledUse = UnbilledUse()
    package var manualBilling = ManualBilling()
    package var secondBilling = SecondBilling()
    package var cardFreeLogin = CardFreeLogin()
    package var idSharing = IDSharing()
    package var staffCard = StaffCard()
    package var invalidID = InvalidID()
    package var minor = Minor()
    package var afterHours = AfterHours()
    package var auditGap = AuditGap()
    package var ipMismatch = IPMismatch()

    /// Top-level keys are the detector ids of FORMATS.md §4, as analysts read them in findings.
    private enum CodingKeys: String, CodingKey {
        case unbilledUse = "unbilled-use"
        case manualBilling = "manual-billing"
        case secondBilling = "second-billing"
        case cardFreeLogin = "card-free-login"
        case idSharing = "id-sharing"
        case staffCard = "staff-card"
        case invalidID = "invalid-id"
        case minor = "minor"
        case afterHours = "after-hours"
        case auditGap = "audit-gap"
        case ipMismatch = "ip-mismatch"
    }

    package init() {}

    package init(from decoder: any Decoder) throws {
        self.init()
        var reader = try ConfigReader(decoder)
        unbilledUse = try reader.value(CodingKeys.unbilledUse.rawValue, unbilledUse)
        manualBilling = try reader.value(CodingKeys.manualBilling.rawValue, manualBilling)
        secondBilling = try reader.value(CodingKeys.secondBilling.rawValue, secondBilling)
        cardFreeLogin = try reader.value(CodingKeys.cardFreeLogin.rawValue, cardFreeLogin)
        idSharing = try reader.value(CodingKeys.idSharing.rawValue, idSharing)
        staffCard = try reader.value(CodingKeys.staffCard.rawValue, staffCard)
        invalidID = try reader.value(CodingKeys.invalidID.rawValue, invalidID)
        minor = try reader.value(CodingKeys.minor.rawValue, minor)
        afterHours = try reader.value(CodingKeys.afterHours.rawValue, afterHours)
        auditGap = try reader.value(CodingKeys.auditGap.rawValue, auditGap)
        ipMismatch = try reader.value(CodingKeys.ipMismatch.rawValue, ipMismatch)
        try reader.finish()
    }

    /// Whether the detector runs.
    package func isEnabled(_ id: DetectorID) -> Bool {
        switch id {
        case .unbilledUse: unbilledUse.enabled
        case .manualBilling: manualBilling.enabled
        case .secondBilling: secondBilling.enabled
        case .cardFreeLogin: cardFreeLogin.enabled
        case .idSharing: idSharing.enabled
        case .staffCard: staffCard.enabled
        case .invalidID: invalidID.enabled
        case .minor: minor.enabled
        case .afterHours: afterHours.enabled
        case .auditGap: auditGap.enabled
        case .ipMismatch: ipMismatch.enabled
        }
    }

    /// Reads a detector config file (`--config FILE`). Empty text or only comments gives the defaults.
    package static func load(yamlText: String) throws(ConfigError) -> DetectorConfig {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yamlText)
        } catch {
            throw ConfigError("The detector config is not valid YAML: \(oneLine(String(describing: error)))")
        }
        guard let node else { return DetectorConfig() }
        do {
            return try YAMLDecoder().decode(DetectorConfig.self, from: plainKeys(node))
        } catch let error as ConfigError {
            throw error
        } catch let error as DecodingError {
            throw ConfigError(decoding: error)
        } catch {
            throw ConfigError("The detector config could not be read: \(oneLine(String(describing: error)))")
        }
    }

    /// The tree with every mapping key made a plain scalar. Yams looks keys up as plain scalars, so a quoted
    /// numeric key such as `"3301"` (a jurisdiction prefix) would otherwise never be found.
    private static func plainKeys(_ node: Node) -> Node {
        switch node {
        case .mapping(let mapping):
            let pairs = mapping.map { pair in (pair.key.scalar.map { Node($0.string) } ?? pair.key, plainKeys(pair.value)) }
            return Node(pairs, mapping.tag, mapping.style)
        case .sequence(let sequence):
            return Node(sequence.map(plainKeys), sequence.tag, sequence.style)
        case .scalar, .alias:
            return node
        }
    }

    /// The defaults as commented YAML an analyst can copy and edit (`netbar config --defaults`); `load` reads
    /// it back to `DetectorConfig()`.
    package static var defaultsYAML: String { DetectorConfig().yamlText() }

    /// This configuration as commented YAML.
    package func yamlText() -> String {
        var lines = [
            "# netbar detector configuration (FORMATS.md section 4).",
            "# Every key is optional: a missing key keeps the default shown here. Unknown keys are errors.",
            "# Minutes and hours may be fractional; counts are whole numbers.",
            "",
        ]
        func section(_ key: CodingKeys, _ comment: String, _ fields: [(String, String, String)]) {
            lines.append("# \(comment)")
            lines.append("\(key.rawValue):")
            for (name, value, note) in fields {
                lines.append("  \(name): \(value)" + (note.isEmpty ? "" : "  # \(note)"))
            }
            lines.append("")
        }
        let on = "set to false to skip this detector"
        section(
            .unbilledUse, "A terminal sending INUSE heartbeats while no billing session covers it.",
            [
                ("enabled", "\(unbilledUse.enabled)", on),
                ("minimumRunMinutes", number(unbilledUse.minimumRunMinutes), "first to last heartbeat of a run"),
                ("sessionWideningMinutes", number(unbilledUse.sessionWideningMinutes), "at both ends of each session"),
                ("maxSilenceMinutes", number(unbilledUse.maxSilenceMinutes), "a longer silence ends a run"),
            ])
        section(
            .manualBilling, "Sessions checked out by hand plus manual transactions, per venue.",
            [
                ("enabled", "\(manualBilling.enabled)", on),
                ("minimumManualItems", "\(manualBilling.minimumManualItems)", "items in the dump"),
                ("minimumManualSharePercent", number(manualBilling.minimumManualSharePercent), "of the venue's sessions"),
            ])
        section(
            .secondBilling, "Foreign billing clients (signature list) and audit log-ons with no billing session.",
            [
                ("enabled", "\(secondBilling.enabled)", on),
                ("logonMatchMinutes", number(secondBilling.logonMatchMinutes), "before or after the ONLINE"),
                ("minimumOrphanedLogons", "\(secondBilling.minimumOrphanedLogons)", "per venue"),
            ])
        section(
            .cardFreeLogin, "Member or temporary sessions with no OK swipe of the cert, and card-free tools.",
            [
                ("enabled", "\(cardFreeLogin.enabled)", on),
                ("swipeWindowMinutes", number(cardFreeLogin.swipeWindowMinutes), "before the session starts"),
                (
                    "swipeGraceAfterStartMinutes", number(cardFreeLogin.swipeGraceAfterStartMinutes),
                    "after the start, for clock skew"
                ),
            ])
        section(
            .idSharing, "One cert in use in two places at once, or used very often in one venue.",
            [
                ("enabled", "\(idSharing.enabled)", on),
                ("minimumOverlapMinutes", number(idSharing.minimumOverlapMinutes), "shared stretch of two sessions"),
                ("minimumSessionsInWindow", "\(idSharing.minimumSessionsInWindow)", "sessions of one cert in one venue"),
                ("windowHours", number(idSharing.windowHours), "window of session start times"),
            ])
        section(
            .staffCard, "Staff-card sessions on many distinct terminals of a venue.",
            [
                ("enabled", "\(staffCard.enabled)", on),
                ("minimumDistinctTerminals", "\(staffCard.minimumDistinctTerminals)", ""),
                ("windowHours", number(staffCard.windowHours), "window of session start times"),
            ])
        section(.invalidID, "Resident-ID numbers with a wrong check character or date, or 15 digits.", [
            ("enabled", "\(invalidID.enabled)", on)
        ])
        section(
            .minor, "Customers under age at session start, from a valid resident ID.",
            [
                ("enabled", "\(minor.enabled)", on),
                ("minimumAgeYears", "\(minor.minimumAgeYears)", "whole years on the local date of the session start"),
            ])
        section(
            .afterHours, "Sessions overlapping the prohibited local-time window (China Standard Time).",
            [
                ("enabled", "\(afterHours.enabled)", on),
                ("minimumOverlapMinutes", number(afterHours.minimumOverlapMinutes), "with one night's window"),
                ("window", afterHours.window.yamlFlow, "HH:MM; an end before the start runs past midnight"),
            ])
        lines.removeLast()
        lines.append("  # Windows for jurisdictions, keyed by the leading digits of the venue code; the longest wins:")
        if afterHours.jurisdictions.isEmpty {
            lines.append("  jurisdictions: {}  # e.g. {\"3301\": {start: \"00:00\", end: \"07:00\"}}")
        } else {
            lines.append("  jurisdictions:")
            for prefix in afterHours.jurisdictions.keys.sorted() {
                lines.append("    \"\(prefix)\": \(afterHours.jurisdictions[prefix]!.yamlFlow)")
            }
        }
        lines.append("")
        section(
            .auditGap, "AUDIT STOP/TAMPER, and heartbeat or OK screen-capture gaps inside sessions.",
            [
                ("enabled", "\(auditGap.enabled)", on),
                ("maxHeartbeatGapMinutes", number(auditGap.maxHeartbeatGapMinutes), "a gap this long is reported"),
                ("maxSnapshotGapMinutes", number(auditGap.maxSnapshotGapMinutes), "a gap this long is reported"),
            ])
        section(.ipMismatch, "Terminal IP and MAC against the registry (needs `netbar registry import`).", [
            ("enabled", "\(ipMismatch.enabled)", on)
        ])
        return lines.joined(separator: "\n")
    }

    private func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// A local-time (China Standard Time) window of the day; an end at or before the start runs past midnight.
package struct LocalTimeWindow: Codable, Sendable, Equatable {
    /// Minutes after local midnight, 0..<1440.
    package var startMinuteOfDay: Int
    /// Minutes after local midnight, 1...1440 (`24:00` allowed).
    package var endMinuteOfDay: Int

    package init(startMinuteOfDay: Int, endMinuteOfDay: Int) {
        self.startMinuteOfDay = startMinuteOfDay
        self.endMinuteOfDay = endMinuteOfDay
    }

    /// Length of the window, in seconds.
    package var lengthSeconds: Int64 {
        let minutes = endMinuteOfDay > startMinuteOfDay
            ? endMinuteOfDay - startMinuteOfDay : endMinuteOfDay + 1440 - startMinuteOfDay
        return Int64(minutes) * 60
    }

    package var startText: String { Self.text(startMinuteOfDay) }
    package var endText: String { Self.text(endMinuteOfDay) }
    var yamlFlow: String { "{start: \"\(startText)\", end: \"\(endText)\"}" }

    private enum CodingKeys: String, CodingKey { case start, end }

    package init(from decoder: any Decoder) throws {
        let fallback = DetectorConfig.AfterHours().window
        var reader = try ConfigReader(decoder)
        let path = reader.path
        let startText = try reader.value("start", fallback.startText)
        let endText = try reader.value("end", fallback.endText)
        try reader.finish()
        guard let start = Self.minutes(startText), start < 1440 else {
            throw ConfigError("Detector config key '\(path).start' must be a local time HH:MM from 00:00 to 23:59.")
        }
        guard let end = Self.minutes(endText), end > 0 else {
            throw ConfigError("Detector config key '\(path).end' must be a local time HH:MM from 00:01 to 24:00.")
        }
        guard start != end % 1440 else {
            throw ConfigError("Detector config key '\(path)' has the same start and end; give a window of some length.")
        }
        self.init(startMinuteOfDay: start, endMinuteOfDay: end)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(startText, forKey: .start)
        try container.encode(endText, forKey: .end)
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1]), hour >= 0, minute >= 0, minute < 60,
            hour * 60 + minute <= 1440
        else { return nil }
        return hour * 60 + minute
    }

    private static func text(_ minutes: Int) -> String {
        let hour = minutes / 60
        let minute = minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}

/// A configuration or signature-list problem: one English sentence naming the key or file (STYLE.md §5).
package struct ConfigError: Error, CustomStringConvertible, Equatable {
    package var message: String

    package init(_ message: String) { self.message = message }

    package var description: String { message }

    init(decoding error: DecodingError) {
        switch error {
        case .typeMismatch(let type, let context):
            self.init("Detector config key '\(configPath(context.codingPath))' must be \(typeName(type)).")
        case .valueNotFound(let type, let context):
            self.init("Detector config key '\(configPath(context.codingPath))' must be \(typeName(type)).")
        case .keyNotFound(let key, let context):
            self.init("Detector config key '\(configPath(context.codingPath + [key]))' is missing.")
        case .dataCorrupted(let context):
            let path = configPath(context.codingPath)
            self.init(
                path.isEmpty
                    ? "The detector config must be a mapping of detector ids."
                    : "Detector config key '\(path)' has a value that cannot be read.")
        @unknown default:
            self.init("The detector config could not be read: \(oneLine(String(describing: error)))")
        }
    }
}

private func typeName(_ type: Any.Type) -> String {
    if type == Double.self { return "a number" }
    if type == Int.self { return "a whole number" }
    if type == Bool.self { return "true or false" }
    if type == String.self { return "text" }
    return "a mapping"
}

private func configPath(_ codingPath: [any CodingKey]) -> String {
    codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
}

private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.joined(separator: " ")
}

extension Substring {
    fileprivate func trimmingCharacters() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result.removeFirst() }
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }
}

/// Reads one YAML mapping key by key, tracking which keys were read so that any other key is an error.
struct ConfigReader {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ stringValue: String) { self.stringValue = stringValue }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private let container: KeyedDecodingContainer<AnyKey>
    private var readKeys: Set<String> = []

    init(_ decoder: any Decoder) throws {
        do {
            container = try decoder.container(keyedBy: AnyKey.self)
        } catch {
            let path = configPath(decoder.codingPath)
            throw ConfigError(
                path.isEmpty
                    ? "The detector config must be a mapping of detector ids."
                    : "Detector config key '\(path)' must be a mapping of keys to values.")
        }
    }

    /// The dotted path of this mapping, for messages.
    var path: String { configPath(container.codingPath) }

    mutating func value<T: Decodable>(_ key: String, _ fallback: T) throws -> T {
        readKeys.insert(key)
        return try container.decodeIfPresent(T.self, forKey: AnyKey(key)) ?? fallback
    }

    mutating func flag(_ key: String, _ fallback: Bool) throws -> Bool { try value(key, fallback) }

    /// A non-negative, finite number (minutes, hours or percent).
    mutating func minutes(_ key: String, _ fallback: Double) throws -> Double {
        let result = try value(key, fallback)
        guard result.isFinite, result >= 0 else {
            throw ConfigError("Detector config key '\(qualified(key))' must be a number of zero or more.")
        }
        return result
    }

    /// A whole number of one or more.
    mutating func count(_ key: String, _ fallback: Int) throws -> Int {
        let result = try value(key, fallback)
        guard result >= 1 else {
            throw ConfigError("Detector config key '\(qualified(key))' must be a whole number of one or more.")
        }
        return result
    }

    /// Throws for the first (in sorted order) key that was never read: an analyst's typo must not pass silently.
    func finish() throws {
        if let unknown = container.allKeys.map(\.stringValue).filter({ !readKeys.contains($0) }).sorted().first {
            let known = readKeys.sorted().joined(separator: ", ")
            throw ConfigError("Unknown detector config key '\(qualified(unknown))'; known keys here: \(known).")
        }
    }

    private func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}
