import LogFormats

/// `invalid-id` (FORMATS.md §4): resident-ID numbers that cannot be real.
///
/// Sessions of cert type `111` or `112` with a non-empty cert whose number is 15 digits (first generation, no
/// longer valid), has an impossible birth date, a wrong ISO 7064 MOD 11-2 check character, or is neither 15 nor
/// 18 characters of the right kind (malformed). One finding per session, with its
/// terminal and cert; evidence: the session row. A 15-digit number is medium (a real but outdated card); the others
/// are high (a number no card ever carried).
/// - Complexity: O(s) per venue; each distinct cert is checked once per run.
package struct InvalidIDDetector: Detector {
    package static let id = DetectorID.invalidID
    private var findings: [Finding] = []
    /// Check result per cert symbol, cached across venues; nil inside means valid.
    private var problemByCert: [SymbolID: ResidentID.Problem?] = [:]

    package init() {}

    package func missingInputs(_ context: DetectionContext) -> [Wording] { [] }

    package mutating func consume(_ venue: VenueSlice, context: DetectionContext) {
        let sessions = venue.identitySessions
        var flagged: [(index: Int, problem: ResidentID.Problem)] = []
        for index in 0..<sessions.count where sessions.certType[index].isResidentID && sessions.cert[index] != 0 {
            let cert = sessions.cert[index]
            let problem: ResidentID.Problem?
            if let cached = problemByCert[cert] {
                problem = cached
            } else {
                problem = ResidentID.problem(context.symbols.text(cert).utf8)
                problemByCert[cert] = .some(problem)
            }
            if let problem {
                flagged.append((index, problem))
            } else if let birth = ResidentID.birthDate(context.symbols.text(cert).utf8),
                ResidentID.age(birth: birth, on: CivilTime.civilFromDays(localDay(sessions.startSeconds[index]))) < 0
            {
                // A real calendar date, but after the session: no one yet born used the card.
                flagged.append((index, .impossibleBirthDate))
            }
        }
        for (index, problem) in flagged {
            let summary = Self.summaries(problem)
            findings.append(
                Finding(
                    detector: Self.id, severity: problem == .firstGeneration ? .medium : .high,
                    venue: context.symbols.text(venue.venue),
                    terminal: optionalText(sessions.terminal[index], context.symbols),
                    cert: context.symbols.text(sessions.cert[index]), startSeconds: sessions.startSeconds[index],
                    endSeconds: max(sessions.endSeconds[index], sessions.startSeconds[index]),
                    summary: summary.en, summaryZh: summary.zh, evidence: [sessions.source[index]]))
        }
    }

    /// The summaries of each problem, written out whole: a literal is one text every finding shares (made per
    /// finding, the two were ~200 bytes of each of a night's million findings).
    static func summaries(_ problem: ResidentID.Problem) -> Wording {
        switch problem {
        case .firstGeneration:
            Wording(
                zh: "一条上机记录登记的居民身份证号码是 15 位的第一代身份证号码，已停止使用，属无效身份证号。",
                en: "The resident-ID cert of a session is a 15-digit first-generation ID number, no longer valid.")
        case .wrongCheckCharacter:
            Wording(
                zh: "一条上机记录登记的居民身份证号码校验位错误，属无效身份证号。",
                en: "The resident-ID cert of a session has a wrong check character.")
        case .impossibleBirthDate:
            Wording(
                zh: "一条上机记录登记的居民身份证号码所含出生日期不存在或晚于上机时间，属无效身份证号。",
                en: "The resident-ID cert of a session encodes a birth date that does not exist or lies after the session.")
        case .malformed:
            Wording(
                zh: "一条上机记录登记的居民身份证号码不是格式正确的居民身份证号码，属无效身份证号。",
                en: "The resident-ID cert of a session is not a well-formed resident ID number.")
        }
    }

    package mutating func finish(context: DetectionContext) -> [Finding] { findings }
}

extension InvalidIDDetector {
    /// Thresholds of `invalid-id` (FORMATS.md §4 defaults).
    package struct Config: DetectorSettings {
        package var enabled = true
        package static let summary = "Resident-ID numbers with a wrong check character or date, or 15 digits."
        package init() {}
    }
}

extension DetectorID {
    package static let invalidID = DetectorID("invalid-id")
}
