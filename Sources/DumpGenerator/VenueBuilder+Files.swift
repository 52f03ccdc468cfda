// One venue's files in the dump, and its registry rows.

/// What building one venue produced.
struct VenueOutput {
    /// Paths relative to the output directory.
    var files: [String] = []
    /// Uncompressed UTF-8 text generated, in bytes (the measure `targetBytes` aims at).
    var textBytes: Int64 = 0
    var venueRow: [String] = []
    var terminalRows: [[String]] = []
    var truths: [TruthRecord] = []
}

extension VenueBuilder {
    func run(outputDirectory: String) throws -> VenueOutput {
        if spec.anonymisedOnly { return try runAnonymised(outputDirectory: outputDirectory) }
        buildOrdinarySessions()
        let isManual: (PlannedUnit) -> Bool = { $0.kind.detector == "manual-billing" }
        for unit in spec.units where !isManual(unit) { injectScenario(unit) }
        for unit in spec.units where isManual(unit) { injectManualBilling(unit) }
        finishSessions()
        let events = buildAuditEvents()
        let transactionList = buildTransactions()

        var output = VenueOutput()
        let day = "\(businessDate.year)\(businessDate.month < 10 ? "0" : "")\(businessDate.month)\(businessDate.day < 10 ? "0" : "")\(businessDate.day)"
        let folder = "dump/\(spec.code)/"
        let nightlyExport = 86_400 + clock(6, 0) + random.int(0...600)
        func emit(_ name: String, _ text: [UInt8], _ encoding: TextEncoding, _ compression: Compression, frames: Int = 1)
            throws -> [UInt8]
        {
            let bytes = try Output.encode(text, encoding: encoding, compression: compression, frames: frames)
            try Output.write(bytes, to: outputDirectory + "/" + folder + name)
            output.files.append(folder + name)
            output.textBytes += Int64(text.count)
            return bytes
        }
        let plain = spec.plain
        func csvEncoding() -> TextEncoding {
            let roll = random.below(20)
            return plain ? .utf8 : roll < 13 ? .gbk : roll < 16 ? .utf8BOM : .utf8
        }
        func pickCompression(none: Int, gzip: Int) -> Compression {
            let roll = random.below(100)
            return plain ? .none : roll < none ? .none : roll < none + gzip ? .gzip : .zstd
        }
        func suffix(_ compression: Compression) -> String {
            switch compression {
            case .none: ""
            case .gzip: ".gz"
            case .zstd: ".zst"
            }
        }

        // Sessions: optional columns dropped or reordered now and then, matched by name (FORMATS.md §3.1).
        var columns = SessionColumn.allCases
        if random.chance(0.4) { columns.removeAll { $0.isOptional && random.chance(0.5) } }
        if random.chance(0.3), let name = columns.firstIndex(of: .name), let type = columns.firstIndex(of: .certType) {
            columns.swapAt(name, type)
            if let terminal = columns.firstIndex(of: .terminal) { columns.insert(columns.remove(at: terminal), at: 1) }
        }
        var style = CSVStyle.random(&random, minutePrecision: spec.minutePrecision)
        if plain {
            columns = SessionColumn.allCases
            style = .plain
        }
        let encoding = csvEncoding()
        let compression = pickCompression(none: 50, gzip: 25)
        let base = random.pick(["sessions-\(day).csv", "上机记录_\(day).csv", "SJJL\(day).txt", "export_\(day)_1.dat"])
        // Open sessions end at the export time a title line gives, so exports that have them say it.
        let titles = spec.titles == .none && (style.title || spec.minutePrecision) ? .exportTime : spec.titles
        let middayTitles = titles == .none ? .exportTime : titles
        let transactionStyle = plain ? .plain : CSVStyle.random(&random, minutePrecision: spec.minutePrecision)
        let transactionCompression = pickCompression(none: 30, gzip: 50)
        let transactionName = random.pick(["trans.csv", "交易流水_\(day).csv", "JYLS\(day).txt"])
        let dropOptional = random.chance(0.2) && !plain
        let writesMidday = random.chance(0.3) && !plain
        let middayExport = clock(14, 0) + random.int(0...300)
        let resends = random.chance(0.2) && !plain
        if spec.noBillingExport {
            // FORMATS.md §4: audit use and no billing export at all is one venue-level finding; the orphaned
            // log-ons are second-billing's by its own rule.
            truth(true, "unbilled-use", 0, Self.wholeNight, "audit use all day and no billing export at all")
            truth(true, "second-billing", 0, Self.wholeNight, "every ONLINE is orphaned: no billing export at all")
        } else {
            if writesMidday {
                // A midday export: sessions running then have no 下机时间 yet; the nightly one closes them.
                let text = renderSessions(
                    exportTime: middayExport, columns: columns, style: style, dialect: spec.dialect, titles: middayTitles)
                _ = try emit("midday-" + base + suffix(compression), text, encoding, compression, frames: 2)
            }
            let sessionsText = renderSessions(
                exportTime: nightlyExport, columns: columns, style: style, dialect: spec.dialect, titles: titles)
            let sessionsBytes = try emit(base + suffix(compression), sessionsText, encoding, compression, frames: 2)
            if resends {
                // Re-sent: the same bytes under another name.
                let name = "resend-" + base + suffix(compression)
                try Output.write(sessionsBytes, to: outputDirectory + "/" + folder + name)
                output.files.append(folder + name)
                output.textBytes += Int64(sessionsText.count)
            }
            if spec.noVenueCopy {
                // A copy from a system that writes no venue column, with no title naming the venue: `no-venue`,
                // and nothing in it may be guessed (its sessions are in the export above).
                let text = renderSessions(
                    exportTime: nightlyExport, columns: columns, style: style, dialect: .noVenueColumn,
                    titles: .exportTime)
                _ = try emit("计费备份_\(day).csv", text, encoding, .none)
            }
            _ = try emit(
                transactionName + suffix(transactionCompression),
                renderTransactions(transactionList, exportTime: nightlyExport, style: transactionStyle,
                                   dropOptional: dropOptional, titles: spec.titles),
                csvEncoding(), transactionCompression, frames: random.int(1...3))
            if let header = spec.platformHeader {
                _ = try emit(
                    "SWRY_\(spec.code)_\(day).txt" + suffix(compression),
                    renderPlatform(header: header, exportTime: nightlyExport, day: day), csvEncoding(), compression)
            }
        }

        var auditStyle = AuditStyle.random(&random)
        var auditEncoding: TextEncoding = auditStyle.jsonl ? .utf8 : random.chance(0.6) ? .gbk : random.chance(0.8) ? .utf8 : .utf8BOM
        if spec.index == 0 {
            // Every dump has a GBK audit-pipe file, whose names hold trail bytes equal to `|`.
            auditStyle = AuditStyle(
                jsonl: false, timeStyle: .dashSeconds, mixedEpoch: false, macStyle: auditStyle.macStyle,
                lowerCaseX: auditStyle.lowerCaseX, crlf: auditStyle.crlf, extraKey: false)
            auditEncoding = .gbk
        }
        if plain {
            auditStyle = AuditStyle(
                jsonl: auditStyle.jsonl, timeStyle: auditStyle.jsonl ? .iso8601 : .dashSeconds, mixedEpoch: false,
                macStyle: 0, lowerCaseX: false, crlf: false, extraKey: false)
            auditEncoding = .utf8
        }
        let auditText = renderAudit(events, style: auditStyle, exportTime: nightlyExport)
        let auditCompression = pickCompression(none: 30, gzip: 20)
        let auditName = auditStyle.jsonl
            ? random.pick(["audit.jsonl", "audit-\(day).jsonl", "events.json"])
            : random.pick(["audit.log", "sjrz_\(day).log", "audit-\(day).txt"])
        _ = try emit(
            auditName + suffix(auditCompression), auditText, auditEncoding, auditCompression,
            frames: random.int(2...3) + auditText.count / (16 << 20))

        output.venueRow = registryVenueRow()
        let macStyle = random.chance(0.8) ? 0 : random.below(3)
        output.terminalRows = (0..<registeredCount).map { terminal in
            [spec.code, identities[terminal].number, identities[terminal].ipText, identities[terminal].macText(style: macStyle)]
        }
        output.truths = truths
        return output
    }

