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
        func csvEncoding() -> TextEncoding {
            let roll = random.below(20)
            return roll < 13 ? .gbk : roll < 16 ? .utf8BOM : .utf8
        }
        func pickCompression(none: Int, gzip: Int) -> Compression {
            let roll = random.below(100)
            return roll < none ? .none : roll < none + gzip ? .gzip : .zstd
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
        let encoding = csvEncoding()
        let compression = pickCompression(none: 50, gzip: 25)
        let base = random.pick(["sessions-\(day).csv", "上机记录_\(day).csv", "SJJL\(day).txt", "export_\(day)_1.dat"])
        if random.chance(0.3) {
            // A midday export: sessions running then have no 下机时间 yet; the nightly one closes them.
            var midday = style
            midday.title = true
            let text = renderSessions(exportTime: clock(14, 0) + random.int(0...300), columns: columns, style: midday)
            _ = try emit("midday-" + base + suffix(compression), text, encoding, compression, frames: 2)
        }
        style.title = style.title || spec.minutePrecision
        let sessionsText = renderSessions(exportTime: nightlyExport, columns: columns, style: style)
        let sessionsBytes = try emit(base + suffix(compression), sessionsText, encoding, compression, frames: 2)
        if random.chance(0.2) {
            // Re-sent: the same bytes under another name.
            let name = "resend-" + base + suffix(compression)
            try Output.write(sessionsBytes, to: outputDirectory + "/" + folder + name)
            output.files.append(folder + name)
            output.textBytes += Int64(sessionsText.count)
        }

        let transactionStyle = CSVStyle.random(&random, minutePrecision: spec.minutePrecision)
        let transactionCompression = pickCompression(none: 30, gzip: 50)
        _ = try emit(
            random.pick(["trans.csv", "交易流水_\(day).csv", "JYLS\(day).txt"]) + suffix(transactionCompression),
            renderTransactions(transactionList, exportTime: nightlyExport, style: transactionStyle,
                               dropOptional: random.chance(0.2)),
            csvEncoding(), transactionCompression, frames: random.int(1...3))

        var auditStyle = AuditStyle.random(&random)
        var auditEncoding: TextEncoding = auditStyle.jsonl ? .utf8 : random.chance(0.6) ? .gbk : random.chance(0.8) ? .utf8 : .utf8BOM
        if spec.index == 0 {
            // Every dump has a GBK audit-pipe file, whose names hold trail bytes equal to `|`.
            auditStyle = AuditStyle(
                jsonl: false, timeStyle: .dashSeconds, mixedEpoch: false, macStyle: auditStyle.macStyle,
                lowerCaseX: auditStyle.lowerCaseX, crlf: auditStyle.crlf, extraKey: false)
            auditEncoding = .gbk
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
