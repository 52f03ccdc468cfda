// The security audit log (FORMATS.md §3.3 audit-pipe, §3.4 audit-jsonl), rendered from compact events.

/// How one audit file is written.
struct AuditStyle {
    var jsonl: Bool
    var timeStyle: TimeStyle
    /// JSON only: some lines' `ts` in epoch milliseconds although the file mostly uses ISO 8601.
    var mixedEpoch: Bool
    /// MAC form, see `TerminalIdentity.macText(style:)`.
    var macStyle: Int
    var lowerCaseX: Bool
    var crlf: Bool
    /// JSON only: a key the reader does not know (ignored by contract).
    var extraKey: Bool

    static func random(_ random: inout SeededRandom) -> AuditStyle {
        let jsonl = random.chance(0.4)
        return AuditStyle(
            jsonl: jsonl,
            timeStyle: jsonl ? random.pick([.iso8601, .iso8601, .epochMillis]) : random.pick([.dashSeconds, .dashSeconds, .slashSeconds]),
            mixedEpoch: jsonl && random.chance(0.3), macStyle: random.below(3), lowerCaseX: random.chance(0.3),
            crlf: !jsonl && random.chance(0.3), extraKey: jsonl && random.chance(0.5))
    }
}

extension VenueBuilder {
    func renderAudit(_ events: [AuditEvent], style: AuditStyle, exportTime: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(events.count * (style.jsonl ? 150 : 90))
        let venue = Array(spec.code.utf8)
        let reader = Array("SR\(spec.code.suffix(6))-01".utf8)
        // Per identity: `|012|192.168.1.22|00-1A-2B-3C-4D-5E` or `"terminal":"012","ip":...,"mac":...`.
        let terminalFields: [[UInt8]] = identities.map { identity in
            let mac = identity.macText(style: style.macStyle)
            return style.jsonl
                ? Array(",\"terminal\":\"\(identity.number)\",\"ip\":\"\(identity.ipText)\",\"mac\":\"\(mac)\"".utf8)
                : Array("|\(identity.number)|\(identity.ipText)|\(mac)".utf8)
        }
        let gatewayFields: [[UInt8]] = identities.map { identity in
            let mac = identity.macText(style: style.macStyle)
            return style.jsonl
                ? Array(",\"terminal\":\"\",\"ip\":\"\(identity.ipText)\",\"mac\":\"\(mac)\"".utf8)
                : Array("||\(identity.ipText)|\(mac)".utf8)
        }
        let programCount = Int(ProgramReference.cardFreeTool) + 1
        let exes: [[UInt8]] = (0..<programCount).map { reference in
            let valid = reference < Tables.programs.count
                || (reference >= Int(ProgramReference.billingClient)
                    && reference < Int(ProgramReference.billingClient) + Tables.billingSystems.count)
                || reference == Int(ProgramReference.cardFreeTool)
            return valid ? Array(ProgramReference.exe(Int32(reference)).utf8) : []
        }
        let md5s: [[UInt8]] = exes.map { exe in
            var state = exe.reduce(UInt64(0x6D64_35)) { SeededRandom.mix($0, UInt64($1)) }
            return Array((String(SeededRandom.splitMix(&state), radix: 16) + String(SeededRandom.splitMix(&state), radix: 16)).utf8)
        }
        let newline: [UInt8] = style.crlf ? [13, 10] : [10]
        if !style.jsonl {
            out.append(contentsOf: Array("# 网吧安全审计日志 场所编码:\(spec.code) 导出时间:".utf8))
            times.append(exportTime, style: .dashSeconds, to: &out)
            out.append(contentsOf: newline)
            out.append(contentsOf: Array("# time|venue|EVENT|fields".utf8))
            out.append(contentsOf: newline)
            out.append(contentsOf: newline)
        }
        let states: [StaticString] = ["IDLE", "LOCKED", "INUSE"]
        let swipeResults: [StaticString] = ["OK", "READ_FAIL", "DEMAG", "EXPIRED"]
        let auditStatuses: [StaticString] = ["START", "STOP", "TAMPER", "CONFIG"]
        for (position, item) in events.enumerated() {
            let time = Int(item.time)
            let terminal = Int(item.terminal)
            if style.jsonl {
                out.appendASCII("{\"ts\":")
                if style.timeStyle == .epochMillis || (style.mixedEpoch && position % 7 == 3) {
                    times.append(time, style: .epochMillis, to: &out)
                } else {
                    out.append(UInt8(ascii: "\""))
                    times.append(time, style: .iso8601, to: &out)
                    out.append(UInt8(ascii: "\""))
                }
                out.appendASCII(",\"venue\":\"")
                out.append(contentsOf: venue)
                out.appendASCII("\",\"event\":\"")
            } else {
                times.append(time, style: style.timeStyle, to: &out)
                out.append(UInt8(ascii: "|"))
                out.append(contentsOf: venue)
                out.append(UInt8(ascii: "|"))
            }
            switch item.kind {
            case .online, .offline:
                let person = people[Int(item.reference)]
                if style.jsonl {
                    out.appendASCII(item.kind == .online ? "online\"" : "offline\"")
                    out.append(contentsOf: terminalFields[terminal])
                    out.appendASCII(",\"cert_type\":\"")
                    if person.certType != 0 { out.appendDecimal(person.certType) }
                    out.appendASCII("\",\"cert_no\":\"")
                    out.append(contentsOf: certText(person.cert, lowerCaseX: style.lowerCaseX))
                    out.appendASCII("\",\"name\":\"")
                    out.append(contentsOf: person.name)
                    out.append(UInt8(ascii: "\""))
                } else {
                    out.appendASCII(item.kind == .online ? "ONLINE" : "OFFLINE")
                    out.append(contentsOf: terminalFields[terminal])
                    out.append(UInt8(ascii: "|"))
                    if person.certType != 0 { out.appendDecimal(person.certType) }
                    out.append(UInt8(ascii: "|"))
                    out.append(contentsOf: certText(person.cert, lowerCaseX: style.lowerCaseX))
                    out.append(UInt8(ascii: "|"))
                    out.append(contentsOf: person.name)
                }
            case .heartbeat:
                out.appendASCII(style.jsonl ? "heartbeat\"" : "HEARTBEAT")
                out.append(contentsOf: terminalFields[terminal])
                out.appendASCII(style.jsonl ? ",\"state\":\"" : "|")
                out.appendASCII(states[Int(item.argument)])
                if style.jsonl { out.append(UInt8(ascii: "\"")) }
            case .process:
                out.appendASCII(style.jsonl ? "proc\"" : "PROC")
                out.append(contentsOf: terminalFields[terminal])
                out.appendASCII(style.jsonl ? ",\"exe\":\"" : "|")
                out.append(contentsOf: exes[Int(item.reference)])
                out.appendASCII(style.jsonl ? "\",\"md5\":\"" : "|")
                out.append(contentsOf: md5s[Int(item.reference)])
                out.appendASCII(style.jsonl ? "\",\"action\":\"" : "|")
                out.appendASCII(item.argument == 0 ? "START" : "STOP")
                if style.jsonl { out.append(UInt8(ascii: "\"")) }
            case .snapshot:
                out.appendASCII(style.jsonl ? "snap\"" : "SNAP")
                out.append(contentsOf: terminalFields[terminal])
                out.appendASCII(style.jsonl ? ",\"result\":\"" : "|")
                out.appendASCII(item.argument == 0 ? "OK" : "FAIL")
                out.appendASCII(style.jsonl ? "\",\"bytes\":" : "|")
                out.appendDecimal(item.argument == 0 ? 60_000 + (time &* 2_654_435_761 &+ terminal) % 240_000 : 0)
            case .swipe:
                let person = people[Int(item.reference)]
                let lowerCaseX = style.lowerCaseX || item.argument & 0x80 != 0
                if style.jsonl {
                    out.appendASCII("swipe\",\"reader_sn\":\"")
                    out.append(contentsOf: reader)
                    out.appendASCII("\",\"cert_type\":\"")
                    out.appendDecimal(person.certType)
                    out.appendASCII("\",\"cert_no\":\"")
                    out.append(contentsOf: certText(person.cert, lowerCaseX: lowerCaseX))
                    out.appendASCII("\",\"name\":\"")
                    out.append(contentsOf: person.name)
                    out.appendASCII("\",\"result\":\"")
                    out.appendASCII(swipeResults[Int(item.argument & 0x7F)])
                    out.append(UInt8(ascii: "\""))
                } else {
                    out.appendASCII("SWIPE|")
                    out.append(contentsOf: reader)
                    out.append(UInt8(ascii: "|"))
                    out.appendDecimal(person.certType)
                    out.append(UInt8(ascii: "|"))
                    out.append(contentsOf: certText(person.cert, lowerCaseX: lowerCaseX))
                    out.append(UInt8(ascii: "|"))
                    out.append(contentsOf: person.name)
                    out.append(UInt8(ascii: "|"))
                    out.appendASCII(swipeResults[Int(item.argument & 0x7F)])
                }
            case .audit:
                out.appendASCII(style.jsonl ? "audit\",\"status\":\"" : "AUDIT|")
                out.appendASCII(auditStatuses[Int(item.argument)])
                out.appendASCII(style.jsonl ? "\",\"detail\":\"" : "|")
                out.append(contentsOf: Array(Tables.auditDetails[Int(item.reference)].utf8))
                if style.jsonl { out.append(UInt8(ascii: "\"")) }
            case .flow:
                let reference = Int(item.reference & ~FlowSize.exact)
                let destination = Array(Tables.flowDestinations[reference % Tables.flowDestinations.count].utf8)
                let port = Tables.flowPorts[reference / 16 % Tables.flowPorts.count]
                out.appendASCII(style.jsonl ? "flow\"" : "FLOW")
                // The gateway's lines name no terminal (FORMATS.md §3.3).
                out.append(contentsOf: item.argument & 1 != 0 ? gatewayFields[terminal] : terminalFields[terminal])
                out.appendASCII(style.jsonl ? ",\"dst_ip\":\"" : "|")
                out.append(contentsOf: destination)
                out.appendASCII(style.jsonl ? "\",\"dst_port\":" : "|")
                out.appendDecimal(port)
                let (up, down) = item.reference & FlowSize.exact != 0
                    ? (reference * 256, reference * 768)
                    : (reference % 997 * 1024 + 512, reference % 4099 * 8192 + 4096)
                out.appendASCII(style.jsonl ? ",\"bytes_up\":" : "|")
                out.appendDecimal(up)
                out.appendASCII(style.jsonl ? ",\"bytes_down\":" : "|")
                out.appendDecimal(down)
            case .unknown:
                let name = Tables.unknownEventNames[Int(item.reference)]
                out.append(contentsOf: Array((style.jsonl ? name.lowercased() + "\"" : name).utf8))
                out.append(contentsOf: terminalFields[terminal])
                out.append(contentsOf: Array((style.jsonl ? ",\"detail\":\"设备接入\"" : "|设备接入").utf8))
            }
            if style.jsonl {
                if style.extraKey {
                    out.appendASCII(",\"seq\":")
                    out.appendDecimal(position + 1)
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(contentsOf: newline)
            if !style.jsonl, position % 40_000 == 39_999 { out.append(contentsOf: newline) }
        }
        return out
    }
}
