import Analytics
import LogFormats

/// Epoch seconds of a local (China Standard Time) `yyyy-MM-dd HH:mm[:ss]`.
func at(_ text: String) -> Int64 {
    let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).map { Int($0)! }
    return CivilTime.epochSeconds(
        year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4],
        second: parts.count > 5 ? parts[5] : 0)
}

/// A synthetic 18-character resident ID with a correct check character (`birth` is `yyyyMMdd`).
func residentID(birth: String, sequence: String = "123", region: String = "330106") -> String {
    let first17 = region + birth + sequence
    let check = ResidentID.checkCharacter(ofFirst17: Array(first17.utf8))!
    return first17 + String(UnicodeScalar(check))
}

/// The same number with a wrong check character.
func withWrongCheck(_ id: String) -> String {
    let last = id.last!
    return String(id.dropLast()) + (last == "0" ? "1" : "0")
}

/// Builds tiny in-memory venues; every row gets the next line of file 1, so evidence can be asserted.
struct Fixture {
    var symbols = SymbolTable()
    var config = DetectorConfig()
    var signatures: Signatures?
    var registry: Registry?
    private var nextLine: Int32 = 1

    init() {}

    var context: DetectionContext {
        DetectionContext(config: config, signatures: signatures, registry: registry, symbols: symbols)
    }

    mutating func ref() -> SourceRef {
        defer { nextLine += 1 }
        return SourceRef(fileID: 1, line: nextLine)
    }

    mutating func venue(_ code: String = "33010610000123") -> VenueSlice { VenueSlice(venue: symbols.intern(code)) }

    @discardableResult
    mutating func session(
        _ slice: inout VenueSlice, terminal: String, cert: String = "", certType: CertType = .residentID,
        user: UserType = .member, checkout: CheckoutMethod = .normal, from start: String, to end: String
    ) -> SourceRef {
        let source = ref()
        slice.sessions.append(
            terminal: symbols.intern(terminal), cert: symbols.intern(cert),
            certType: certType, userType: user, checkout: checkout, startSeconds: at(start), endSeconds: at(end),
            isOpen: false, amountFen: 500, source: source)
        return source
    }

    @discardableResult
    mutating func transaction(_ slice: inout VenueSlice, _ kind: TransactionKind, at time: String) -> SourceRef {
        let source = ref()
        slice.transactions.append(
            timeSeconds: at(time), kind: kind, cert: 0, terminal: 0, amountFen: 100, source: source)
        return source
    }

    @discardableResult
    mutating func heartbeat(
        _ slice: inout VenueSlice, terminal: String, at time: Int64, _ state: HeartbeatState = .inUse
    ) -> SourceRef {
        let source = ref()
        slice.heartbeats[symbols.intern(terminal), default: PulseSeries()].append(
            timeSeconds: time, value: state.rawValue, source: source)
        return source
    }

    /// One heartbeat a minute from `from` to `to` inclusive.
    mutating func heartbeats(
        _ slice: inout VenueSlice, terminal: String, from: String, to: String, every stepSeconds: Int64 = 60,
        _ state: HeartbeatState = .inUse
    ) {
        var time = at(from)
        while time <= at(to) {
            heartbeat(&slice, terminal: terminal, at: time, state)
            time += stepSeconds
        }
    }

    @discardableResult
    mutating func snapshot(_ slice: inout VenueSlice, terminal: String, at time: String, ok: Bool = true) -> SourceRef {
        let source = ref()
        slice.snapshots[symbols.intern(terminal), default: PulseSeries()].append(
            timeSeconds: at(time), value: ok ? 1 : 0, source: source)
        return source
    }

    @discardableResult
    mutating func swipe(_ slice: inout VenueSlice, cert: String, at time: Int64, _ result: SwipeResult = .ok) -> SourceRef {
        let source = ref()
        slice.swipes.append(timeSeconds: time, cert: symbols.intern(cert), result: result, source: source)
        return source
    }

    @discardableResult
    mutating func online(_ slice: inout VenueSlice, terminal: String, at time: Int64) -> SourceRef {
        let source = ref()
        slice.logons.append(
            timeSeconds: time, isOnline: true, terminal: symbols.intern(terminal), cert: 0, certType: .residentID,
            source: source)
        return source
    }

    @discardableResult
    mutating func process(
        _ slice: inout VenueSlice, terminal: String, exe: String, at time: String, _ action: ProcessAction = .start
    ) -> SourceRef {
        let source = ref()
        slice.processes.append(
            timeSeconds: at(time), terminal: symbols.intern(terminal), exe: symbols.intern(exe), action: action,
            source: source)
        return source
    }

    @discardableResult
    mutating func audit(_ slice: inout VenueSlice, _ status: AuditStatus, at time: String) -> SourceRef {
        let source = ref()
        slice.auditStatuses.append(timeSeconds: at(time), status: status, source: source)
        return source
    }

    @discardableResult
    mutating func sighting(_ slice: inout VenueSlice, terminal: String, ip: String?, mac: String = "") -> SourceRef {
        let source = ref()
        slice.addresses.append(
            AddressSighting(
                terminal: symbols.intern(terminal), ipv4: ip.map(ipv4), mac: symbols.intern(mac),
                firstSeconds: at("2026-11-28 10:00") + Int64(source.line),
                lastSeconds: at("2026-11-28 12:00"), count: 5, source: source))
        return source
    }

    /// A FLOW line of `bytes` (up plus down) from `ip` (and `mac`); `terminal` empty for a gateway's line.
    @discardableResult
    mutating func flow(
        _ slice: inout VenueSlice, ip: String?, mac: UInt64? = nil, terminal: String = "", bytes: Int64,
        at time: String, to destination: String = "101.226.4.6"
    ) -> SourceRef {
        let source = ref()
        slice.flows.append(
            timeSeconds: at(time), terminal: symbols.intern(terminal), ipv4: ip.map(ipv4), mac: mac,
            destinationIPv4: ipv4(destination), bytes: bytes, source: source)
        return source
    }

    /// Runs one detector the way `runDetectors` does and returns its findings in the deterministic order, and its
    /// missing inputs in English (`missing`) and in both languages (`missingWordings`).
    func run<D: Detector>(_ detector: D, _ venues: [VenueSlice])
        -> (findings: [Finding], missing: [String], missingWordings: [Wording])
    {
        var detector = detector
        let context = context
        for venue in venues { detector.consume(venue, context: context) }
        let findings = detector.finish(context: context).sorted(by: findingPrecedes)
        let missing = detector.missingInputs(context)
        return (findings, missing.map(\.en), missing)
    }
}

func ipv4(_ text: String) -> UInt32 {
    text.split(separator: ".").reduce(UInt32(0)) { $0 << 8 | UInt32($1)! }
}

/// Terminals 001 and 002 of venue 33010610000123 on 192.168.1.0/24.
func twoTerminalRegistry() -> Registry {
    Registry(
        venues: [
            "33010610000123": Registry.Venue(
                code: "33010610000123", name: "Test", billingSystem: "Pubwin",
                lanNetwork: (address: ipv4("192.168.1.0"), prefixLength: 24), registeredTerminalCount: 2)
        ],
        terminals: [
            "33010610000123": [
                "001": Registry.Terminal(ipv4: ipv4("192.168.1.11"), mac: "00-1A-2B-3C-4D-01"),
                "002": Registry.Terminal(ipv4: ipv4("192.168.1.12"), mac: "00-1A-2B-3C-4D-02"),
            ]
        ])
}
