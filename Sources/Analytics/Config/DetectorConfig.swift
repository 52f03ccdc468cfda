import Yams

/// A detector's thresholds (STYLE.md §3): each detector owns one beside its rule, with the contract's defaults
/// as the property initialisers (stated nowhere else), range checks in the property wrappers `NonNegative`
/// and `AtLeastOne`, and `validate` for what a type cannot say. `DetectorConfig.load` lays an analyst's YAML
/// over the defaults.
package protocol DetectorSettings: Codable, Sendable, Equatable {
    /// The defaults of FORMATS.md §4.
    init()
    /// Whether the detector runs.
    var enabled: Bool { get set }
    /// What the detector finds, one line, for `netbar config --defaults`.
    static var summary: String { get }
    /// A short comment per key for `netbar config --defaults` (keys not named get none).
    static var notes: [String: String] { get }
    /// Checks what the types cannot; `path` is the detector id, to name keys in messages.
    func validate(path: String) throws(ConfigError)
}

extension DetectorSettings {
    package static var notes: [String: String] { [:] }
    package func validate(path: String) throws(ConfigError) {}

    func isEqual(_ other: any DetectorSettings) -> Bool { (other as? Self) == self }
}

/// A number of minutes, hours, percent or megabytes: from 0 to `NonNegative.maximum`, so that converting it to
/// whole seconds or bytes cannot overflow.
@propertyWrapper
package struct NonNegative: Codable, Sendable, Equatable {
    package var wrappedValue: Double
    /// 1,000,000,000 (of minutes: 1,900 years).
    package static let maximum: Double = 1_000_000_000

    package init(wrappedValue: Double) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(Double.self)
        guard value.isFinite, value >= 0, value <= Self.maximum else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "must be a number from 0 to 1,000,000,000")
        }
        wrappedValue = value
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

/// A count: a whole number of one or more.
@propertyWrapper
package struct AtLeastOne: Codable, Sendable, Equatable {
    package var wrappedValue: Int

    package init(wrappedValue: Int) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(Int.self)
        guard value >= 1 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be a whole number of one or more")
        }
        wrappedValue = value
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

