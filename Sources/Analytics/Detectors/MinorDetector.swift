import LogFormats

/// `minor` (FORMATS.md §4): under-18s on line (接纳未成年人).
///
/// Sessions of cert type `111` or `112` whose cert is a valid 18-character resident ID (an invalid one is
/// `invalid-id`'s case, and its birth date cannot be trusted). Age is whole years from the encoded birth date to
/// the local (China Standard Time) date of the session start, 29 February counting as 1 March in common years;
/// a person whose 18th birthday is that date is not a minor. A session whose cert is no resident ID but whose
/// export gives the birth date (an anonymised platform export's BIRTHDAY beside a person id, FORMATS.md §3.6)
/// is judged by that date.
/// One finding per session (each admission is a case), with its terminal and cert; evidence: the session row.
/// Reads the identity sessions (billing and real-name platform records).
/// - Complexity: O(s) per venue; each distinct cert's birth date is decoded once per run.
package struct MinorDetector: Detector {
    package static let id = DetectorID.minor

    private typealias CivilDate = (year: Int, month: Int, day: Int)

    private var findings: [Finding] = []
    /// Birth date per cert symbol, cached across venues; nil inside when the cert is not a valid resident ID.
    private var birthByCert: [SymbolID: CivilDate?] = [:]

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] { [] }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let minimumAge = context.config[Self.self].minimumAgeYears
        let sessions = venue.identitySessions
        var minorSessions: [SymbolID: [(index: Int, age: Int)]] = [:]
        for index in 0..<sessions.count where sessions.cert[index] != 0 {
            let cert = sessions.cert[index]
            let birth: CivilDate?
            let given = sessions.birthDate[index]
            if given != 0, !sessions.certType[index].isResidentID {
                // An anonymised export gives the birth date beside its person id (FORMATS.md §3.6); a resident
                // ID is judged by its own date (FORMATS.md §4), and only when it is valid.
                birth = (Int(given / 10_000), Int(given / 100 % 100), Int(given % 100))
            } else if !sessions.certType[index].isResidentID {
                continue
            } else if let cached = birthByCert[cert] {
                birth = cached
            } else {
                let number = context.symbols.text(cert).utf8
                birth = ResidentID.problem(number) == nil ? ResidentID.birthDate(number) : nil
                birthByCert[cert] = .some(birth)
            }
            guard let birth else { continue }
            let date = CivilTime.civilFromDays(localDay(sessions.startSeconds[index]))
            let age = ResidentID.age(birth: birth, on: date)
            // A birth date after the session is invalid-id's case, not a minor's.
            if age < minimumAge && age >= 0 { minorSessions[cert, default: []].append((index, age)) }
        }
        for (cert, entries) in minorSessions {
            for (index, age) in entries {
                findings.append(
                    Finding(
                        detector: Self.id, severity: .high, venue: context.symbols.text(venue.venue),
                        terminal: optionalText(sessions.terminal[index], context.symbols),
                        cert: context.symbols.text(cert), startSeconds: sessions.startSeconds[index],
                        endSeconds: max(sessions.endSeconds[index], sessions.startSeconds[index]),
                        summary: "A customer aged \(age) by the "
                            + (sessions.certType[index].isResidentID ? "resident ID" : "birth date the export gives")
                            + " was admitted for a session.",
                        summaryZh: "场所接纳未成年人上网：按"
                            + (sessions.certType[index].isResidentID ? "居民身份证号码" : "导出数据给出的出生日期")
                            + "计算，上机人员年龄为 \(age) 周岁。",
                        evidence: [sessions.source[index]]))
            }
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}

extension MinorDetector {
    /// Thresholds of `minor` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        /// Customers younger than this at session start, in whole years, are minors.
        @AtLeastOne package var minimumAgeYears = 18
        package static let summary = "Customers under age at session start, from a valid resident ID or a given birth date."
        package static let notes: [String: String] = ["minimumAgeYears": "whole years on the local date of the session start"]

        package init() {}
    }
}

extension DetectorID {
    package static let minor = DetectorID("minor")
}