    /// `场所编码,场所名称,业主,地址,联系电话,接入服务商,公网IP,内网网段,登记终端数,计费系统,审计系统` (FORMATS.md §3.5).
    private func registryVenueRow() -> [String] {
        let county = Tables.counties[spec.countyIndex]
        let name = random.pick(Tables.venueNameStems) + random.pick(Tables.venueNameKinds)
            + (random.chance(0.3) ? "(\(random.pick(county.streets))店)" : "")
        let owner = String(decoding: SyntheticID.name(&random, male: random.chance(0.6)), as: UTF8.self)
        let address = county.name + random.pick(county.streets) + "\(random.int(1...399))号" + (random.chance(0.5) ? "\(random.int(2...5))楼" : "")
        let phone = random.chance(0.7) ? "1\(random.pick(["35", "38", "39", "58", "86", "89"]))\(random.int(10_000_000...99_999_999))"
            : "0\(random.int(10...999))-8\(random.int(1_000_000...9_999_999))"
        let publicIP = "\(random.pick([115, 183, 222, 61, 124])).\(random.int(1...254)).\(random.int(1...254)).\(random.int(2...254))"
        return [
            spec.code, name, owner, address, phone, random.pick(Tables.isps), publicIP, "\(lan.0).\(lan.1).\(lan.2).0/24",
            String(registeredCount), Tables.billingSystems[spec.billingIndex].system, random.pick(Tables.auditSystems),
        ]
    }
}