/// The thresholds of every detector listed in `DetectorList`, by detector id.
///
/// In YAML the top-level keys are the detector ids (`unbilled-use:`, ...) and every key is optional (missing
/// means the default). An unknown key, a value of the wrong type or out of range is a `ConfigError` naming the
/// key. A mapping whose default is empty holds data keys (e.g. `after-hours.jurisdictions`), which are not
/// checked against the defaults.
package struct DetectorConfig: Sendable, Equatable {
    private var settings: [DetectorID: any DetectorSettings]

    /// Every detector's defaults.
    package init() {
        var settings: [DetectorID: any DetectorSettings] = [:]
        for type in DetectorList.types { settings[type.id] = type.defaultSettings() }
        self.settings = settings
    }

    /// The settings of one detector.
    package subscript<D: Detector>(_ type: D.Type) -> D.Config {
        get {
            // `init` and `load` store each listed detector's settings under its id, and ids are unique (a test
            // holds the list to that): anything else is a programmer's error.
            guard let settings = settings[D.id] as? D.Config else {
                preconditionFailure("no settings of type \(D.Config.self) under detector id \(D.id)")
            }
            return settings
        }
        set { settings[D.id] = newValue }
    }

    /// Whether the detector runs.
    package func isEnabled(_ id: DetectorID) -> Bool { settings[id]?.enabled ?? true }

    package static func == (lhs: DetectorConfig, rhs: DetectorConfig) -> Bool {
        lhs.settings.count == rhs.settings.count
            && lhs.settings.allSatisfy { id, value in rhs.settings[id].map { value.isEqual($0) } ?? false }
    }

    // MARK: Reading

    /// Reads a detector config file (`--config FILE`). Empty text or only comments gives the defaults.
    package static func load(yamlText: String) throws(ConfigError) -> DetectorConfig {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yamlText)
        } catch {
            throw ConfigError("The detector config is not valid YAML: \(oneLine(String(describing: error)))")
        }
        var config = DetectorConfig()
        guard let node else { return config }
        guard case .mapping(let sections) = plainKeys(node) else {
            throw ConfigError("The detector config must be a mapping of detector ids.")
        }
        let known = DetectorList.types.map { $0.id.rawValue }
        for key in sections.keys.map({ $0.scalar?.string ?? "" }).sorted() where !known.contains(key) {
            throw ConfigError("Unknown detector config key '\(key)'; known keys here: \(known.sorted().joined(separator: ", ")).")
        }
        for type in DetectorList.types {
            if let section = sections[Node(type.id.rawValue)] {
                config.settings[type.id] = try type.readSettings(section)
            }
        }
        return config
    }

    /// One detector's settings: its defaults with the user's keys laid over them, decoded and validated.
    fileprivate static func read<D: Detector>(_ user: Node, for type: D.Type) throws(ConfigError) -> any DetectorSettings {
        let path = D.id.rawValue
        let merged = try overlay(user, on: try node(of: D.Config()), path: path)
        let settings: D.Config
        do {
            settings = try YAMLDecoder().decode(D.Config.self, from: merged)
        } catch let error as DecodingError {
            throw ConfigError(decoding: error, under: path)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError("Detector config key '\(path)' could not be read: \(oneLine(String(describing: error)))")
        }
        try settings.validate(path: path)
        return settings
    }

    /// `user` over `defaults`: keys of a non-empty default mapping must be among its keys; a default that is a
    /// scalar or an empty mapping (data keys) takes the user's value as it is.
    private static func overlay(_ user: Node, on defaults: Node, path: String) throws(ConfigError) -> Node {
        guard case .mapping(let defaultMapping) = defaults, !defaultMapping.isEmpty else { return user }
        guard case .mapping(let userMapping) = user else {
            throw ConfigError("Detector config key '\(path)' must be a mapping of keys to values.")
        }
        var result = defaultMapping
        let known = defaultMapping.keys.map { $0.scalar?.string ?? "" }
        for (key, value) in userMapping.sorted(by: { ($0.key.scalar?.string ?? "") < ($1.key.scalar?.string ?? "") }) {
            let name = key.scalar?.string ?? ""
            guard let existing = defaultMapping[key] else {
                throw ConfigError(
                    "Unknown detector config key '\(path).\(name)'; known keys here: \(known.sorted().joined(separator: ", ")).")
            }
            result[key] = try overlay(value, on: existing, path: "\(path).\(name)")
        }
        return .mapping(result)
    }

    private static func node<T: Encodable>(of value: T) throws(ConfigError) -> Node {
        do {
            return try Yams.compose(yaml: YAMLEncoder().encode(value)).map(plainKeys) ?? Node.mapping(Node.Mapping([]))
        } catch {
            throw ConfigError("The detector defaults could not be written: \(oneLine(String(describing: error)))")
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

    // MARK: Writing

    /// The defaults as commented YAML an analyst can copy and edit (`netbar config --defaults`); `load` reads
    /// it back to `DetectorConfig()`.
    package static var defaultsYAML: String { DetectorConfig().yamlText() }

    /// This configuration as commented YAML.
    package func yamlText() -> String {
        var lines = [
            "# netbar detector configuration (FORMATS.md section 4).",
            "# Every key is optional: a missing key keeps the default shown here. Unknown keys are errors.",
            "# Minutes, hours and percents may be fractional; counts are whole numbers.",
            "",
        ]
        for type in DetectorList.types { lines += type.settingsYAML(self) }
        return lines.joined(separator: "\n")
    }

    fileprivate func section<D: Detector>(_ type: D.Type) -> [String] {
        var lines = ["# \(D.Config.summary)", "\(D.id.rawValue):"]
        let encoded: Node
        do {
            encoded = try Self.node(of: self[type])
        } catch {
            // Encoding a struct of numbers, flags and text does not fail; should it, the YAML says so.
            return lines + ["  # (these settings could not be written: \(error.description))", ""]
        }
        guard case .mapping(let mapping) = encoded else { return lines + [""] }
        for (key, value) in mapping {
            let name = key.scalar?.string ?? ""
            let note = name == "enabled" ? "set to false to skip this detector" : D.Config.notes[name]
            lines.append("  \(name): \(Self.flow(value))" + (note.map { "  # \($0)" } ?? ""))
        }
        return lines + [""]
    }

    /// A value on one line: numbers without a needless `.0`, mappings in flow style.
    private static func flow(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            // Yams writes doubles as `1e+1`: an analyst reads 10.
            if scalar.style == .plain, text.contains("e") || text.contains("."), let value = Double(text) {
                return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            }
            if scalar.style != .plain || text.contains(":") { return "\"\(text)\"" }
            return text
        case .mapping(let mapping):
            return "{" + mapping.map { "\($0.key.scalar?.string ?? flow($0.key)): \(flow($0.value))" }.joined(separator: ", ") + "}"
        case .sequence(let sequence):
            return "[" + sequence.map(flow).joined(separator: ", ") + "]"
        case .alias:
            return "null"
        }
    }
}

