/// What a file's parser hands the store's single writer, in order; each file ends with `.end`.
package enum IngestMessage: Sendable {
    /// Billing sessions, with the 导出时间 of their export.
    case sessions(SessionBatch, exportSeconds: Int64?)
    /// Real-name platform sessions (FORMATS.md §3.6).
    case realnameSessions(SessionBatch)
    case transactions(TransactionBatch)
    case events(AuditEventBatch)
    case pulses([PulseRun])
    case addresses([AddressAggregate])
    /// First and last audit event time per venue in the file.
    case coverage([(venue: String, firstSeconds: Int64, lastSeconds: Int64)])
    case quarantine([QuarantinedRow])
    case registry([RegistryRow])
    case end(FileReport)
}