extension VenueBuilder {
    /// The provincial platform's 上网人员信息 of the venue (FORMATS.md §3.6): one real-name record per billing
    /// session with a cert, started by the real-name client up to 90 s after billing (so within the 2 minutes
    /// that make them one session). Pinyin headers carry compact times, Chinese ones dashed times.
    func renderPlatform(header: PlatformHeader, exportTime: Int, day: String) -> [UInt8] {
        let newline: [UInt8] = [13, 10]
        var out: [UInt8] = []
        let names = header == .pinyin
            ? ["YYCSDM", "YYCSMC", "DZQH", "DZ", "SWRYXM", "ZJLX", "ZJHM", "FZJGMC", "GJ", "SWKSSJ", "SWZDH", "XWSJ",
               "D_RKSJ", "WJCJSJ", "WJMC"]
            : ["营业场所代码", "营业场所名称", "地址区划", "地址", "上网人员姓名", "证件类型", "证件号码", "发证机关名称", "国籍",
               "上网开始时间", "上网终端号", "下网时间", "入库时间", "文件创建时间", "文件名称"]
        appendRow(names.map { Array($0.utf8) }, to: &out, newline: newline)
        let county = Tables.counties[spec.countyIndex]
        func time(_ seconds: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            times.append(seconds, style: .dashSeconds, to: &bytes)
            return header == .pinyin ? bytes.filter { $0 >= 0x30 && $0 <= 0x39 } : bytes
        }
        var fields: [[UInt8]] = []
        for session in sessions where session.start < exportTime && session.userKind != .staff {
            let person = people[session.person]
            guard !person.cert.isEmpty else { continue }
            let start = session.start + random.int(0...90)
            fields = [
                Array(spec.code.utf8), Array("\(county.name)某网吧".utf8), Array(spec.code.prefix(6).utf8),
                Array(county.name.utf8), person.name, Array(String(person.certType).utf8), person.cert,
                Array("\(county.name)公安局".utf8), Array("CHN".utf8), time(start),
                Array(identities[session.terminal].number.utf8), time(max(start, session.end)),
                time(session.end + 300), time(exportTime), Array("SWRY_\(spec.code)_\(day).txt".utf8),
            ]
            appendRow(fields, to: &out, newline: newline)
        }
        return out
    }