// Each detector's settings, reached through its metatype in `DetectorList.types`. (A key path such as
// `\.id` through `any Detector.Type` crashes Swift 6.3.1's SILGen: use closures there.)
extension Detector {
    fileprivate static func defaultSettings() -> any DetectorSettings { Config() }
    fileprivate static func readSettings(_ user: Node) throws(ConfigError) -> any DetectorSettings {
        try DetectorConfig.read(user, for: Self.self)
    }
    fileprivate static func settingsYAML(_ config: DetectorConfig) -> [String] { config.section(Self.self) }
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

    private enum CodingKeys: String, CodingKey, CaseIterable { case start, end }

    /// `start` and `end` as `HH:MM`; a missing one keeps the contract's 00:00–08:00.
    package init(from decoder: any Decoder) throws {
        let fallback = LocalTimeWindow(startMinuteOfDay: 0, endMinuteOfDay: 8 * 60)
        let container = try decoder.container(keyedBy: AnyConfigKey.self)
        let known = CodingKeys.allCases.map(\.rawValue)
        // Errors are decoding errors, so that the loader names the key from the detector id down.
        if let unknown = container.allKeys.filter({ !known.contains($0.stringValue) })
            .sorted(by: { $0.stringValue < $1.stringValue }).first
        {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: container, debugDescription: "is not a key here (known keys here: end, start)")
        }
        let startText = try container.decodeIfPresent(String.self, forKey: AnyConfigKey("start")) ?? fallback.startText
        let endText = try container.decodeIfPresent(String.self, forKey: AnyConfigKey("end")) ?? fallback.endText
        guard let start = Self.minutes(startText), start < 1440 else {
            throw DecodingError.dataCorruptedError(
                forKey: AnyConfigKey("start"), in: container, debugDescription: "must be a local time HH:MM from 00:00 to 23:59")
        }
        guard let end = Self.minutes(endText), end > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: AnyConfigKey("end"), in: container, debugDescription: "must be a local time HH:MM from 00:01 to 24:00")
        }
        guard start != end % 1440 else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "has the same start and end; give a window of some length"))
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

    /// A decoding failure of the detector `detector`'s settings, naming the key by its dotted path.
    init(decoding error: DecodingError, under detector: String) {
        func key(_ codingPath: [any CodingKey]) -> String {
            ([detector] + [configPath(codingPath)].filter { !$0.isEmpty }).joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self.init("Detector config key '\(key(context.codingPath))' must be \(typeName(type)).")
        case .keyNotFound(let missing, let context):
            self.init("Detector config key '\(key(context.codingPath + [missing]))' is missing.")
        case .dataCorrupted(let context):
            self.init("Detector config key '\(key(context.codingPath))' \(context.debugDescription).")
        @unknown default:
            self.init("The detector config could not be read: \(oneLine(String(describing: error)))")
        }
    }
}

private struct AnyConfigKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ stringValue: String) { self.stringValue = stringValue }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
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
