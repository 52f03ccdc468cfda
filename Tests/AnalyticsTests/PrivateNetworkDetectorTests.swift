import Analytics
import LogFormats
import Testing

@Suite struct PrivateNetworkDetectorTests {
    static let megabyte: Int64 = 1_048_576

    /// A registry with terminal 001 at 192.168.1.11 and MAC 00-1A-2B-3C-4D-01.
    private func registered(_ fixture: inout Fixture) {
        fixture.registry = Registry(
            venues: [:],
            terminals: ["33010610000123": ["001": Registry.Terminal(ipv4: ipv4("192.168.1.11"), mac: "00-1A-2B-3C-4D-01")]])
    }

    @Test func tenMegabytesFromAnUnknownAddressIsFound() {
        var fixture = Fixture()
        registered(&fixture)
        var venue = fixture.venue()
        fixture.flow(&venue, ip: "192.168.1.200", mac: 0x0011_2233_4455, bytes: 6 * Self.megabyte, at: "2026-11-28 20:00")
        fixture.flow(&venue, ip: "192.168.1.200", mac: 0x0011_2233_4455, bytes: 4 * Self.megabyte, at: "2026-11-28 20:05")
        let result = fixture.run(PrivateNetworkDetector(), [venue])
        #expect(result.findings.count == 1)
        let finding = result.findings[0]
        #expect(finding.address == "192.168.1.200" && finding.terminal == nil)
        #expect(finding.startSeconds == at("2026-11-28 20:00") && finding.endSeconds == at("2026-11-28 20:05"))
        #expect(finding.evidence.map(\.line) == [1, 2])
        #expect(finding.summary.contains("10.0 MB") && finding.summary.contains("00-11-22-33-44-55"), "\(finding.summary)")
        #expect(result.missing.isEmpty)
    }

    @Test func oneByteShortOfTenMegabytesIsNotFound() {
        var fixture = Fixture()
        registered(&fixture)
        var venue = fixture.venue()
        fixture.flow(&venue, ip: "192.168.1.200", bytes: 10 * Self.megabyte - 1, at: "2026-11-28 20:00")
        #expect(fixture.run(PrivateNetworkDetector(), [venue]).findings.isEmpty)
    }

    @Test func aTerminalOfTheVenueIsNeverADevice() {
        var fixture = Fixture()
        registered(&fixture)
        var venue = fixture.venue()
        // The registered terminal's IP, switched on without its audit client.
        fixture.flow(&venue, ip: "192.168.1.11", bytes: 50 * Self.megabyte, at: "2026-11-28 20:00")
        // Another IP with the registered terminal's MAC.
        fixture.flow(&venue, ip: "192.168.1.77", mac: 0x001A_2B3C_4D01, bytes: 50 * Self.megabyte, at: "2026-11-28 20:00")
        // An address an audit client ran on (a heartbeat's sighting), not registered.
        fixture.sighting(&venue, terminal: "045", ip: "192.168.1.55")
        fixture.flow(&venue, ip: "192.168.1.55", bytes: 50 * Self.megabyte, at: "2026-11-28 20:00")
        // The client's own FLOW lines carry its terminal and are never a device's.
        fixture.flow(&venue, ip: "192.168.1.99", terminal: "046", bytes: 50 * Self.megabyte, at: "2026-11-28 20:00")
        fixture.flow(&venue, ip: "192.168.1.99", bytes: 50 * Self.megabyte, at: "2026-11-28 20:01")
        #expect(fixture.run(PrivateNetworkDetector(), [venue]).findings.isEmpty)
    }

    @Test func devicesAtTheSameMomentAreSeparateCases() {
        var fixture = Fixture()
        registered(&fixture)
        var venue = fixture.venue()
        fixture.flow(&venue, ip: "192.168.1.200", bytes: 20 * Self.megabyte, at: "2026-11-28 20:00")
        fixture.flow(&venue, ip: "192.168.1.201", bytes: 20 * Self.megabyte, at: "2026-11-28 20:00")
        // A line with no IP is judged by its MAC.
        fixture.flow(&venue, ip: nil, mac: 0x000C_2900_0001, bytes: 20 * Self.megabyte, at: "2026-11-28 20:00")
        let findings = fixture.run(PrivateNetworkDetector(), [venue]).findings
        #expect(findings.map(\.address) == ["00-0C-29-00-00-01", "192.168.1.200", "192.168.1.201"])
        #expect(Set(findings.map(\.key)).count == 3)
    }

    @Test func manyLinesCiteTheFirstAndLastTen() {
        var fixture = Fixture()
        var venue = fixture.venue()
        for minute in 0..<30 {
            fixture.flow(
                &venue, ip: "10.0.0.9", bytes: Self.megabyte, at: "2026-11-28 20:\(minute < 10 ? "0" : "")\(minute)")
        }
        let result = fixture.run(PrivateNetworkDetector(), [venue])
        #expect(result.findings.count == 1)
        #expect(result.findings[0].evidence.map(\.line) == Array(1...10) + Array(21...30))
        #expect(result.findings[0].summary.contains("30 traffic summaries"))
        #expect(result.missing == ["registry (addresses were judged only by the audit clients seen)"])
    }
}
