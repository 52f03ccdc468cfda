import LogFormats

/// `ip-mismatch` (FORMATS.md §4): terminal addresses that do not match the registry (IP 与机器编号一一对应).
///
/// Needs an imported registry (FORMATS.md §4); without one it does not run and says so. From the venue's
/// address sightings (distinct terminal, IP, MAC seen in its audit log), per terminal: it is not registered
/// (every terminal of a venue missing from the registry is); or it is, and was seen with an IP or a
/// (non-empty) MAC other than its registered ones (a registered field left empty is not compared); or with
/// an IP outside the venue's 内网网段 (when one is registered); or with an IP another terminal was also seen
/// with, unless the registry gives it that IP and gives it to no other sharer (the rightful holder did
/// nothing wrong; the other terminal is reported). One finding per terminal with any of these, listing them
/// all; evidence: the first line of each offending sighting. Terminals registered but never seen are not
/// findings.
/// Severity: high when an IP lies outside the registered LAN (a private link or self-built LAN), else medium.
/// - Complexity: O(a log a) per venue in its sightings.
package struct IPMismatchDetector: Detector {
    package static let id = DetectorID.ipMismatch

    /// What is wrong with one terminal's addresses.
    private struct Problems {
        var notRegistered = false
        var wrongIPs: Set<UInt32> = []
        var wrongMACs: Set<SymbolID> = []
        var outsideLAN: Set<UInt32> = []
        /// Shared IP -> the other terminals seen with it.
        var sharedIPs: [UInt32: Set<SymbolID>] = [:]
        var evidence: [SourceRef] = []
        var firstSeconds = Int64.max
        var lastSeconds = Int64.min

        mutating func note(_ sighting: AddressSighting) {
            evidence.append(sighting.source)
            firstSeconds = min(firstSeconds, sighting.firstSeconds)
            lastSeconds = max(lastSeconds, sighting.lastSeconds)
        }
    }

    private var findings: [Finding] = []

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] {
        context.registry == nil ? [Wording(zh: "场所登记资料（本规则未运行）", en: "registry (the rule did not run)")] : []
    }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        // FORMATS.md §4: the rule needs an imported registry; without one it does not run (and says so).
        guard let registry = context.registry else { return }
        let sightings = venue.addresses.filter { $0.terminal != 0 }
        guard !sightings.isEmpty else { return }
        let code = context.symbols.text(venue.venue)
        var problems: [SymbolID: Problems] = [:]
        let registeredTerminals = registry.terminals[code] ?? [:]
        let registeredVenue = registry.venues[code]
        var textByTerminal: [SymbolID: String] = [:]
        func text(_ terminal: SymbolID) -> String {
            if let cached = textByTerminal[terminal] { return cached }
            let value = context.symbols.text(terminal)
            textByTerminal[terminal] = value
            return value
        }

        // Two terminals on one IP. The terminal the registry gives that IP is the rightful holder and is not
        // reported for it (the other one is), unless the registry gives the IP to a sharer as well.
        var terminalsByIP: [UInt32: Set<SymbolID>] = [:]
        for sighting in sightings {
            if let ip = sighting.ipv4 { terminalsByIP[ip, default: []].insert(sighting.terminal) }
        }
        for sighting in sightings {
            guard let ip = sighting.ipv4, let sharers = terminalsByIP[ip], sharers.count > 1 else { continue }
            let others = sharers.subtracting([sighting.terminal])
            let holdsIt = registeredTerminals[text(sighting.terminal)]?.ipv4 == ip
            let anotherHoldsIt = others.contains { registeredTerminals[text($0)]?.ipv4 == ip }
            if holdsIt && !anotherHoldsIt { continue }
            problems[sighting.terminal, default: Problems()].sharedIPs[ip] = others
            problems[sighting.terminal, default: Problems()].note(sighting)
        }

        for sighting in sightings {
            var offended = false
            if let registered = registeredTerminals[text(sighting.terminal)] {
                if let ip = sighting.ipv4, let expected = registered.ipv4, ip != expected {
                    problems[sighting.terminal, default: Problems()].wrongIPs.insert(ip)
                    offended = true
                }
                if sighting.mac != 0, !registered.mac.isEmpty,
                    context.symbols.text(sighting.mac).uppercased() != registered.mac.uppercased()
                {
                    problems[sighting.terminal, default: Problems()].wrongMACs.insert(sighting.mac)
                    offended = true
                }
            } else {
                // Also every terminal of a venue with no registered terminals, or not in the registry at all:
                // one finding per terminal, so each machine is named.
                problems[sighting.terminal, default: Problems()].notRegistered = true
                offended = true
            }
            if let ip = sighting.ipv4, let lan = registeredVenue, lan.lanNetwork != nil, !lan.lanContains(ip) {
                problems[sighting.terminal, default: Problems()].outsideLAN.insert(ip)
                offended = true
            }
            if offended { problems[sighting.terminal, default: Problems()].note(sighting) }
        }

        let lanText = context.registry?.venues[code]?.lanNetwork.map { "\(ipv4Text($0.address))/\($0.prefixLength)" }
        for (terminal, found) in problems {
            let terminalText = context.symbols.text(terminal)
            var clauses: [String] = []
            var clausesZh: [String] = []
            if found.notRegistered {
                clauses.append(
                    registeredVenue == nil ? "is not in the registry (nor is the venue)" : "is not in the registry")
                clausesZh.append(registeredVenue == nil ? "未在登记资料中（场所也未登记）" : "未在登记资料中")
            }
            if !found.wrongIPs.isEmpty {
                let expected = context.registry?.terminals[code]?[terminalText]?.ipv4.map(ipv4Text) ?? ""
                let seen = found.wrongIPs.sorted().map(ipv4Text)
                clauses.append("was seen with IP \(listed(seen)) instead of the registered \(expected)")
                clausesZh.append("使用的 IP 为 \(listedZh(seen))，与登记的 \(expected) 不符")
            }
            if !found.wrongMACs.isEmpty {
                let expected = context.registry?.terminals[code]?[terminalText]?.mac ?? ""
                let seen = found.wrongMACs.map { context.symbols.text($0) }.sorted()
                clauses.append("was seen with MAC \(listed(seen)) instead of the registered \(expected)")
                clausesZh.append("使用的 MAC 为 \(listedZh(seen))，与登记的 \(expected) 不符")
            }
            if !found.outsideLAN.isEmpty {
                let outside = found.outsideLAN.sorted().map(ipv4Text)
                clauses.append("used \(listed(outside)) outside the venue's LAN \(lanText ?? "")")
                clausesZh.append("使用了场所内网网段 \(lanText ?? "") 以外的 IP \(listedZh(outside))")
            }
            for ip in found.sharedIPs.keys.sorted() {
                let others = found.sharedIPs[ip]!.map { context.symbols.text($0) }.sorted()
                clauses.append("shared IP \(ipv4Text(ip)) with terminal \(listed(others))")
                clausesZh.append("与其他终端共用 IP \(ipv4Text(ip))（终端 \(listedZh(others))）")
            }
            guard !clauses.isEmpty else { continue }
            findings.append(
                Finding(
                    detector: Self.id, severity: found.outsideLAN.isEmpty ? .medium : .high, venue: code,
                    terminal: terminalText.isEmpty ? nil : terminalText, startSeconds: found.firstSeconds,
                    endSeconds: found.lastSeconds,
                    summary: "Terminal \(terminalText) " + listed(clauses, limit: 10) + ".",
                    summaryZh: "终端 \(terminalText) " + listedZh(clausesZh, limit: 10, separator: "；") + "。",
                    evidence: found.evidence))
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}

extension IPMismatchDetector {
    /// Thresholds of `ip-mismatch` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        package static let summary = "Terminal IP and MAC against the registry (needs --registry or `netbar registry import`)."
        package init() {}
    }
}

extension DetectorID {
    package static let ipMismatch = DetectorID("ip-mismatch")
}