    /// A venue known only from an anonymised platform export (FORMATS.md §3.6: `PERSONID`, `BIRTHDAY`, compact
    /// times, masked names, no terminal): ordinary customers, a minor by BIRTHDAY and one turning 18 that day,
    /// and one person id with 8 sessions in a day.
    func runAnonymised(outputDirectory: String) throws -> VenueOutput {
        buildOrdinarySessions()
        let (minorBirth, adultBirth) = birthDatesAroundEighteen()
        var cases: [(person: Int, start: Int, end: Int, isCase: Bool, detector: String, note: String)] = []
        let minor = scenarioPerson(unit: 9_000 + spec.index, slot: 0, birth: minorBirth)
        cases.append((minor, clock(15, 0), clock(17, 0), true, "minor", "turns 18 the day after the session, by BIRTHDAY"))
        let adult = scenarioPerson(unit: 9_000 + spec.index, slot: 1, birth: adultBirth)
        cases.append((adult, clock(15, 30), clock(17, 30), false, "minor", "turns 18 on the day of the session"))
        let frequent = scenarioPerson(unit: 9_000 + spec.index, slot: 2)
        for visit in 0..<8 {
            let start = clock(8, 30) + visit * 5400
            cases.append((frequent, start, start + 3600, visit == 0, "id-sharing", "one person id, 8 sessions in a day"))
        }
        var output = VenueOutput()
        let day = "\(businessDate.year)\(businessDate.month < 10 ? "0" : "")\(businessDate.month)\(businessDate.day < 10 ? "0" : "")\(businessDate.day)"
        // Resident IDs only: the dataset's AREAID, BIRTHDAY and XB are read from them.
        var rows: [(person: Int, start: Int, end: Int)] = sessions.filter { people[$0.person].cert.count == 18 }
            .map { ($0.person, $0.start, $0.end) }
        rows += cases.map { ($0.person, $0.start, $0.end) }
        rows.sort { ($0.start, $0.person) < ($1.start, $1.person) }
        var text: [UInt8] = Array("PERSONID,SITEID,XB,CUSTOMERNAME,ONLINETIME,OFFLINETIME,AREAID,BIRTHDAY\n".utf8)
        func compact(_ seconds: Int) -> String {
            var bytes: [UInt8] = []
            times.append(seconds, style: .dashSeconds, to: &bytes)
            return String(decoding: bytes.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
        }
        for row in rows {
            let person = people[row.person]
            let fields = [
                personID(person.cert), spec.code, person.cert[16] % 2 == 1 ? "男" : "女",
                String(String(decoding: person.name, as: UTF8.self).prefix(1)) + "**", compact(row.start), compact(row.end),
                String(decoding: person.cert[0..<6], as: UTF8.self), String(decoding: person.cert[6..<14], as: UTF8.self),
            ]
            text += Array((fields.map { "\"\($0)\"" }.joined(separator: ",") + "\n").utf8)
        }
        let name = "dump/\(spec.code)/internet_cafe_\(day).csv"
        try Output.write(try Output.encode(text, encoding: .utf8, compression: .none), to: outputDirectory + "/" + name)
        output.files.append(name)
        output.textBytes = Int64(text.count)
        for item in cases where item.isCase || item.detector == "minor" {
            let end = item.detector == "id-sharing" ? clock(8, 30) + 7 * 5400 + 3600 : item.end
            truths.append(
                TruthRecord(
                    isCase: item.isCase, detector: item.detector, venue: spec.code, terminal: nil,
                    cert: personID(people[item.person].cert).uppercased(), start: item.start, end: end, note: item.note))
        }
        output.venueRow = registryVenueRow()
        output.terminalRows = []
        output.truths = truths
        return output
    }

    /// An anonymised export's opaque person id: 18 hex digits from the cert (as the dataset's hashed ids).
    func personID(_ cert: [UInt8]) -> String {
        var state = cert.reduce(UInt64(0x5045_5253)) { SeededRandom.mix($0, UInt64($1)) }
        let digits = String(SeededRandom.splitMix(&state), radix: 16) + String(SeededRandom.splitMix(&state), radix: 16)
        return String(String(repeating: "0", count: max(0, 18 - digits.count)) + digits).prefix(18).description
    }
}
