import Ingest
import LogFormats

extension ReportData {
    /// Reads the source lines the findings cite (`EvidenceLines`: the first few of each finding, high severity
    /// first, masked) from the files that still hold what was ingested. `names` is the header map, to find the
    /// name and cert columns of CSV exports.
    package mutating func readEvidenceText(store: Store, names: ColumnNames) throws(StoreError) {
        let sources = try store.evidenceSources()
        let evidence = findings.map { finding in finding.evidence.map { EvidenceKey(fileID: $0.fileID, line: $0.line) } }
        let text = EvidenceLines.read(evidence, sources: sources, names: names)
        evidenceText = text.lines
        evidenceUnavailable = text.unavailable
    }
}
