import LogFormats

extension Store {
    /// The stored files evidence can point into, by id: where they were read from and what they held, so that a
    /// report can read a cited line again when the file is unchanged.
    package func evidenceSources() throws(StoreError) -> [Int64: EvidenceSource] {
        let statement = try connection.prepare("SELECT id, path, contentHash, format FROM ingestedFile")
        var sources: [Int64: EvidenceSource] = [:]
        while try statement.step() {
            let id = statement.int64(0)
            sources[id] = EvidenceSource(
                fileID: id, path: statement.string(1), contentHash: statement.string(2),
                format: statement.optionalString(3).flatMap(Format.init(rawValue:)))
        }
        return sources
    }
}
