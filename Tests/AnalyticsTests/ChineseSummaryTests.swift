import Analytics
import LogFormats
import Testing

/// Every finding says its facts in Simplified Chinese as well as in English (FORMATS.md §7), and every missing input
/// is worded in both: one case per summary a detector can write, each made through the fixtures.
@Suite struct ChineseSummaryTests {
    /// One way a detector words a finding.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var detector: DetectorID
        /// Values the English summaries give (terminals, exe names, addresses, times): at least one of them
        /// gives each, and every Chinese summary gives what its English one does.
        var values: [String] = []
        /// Words of the inspecting police: each is in at least one of the case's Chinese summaries.
        var zhWords: [String] = []
        var findings: @Sendable () -> [Finding]

        var testDescription: String { name }
    }

    static let cert = residentID(birth: "19900101")
    static let otherCert = residentID(birth: "19850505", sequence: "456")
    static let staffCert = residentID(birth: "19800101", sequence: "789")
    static let minorCert = residentID(birth: "20100101")
    static let wrongCheckCert = withWrongCheck(residentID(birth: "19900101", sequence: "321"))
    static let fifteenDigitCert = "330106900101123"
    static let personID = "4911D1B9AA77F09FB6"
    /// Every cert the cases put into sessions and swipes: none may appear in a summary.
    static let certs = [cert, otherCert, staffCert, minorCert, wrongCheckCert, fifteenDigitCert, personID]

    static let cases: [Case] = [
        Case(name: "after-hours", detector: .afterHours, values: ["010", "2026-11-29", "00:00", "08:00"],
            zhWords: ["上机记录", "违规时段营业"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.session(&venue, terminal: "010", cert: cert, from: "2026-11-28 23:00", to: "2026-11-29 00:01")
            return fixture.run(AfterHoursDetector(), [venue]).findings
        },
        Case(name: "after-hours, a window past midnight", detector: .afterHours, values: ["22:00", "06:00"],
            zhWords: ["次日"]) {
            var fixture = Fixture()
            fixture.config[AfterHoursDetector.self].window = LocalTimeWindow(
                startMinuteOfDay: 22 * 60, endMinuteOfDay: 6 * 60)
            var venue = fixture.venue()
            fixture.session(&venue, terminal: "010", cert: cert, from: "2026-11-28 21:00", to: "2026-11-28 22:30")
            return fixture.run(AfterHoursDetector(), [venue]).findings
        },
        Case(name: "audit-gap, heartbeat and screen-capture gaps", detector: .auditGap, values: ["012"],
            zhWords: ["心跳", "截屏", "审计日志"]) {
            var fixture = Fixture()
            var venue = auditedVenue(&fixture, snapshots: false)
            fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:20")
            fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:40", to: "2026-11-28 11:00")
            fixture.snapshot(&venue, terminal: "012", at: "2026-11-28 10:00")
            fixture.snapshot(&venue, terminal: "012", at: "2026-11-28 11:00")
            return fixture.run(AuditGapDetector(), [venue]).findings
        },
        Case(name: "audit-gap, STOP and TAMPER at once, restarted", detector: .auditGap,
            values: ["2026-11-28 10:20:00", "STOP", "TAMPER"], zhWords: ["重新启动", "擅自停止安全技术措施"]) {
            var fixture = Fixture()
            var venue = auditedVenue(&fixture, snapshots: true)
            fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            fixture.audit(&venue, .stop, at: "2026-11-28 10:20")
            fixture.audit(&venue, .tamper, at: "2026-11-28 10:20")
            fixture.audit(&venue, .start, at: "2026-11-28 10:40")
            return fixture.run(AuditGapDetector(), [venue]).findings
        },
        Case(name: "audit-gap, TAMPER alone and STOP never restarted", detector: .auditGap,
            values: ["TAMPER", "STOP"], zhWords: ["篡改", "未重新启动"]) {
            var fixture = Fixture()
            var venue = auditedVenue(&fixture, snapshots: true)
            fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            fixture.audit(&venue, .tamper, at: "2026-11-28 09:30")
            fixture.audit(&venue, .stop, at: "2026-11-28 12:00")
            return fixture.run(AuditGapDetector(), [venue]).findings
        },
        Case(name: "card-free-login, swipe too early", detector: .cardFreeLogin, values: ["012"],
            zhWords: ["免刷卡上网", "刷卡"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.swipe(&venue, cert: cert, at: at("2026-11-28 09:29"))
            fixture.session(&venue, terminal: "012", cert: cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            return fixture.run(CardFreeLoginDetector(), [venue]).findings
        },
        Case(name: "card-free-login, no swipe of the cert and no cert", detector: .cardFreeLogin,
            values: ["012", "013"], zhWords: ["没有成功刷卡记录", "没有登记任何证件"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.swipe(&venue, cert: otherCert, at: at("2026-11-28 09:50"))
            fixture.session(&venue, terminal: "012", cert: cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            fixture.session(&venue, terminal: "013", from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            return fixture.run(CardFreeLoginDetector(), [venue]).findings
        },
        Case(name: "card-free-login, a card-free tool", detector: .cardFreeLogin, values: ["mianshua.exe", "012"],
            zhWords: ["免刷卡上网工具"]) {
            var fixture = Fixture()
            fixture.signatures = Signatures(billingClients: [:], cardFreeTools: ["mianshua.exe"])
            var venue = fixture.venue()
            fixture.process(&venue, terminal: "012", exe: "mianshua.exe", at: "2026-11-28 10:00")
            fixture.process(&venue, terminal: "012", exe: "mianshua.exe", at: "2026-11-28 10:30")
            return fixture.run(CardFreeLoginDetector(), [venue]).findings
        },
        Case(name: "id-sharing, two terminals at once", detector: .idSharing, values: ["012", "031"],
            zhWords: ["身份证冒用"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.session(&venue, terminal: "012", cert: cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            fixture.session(&venue, terminal: "031", cert: cert, from: "2026-11-28 10:30", to: "2026-11-28 12:00")
            return fixture.run(IDSharingDetector(), [venue]).findings
        },
        Case(name: "id-sharing, two venues at once", detector: .idSharing,
            values: ["33010610000123", "33010610000456", "007", "012"], zhWords: ["场所", "一证多用"]) {
            var fixture = Fixture()
            var first = fixture.venue("33010610000123")
            var second = fixture.venue("33010610000456")
            fixture.session(&second, terminal: "007", cert: cert, from: "2026-11-28 09:50", to: "2026-11-28 10:30")
            fixture.session(&first, terminal: "012", cert: cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            return fixture.run(IDSharingDetector(), [first, second]).findings
        },
        Case(name: "id-sharing, eight sessions in a day", detector: .idSharing, zhWords: ["一证多用"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            for index in 0..<8 {
                fixture.session(
                    &venue, terminal: "0\(10 + index)", cert: cert, from: "2026-11-28 1\(index):00",
                    to: "2026-11-28 1\(index):30")
            }
            return fixture.run(IDSharingDetector(), [venue]).findings
        },
        Case(name: "id-sharing, records that name no terminal", detector: .idSharing, zhWords: ["未写明终端"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            for visit in 0..<8 {
                let start = at("2026-11-28 08:00") + Int64(visit * 5400)
                venue.sessions.append(
                    terminal: 0, cert: fixture.symbols.intern(personID), certType: .anonymisedPersonID,
                    userType: .unknown, checkout: .unknown, startSeconds: start, endSeconds: start + 3600,
                    isOpen: false, amountFen: 0, source: fixture.ref())
            }
            return fixture.run(IDSharingDetector(), [venue]).findings
        },
        Case(name: "staff-card", detector: .staffCard, values: ["001", "002", "003"], zhWords: ["工作卡"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            for (index, terminal) in ["001", "002", "003"].enumerated() {
                fixture.session(
                    &venue, terminal: terminal, cert: staffCert, user: .staff, from: "2026-11-28 1\(index):00",
                    to: "2026-11-28 23:00")
            }
            return fixture.run(StaffCardDetector(), [venue]).findings
        },
        Case(name: "invalid-id, wrong check character and impossible date", detector: .invalidID,
            zhWords: ["居民身份证", "无效身份证号"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.session(
                &venue, terminal: "012", cert: wrongCheckCert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            fixture.session(
                &venue, terminal: "013", cert: residentID(birth: "19900230"), from: "2026-11-28 10:00",
                to: "2026-11-28 11:00")
            return fixture.run(InvalidIDDetector(), [venue]).findings
        },
        Case(name: "invalid-id, fifteen digits", detector: .invalidID, zhWords: ["第一代身份证"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.session(
                &venue, terminal: "012", cert: fifteenDigitCert, certType: .temporaryID, from: "2026-11-28 10:00",
                to: "2026-11-28 11:00")
            return fixture.run(InvalidIDDetector(), [venue]).findings
        },
        Case(name: "minor, by the resident ID", detector: .minor, zhWords: ["未成年人", "周岁"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.session(&venue, terminal: "012", cert: minorCert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            return fixture.run(MinorDetector(), [venue]).findings
        },
        Case(name: "minor, by the export's birth date", detector: .minor, zhWords: ["出生日期"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            venue.sessions.append(
                terminal: fixture.symbols.intern("012"), cert: fixture.symbols.intern(personID),
                certType: .anonymisedPersonID, userType: .member, checkout: .normal,
                startSeconds: at("2026-11-28 10:00"), endSeconds: at("2026-11-28 11:00"), isOpen: false,
                amountFen: 500, birthDate: 2010_01_01, source: fixture.ref())
            return fixture.run(MinorDetector(), [venue]).findings
        },
        Case(name: "manual-billing", detector: .manualBilling, values: ["5.0 %"], zhWords: ["手工计费", "上机记录"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            for index in 0..<100 {
                fixture.session(
                    &venue, terminal: "0\(10 + index % 50)", cert: cert, checkout: index < 3 ? .manual : .normal,
                    from: "2026-11-28 10:00:\(10 + index % 40)", to: "2026-11-28 11:00")
            }
            fixture.transaction(&venue, .lateEntry, at: "2026-11-28 12:00")
            fixture.transaction(&venue, .manualCharge, at: "2026-11-28 12:30")
            return fixture.run(ManualBillingDetector(), [venue]).findings
        },
        Case(name: "second-billing, a foreign client against the registry", detector: .secondBilling,
            values: ["031", "万象", "wxclient.exe", "PUBWIN 2015"], zhWords: ["二套计费", "计费客户端"]) {
            var fixture = Fixture()
            fixture.signatures = Signatures(
                billingClients: ["PubwinClient.exe": "Pubwin", "wxclient.exe": "万象"], cardFreeTools: [])
            fixture.registry = Registry(venues: [
                "33010610000123": Registry.Venue(
                    code: "33010610000123", name: "Test", billingSystem: "PUBWIN 2015", lanNetwork: nil,
                    registeredTerminalCount: 10)
            ])
            var venue = fixture.venue()
            fixture.process(&venue, terminal: "012", exe: "pubwinclient.exe", at: "2026-11-28 09:00")
            fixture.process(&venue, terminal: "031", exe: "wxclient.exe", at: "2026-11-28 09:05")
            return fixture.run(SecondBillingDetector(), [venue]).findings
        },
        Case(name: "second-billing, a foreign client without a registry", detector: .secondBilling,
            values: ["014", "Pubwin", "万象"], zhWords: ["未登记计费系统"]) {
            var fixture = Fixture()
            fixture.signatures = Signatures(
                billingClients: ["PubwinClient.exe": "Pubwin", "wxclient.exe": "万象"], cardFreeTools: [])
            var venue = fixture.venue()
            fixture.process(&venue, terminal: "012", exe: "wxclient.exe", at: "2026-11-28 09:00")
            fixture.process(&venue, terminal: "013", exe: "wxclient.exe", at: "2026-11-28 09:01")
            fixture.process(&venue, terminal: "014", exe: "pubwinclient.exe", at: "2026-11-28 09:02")
            return fixture.run(SecondBillingDetector(), [venue]).findings
        },
        Case(name: "second-billing, orphaned log-ons on seven terminals", detector: .secondBilling,
            values: ["020", "024"], zhWords: ["上线", "二套计费", "及另外"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.session(&venue, terminal: "012", cert: cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
            for index in 0..<7 { fixture.online(&venue, terminal: "02\(index)", at: at("2026-11-28 10:3\(index)")) }
            return fixture.run(SecondBillingDetector(), [venue]).findings
        },
        Case(name: "second-billing, log-ons in a venue with no billing at all", detector: .secondBilling,
            values: ["031"], zhWords: ["缺少计费导出"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            for minute in 0..<3 { fixture.online(&venue, terminal: "031", at: at("2026-11-28 10:0\(minute)")) }
            return fixture.run(SecondBillingDetector(), [venue]).findings
        },
        Case(name: "ip-mismatch, wrong IP and MAC", detector: .ipMismatch,
            values: ["192.168.1.99", "192.168.1.11", "00-1A-2B-3C-4D-FF", "00-1A-2B-3C-4D-02"],
            zhWords: ["登记"]) {
            var fixture = Fixture()
            fixture.registry = twoTerminalRegistry()
            var venue = fixture.venue()
            fixture.sighting(&venue, terminal: "001", ip: "192.168.1.99", mac: "00-1A-2B-3C-4D-01")
            fixture.sighting(&venue, terminal: "002", ip: "192.168.1.12", mac: "00-1A-2B-3C-4D-FF")
            return fixture.run(IPMismatchDetector(), [venue]).findings
        },
        Case(name: "ip-mismatch, outside the LAN, unregistered, shared IP", detector: .ipMismatch,
            values: ["10.0.0.5", "192.168.1.0/24", "009", "192.168.1.50"], zhWords: ["内网网段", "共用", "登记资料"]) {
            var fixture = Fixture()
            fixture.registry = twoTerminalRegistry()
            var venue = fixture.venue()
            fixture.sighting(&venue, terminal: "001", ip: "10.0.0.5", mac: "00-1A-2B-3C-4D-01")
            fixture.sighting(&venue, terminal: "009", ip: "192.168.1.50")
            fixture.sighting(&venue, terminal: "002", ip: "192.168.1.50", mac: "00-1A-2B-3C-4D-02")
            return fixture.run(IPMismatchDetector(), [venue]).findings
        },
        Case(name: "ip-mismatch, a venue not in the registry", detector: .ipMismatch, values: ["001"],
            zhWords: ["场所也未登记"]) {
            var fixture = Fixture()
            fixture.registry = twoTerminalRegistry()
            var venue = fixture.venue("44030510000999")
            fixture.sighting(&venue, terminal: "001", ip: "192.168.1.11")
            return fixture.run(IPMismatchDetector(), [venue]).findings
        },
        Case(name: "private-network", detector: .privateNetwork,
            values: ["192.168.1.200", "00-11-22-33-44-55", "10.0 MB", "101.226.4.6"], zhWords: ["流量", "终端"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.flow(&venue, ip: "192.168.1.200", mac: 0x0011_2233_4455, bytes: 6 << 20, at: "2026-11-28 20:00")
            fixture.flow(&venue, ip: "192.168.1.200", mac: 0x0011_2233_4455, bytes: 4 << 20, at: "2026-11-28 20:05")
            return fixture.run(PrivateNetworkDetector(), [venue]).findings
        },
        Case(name: "private-network, more lines than are cited", detector: .privateNetwork,
            values: ["192.168.1.201"], zhWords: ["首末各 10 条"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            for minute in 0..<25 {
                fixture.flow(
                    &venue, ip: "192.168.1.201", bytes: 1 << 20, at: "2026-11-28 20:\(10 + minute)",
                    to: minute % 2 == 0 ? "101.226.4.6" : "180.101.49.12")
            }
            return fixture.run(PrivateNetworkDetector(), [venue]).findings
        },
        Case(name: "unbilled-use, one terminal", detector: .unbilledUse, values: ["012"], zhWords: ["上网未计费", "心跳"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.session(&venue, terminal: "099", cert: cert, from: "2026-11-28 20:00", to: "2026-11-28 21:00")
            fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:10")
            return fixture.run(UnbilledUseDetector(), [venue]).findings
        },
        Case(name: "unbilled-use, a venue with no billing at all", detector: .unbilledUse, values: ["0.7"],
            zhWords: ["缺少计费导出", "审计日志"]) {
            var fixture = Fixture()
            var venue = fixture.venue()
            fixture.heartbeats(&venue, terminal: "012", from: "2026-11-28 10:00", to: "2026-11-28 10:10")
            fixture.heartbeats(&venue, terminal: "031", from: "2026-11-28 11:00", to: "2026-11-28 11:30")
            return fixture.run(UnbilledUseDetector(), [venue]).findings
        },
    ]

    /// A venue covered 09:00-13:00 with a session on 012 from 10:00 to 11:00, optionally OK snapshots every 10 min.
    static func auditedVenue(_ fixture: inout Fixture, snapshots: Bool) -> VenueSlice {
        var venue = fixture.venue()
        venue.auditCoverage = at("2026-11-28 09:00")...at("2026-11-28 13:00")
        fixture.session(&venue, terminal: "012", cert: cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        if snapshots {
            for minute in stride(from: 0, through: 50, by: 10) {
                fixture.snapshot(&venue, terminal: "012", at: "2026-11-28 10:\(minute == 0 ? "00" : "\(minute)")")
            }
            fixture.snapshot(&venue, terminal: "012", at: "2026-11-28 11:00")
        }
        return venue
    }

    /// Whether `text` holds a CJK unified ideograph.
    static func hasHan(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
    }

    /// The runs of ASCII digits in `text`, sorted: both languages must state the same numbers.
    static func numbers(_ text: String) -> [String] {
        text.split(whereSeparator: { !("0"..."9").contains($0) }).map(String.init).sorted()
    }

    @Test(arguments: cases)
    func summaryIsSaidInChineseWithTheSameFacts(_ item: Case) {
        let findings = item.findings()
        #expect(!findings.isEmpty, "the case should produce a finding")
        for value in item.values {
            #expect(findings.contains { $0.summary.contains(value) }, "no English summary gives \(value)")
        }
        for word in item.zhWords {
            #expect(findings.contains { $0.summaryZh.contains(word) }, "no Chinese summary says \(word)")
        }
        for finding in findings {
            #expect(finding.detector == item.detector)
            let english = finding.summary
            let chinese = finding.summaryZh
            #expect(Self.hasHan(chinese), "no Chinese in: \(chinese)")
            #expect(chinese != english)
            #expect(Self.numbers(chinese) == Self.numbers(english), "\(english)\n\(chinese)")
            for value in item.values + [finding.terminal, finding.address].compactMap({ $0 })
            where english.contains(value) {
                #expect(chinese.contains(value), "Chinese lacks \(value): \(chinese)")
            }
            for cert in Self.certs + [finding.cert].compactMap({ $0 }) {
                #expect(!english.contains(cert) && !chinese.contains(cert), "cert \(cert) in a summary")
            }
        }
    }

    /// A new detector must bring its own case here, so that its Chinese cannot be forgotten.
    @Test func everyDetectorHasACase() {
        #expect(Set(Self.cases.map(\.detector)) == Set(DetectorID.allCases))
    }

    /// The cases' certs really reach findings, so the absence checks above are not vacuous.
    @Test func theCertsOfTheCasesReachTheFindings() {
        let found = Set(Self.cases.flatMap { $0.findings() }.compactMap(\.cert))
        #expect(found.isSuperset(of: [Self.cert, Self.minorCert, Self.wrongCheckCert, Self.fifteenDigitCert]))
    }

    @Test func oneMinuteIsSingularInEnglish() {
        let found = Self.cases[0].findings()
        #expect(found.first?.summary.contains("ran 1 minute inside") == true, "\(found.first?.summary ?? "")")
        #expect(found.first?.summaryZh.contains("1 分钟") == true)
    }

    /// Every reason a rule could not run fully, in both languages with the same numbers.
    @Test func missingInputsAreWordedInBothLanguages() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(&venue, terminal: "012", cert: Self.cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        var other = fixture.venue("33010610000456")
        fixture.session(&other, terminal: "001", cert: Self.cert, from: "2026-11-28 12:00", to: "2026-11-28 13:00")
        let venues = [venue, other]
        var wordings = fixture.run(AuditGapDetector(), venues).missingWordings
        wordings += fixture.run(CardFreeLoginDetector(), venues).missingWordings
        wordings += fixture.run(IPMismatchDetector(), venues).missingWordings
        wordings += fixture.run(PrivateNetworkDetector(), venues).missingWordings
        wordings += fixture.run(SecondBillingDetector(), venues).missingWordings
        fixture.signatures = Signatures(billingClients: [:], cardFreeTools: [])
        wordings += fixture.run(CardFreeLoginDetector(), venues).missingWordings
        #expect(wordings.count == 9)
        #expect(Set(wordings).count == 8)  // the swipe rule's reason twice
        for wording in wordings {
            #expect(Self.hasHan(wording.zh) && !Self.hasHan(wording.en), "\(wording)")
            #expect(Self.numbers(wording.zh) == Self.numbers(wording.en), "\(wording)")
            #expect(wording.text(.zh) == wording.zh && wording.text(.en) == wording.en)
        }
        #expect(wordings.contains { $0.en.contains("2 venues") && $0.zh.contains("2 个") })
        #expect(wordings.filter { $0.zh.hasPrefix("场所登记资料") }.count == 3)
    }

    /// `runDetectors` hands both languages on, for the store and the run summary.
    @Test func detectionResultKeepsBothLanguages() {
        var fixture = Fixture()
        var venue = fixture.venue()
        fixture.session(&venue, terminal: "012", cert: Self.cert, from: "2026-11-28 10:00", to: "2026-11-28 11:00")
        let result = runDetectors(venues: [venue], context: fixture.context)
        let registry = Wording(zh: "场所登记资料（本规则未运行）", en: "registry (the rule did not run)")
        #expect(result.missingInputs[.ipMismatch] == [registry])
        #expect(result.missingInputs[.minor] == nil)
    }
}
