import LogFormats

/// `private-network` (FORMATS.md §4): devices that use the venue's line without being its terminals
/// (自组局域网, 专线私接).
///
/// Reads the venue's `FLOW` traffic summaries that the gateway wrote with no terminal (FORMATS.md §3.3: an
/// address running no audit client), grouped by source address (its IP, or its MAC when the line has no IP).
/// An address is a terminal of the venue, and skipped, when a registered terminal of the venue has that IP
/// or MAC, or any audit event with a terminal (a heartbeat, a log-on, a client's own FLOW) came from it. An
/// address whose traffic, up plus down over the dump, reaches `minimumTrafficMegabytes` (1 MB = 1,048,576
/// bytes) is one finding, with the address and no terminal; evidence: its FLOW lines, the first and last ten
/// when there are more than twenty (the summary gives the count).
/// Severity medium: the device may be the venue's own (a cashier PC, a server) and needs an inspector's look.
/// Without a registry, addresses are judged by the audit clients seen alone, and the run summary says so.
/// - Complexity: O(f log f) per venue in its FLOW lines.
package struct PrivateNetworkDetector: Detector {
    package static let id = DetectorID.privateNetwork
    private var findings: [Finding] = []

    /// Evidence lines cited per finding at most; the summary gives the whole count.
    static let citedLines = 20

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] {
        guard context.registry == nil else { return [] }
        return [
            Wording(
                zh: "场所登记资料（仅凭出现过的审计客户端判断地址是否为终端）",
                en: "registry (addresses were judged only by the audit clients seen)")
        ]
    }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let flows = venue.flows
        guard flows.count > 0 else { return }
        let code = context.symbols.text(venue.venue)
        var terminalIPs = Set<UInt32>()
        var terminalMACs = Set<String>()
        for sighting in venue.addresses where sighting.terminal != 0 {
            if let ip = sighting.ipv4 { terminalIPs.insert(ip) }
            if sighting.mac != 0 { terminalMACs.insert(context.symbols.text(sighting.mac).uppercased()) }
        }
        for index in 0..<flows.count where flows.terminal[index] != 0 {
            if let ip = flows.ipv4[index] { terminalIPs.insert(ip) }
            if let mac = flows.mac[index] { terminalMACs.insert(FieldText.mac(mac)) }
        }
        let registeredTerminals = context.registry.map { $0.terminals[code] ?? [:] } ?? [:]
        for registered in registeredTerminals.values {
            if let ip = registered.ipv4 { terminalIPs.insert(ip) }
            if !registered.mac.isEmpty { terminalMACs.insert(registered.mac.uppercased()) }
        }

        // Source address -> its FLOW lines (in time order, as the slice holds them).
        var byAddress: [String: [Int]] = [:]
        for index in 0..<flows.count where flows.terminal[index] == 0 {
            let macText = flows.mac[index].map(FieldText.mac)
            if let ip = flows.ipv4[index] {
                if terminalIPs.contains(ip) { continue }
                if let macText, terminalMACs.contains(macText) { continue }
                byAddress[ipv4Text(ip), default: []].append(index)
            } else if let macText, !terminalMACs.contains(macText) {
                byAddress[macText, default: []].append(index)
            }
        }
        let minimumBytes = Int64((context.config[Self.self].minimumTrafficMegabytes * 1_048_576).rounded())
        for (address, lines) in byAddress {
            let total = lines.reduce(Int64(0)) { $0 &+ flows.bytes[$1] }
            guard total >= minimumBytes, total > 0 else { continue }
            // For the summary's words: the MACs the lines give, and the three busiest destinations (lines
            // without one still count in the bytes and the count).
            var macValues = Set<UInt64>()
            var linesByDestination: [UInt32: Int] = [:]
            for index in lines {
                if let mac = flows.mac[index] { macValues.insert(mac) }
                if let destination = flows.destinationIPv4[index] { linesByDestination[destination, default: 0] += 1 }
            }
            let macs = macValues.map(FieldText.mac).sorted()
            let destinations = linesByDestination.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3)
                .map { ipv4Text($0.key) }
            let cited = lines.count > Self.citedLines
                ? Array(lines.prefix(Self.citedLines / 2) + lines.suffix(Self.citedLines / 2)) : lines
            let macNote = macs.isEmpty || macs == [address] ? "" : " (MAC \(listed(macs)))"
            let macNoteZh = macs.isEmpty || macs == [address] ? " " : "（MAC \(listedZh(macs))）"
            findings.append(
                Finding(
                    detector: Self.id, severity: .medium, venue: code, address: address,
                    startSeconds: flows.timeSeconds[lines[0]], endSeconds: flows.timeSeconds[lines[lines.count - 1]],
                    summary: "Address \(address)\(macNote), which is no terminal of the venue (no registered terminal "
                        + "has it and no audit client ran on it), moved \(Self.megabytes(total)) MB through the venue's "
                        + "line in \(counted(lines.count, "traffic summary", "traffic summaries"))"
                        + (destinations.isEmpty ? "" : ", mostly to \(listed(Array(destinations)))")
                        + (lines.count > cited.count ? " (the first and last \(cited.count / 2) are cited)." : "."),
                    summaryZh: "地址 \(address)\(macNoteZh)不是本场所的终端（登记资料中没有终端使用该地址，也没有审计客户端"
                        + "在其上运行），却经场所线路传输了 \(Self.megabytes(total)) MB 流量（\(lines.count) 条流量记录）"
                        + (destinations.isEmpty ? "" : "，主要去往 \(listedZh(Array(destinations)))")
                        + "，疑似私接网络设备或自组局域网"
                        + (lines.count > cited.count ? "（证据只列出首末各 \(cited.count / 2) 条）。" : "。"),
                    evidence: cited.map { flows.source[$0] }))
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }

    /// `12.3`: megabytes (2^20 bytes) with one decimal.
    static func megabytes(_ bytes: Int64) -> String {
        let tenths = (bytes * 10 + 524_288) / 1_048_576
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension PrivateNetworkDetector {
    /// Thresholds of `private-network` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        /// An address that is no terminal is reported when its traffic, up plus down over the dump, reaches this,
        /// in megabytes of 1,048,576 bytes.
        @NonNegative package var minimumTrafficMegabytes: Double = 10

        package static let summary = "FLOW traffic of addresses that are no terminal of the venue (自组局域网, 专线私接)."
        package static let notes: [String: String] = [
            "minimumTrafficMegabytes": "up + down over the dump, 1 MB = 1,048,576 bytes"
        ]

        package init() {}
    }
}

extension DetectorID {
    package static let privateNetwork = DetectorID("private-network")
}
