/// The imported registry (基础资料台帐, FORMATS.md §3.5), as detectors need it.
package struct Registry: Sendable {
    package struct Venue: Sendable {
        /// 场所编码.
        package var code: String
        /// 场所名称.
        package var name: String
        /// 计费系统: the one billing system the venue is licensed to run.
        package var billingSystem: String
        /// 内网网段 as (network address, prefix length); nil when empty or unparseable.
        package var lanNetwork: (address: UInt32, prefixLength: Int)?
        /// 登记终端数.
        package var registeredTerminalCount: Int?

        package init(
            code: String, name: String, billingSystem: String, lanNetwork: (address: UInt32, prefixLength: Int)?,
            registeredTerminalCount: Int?
        ) {
            self.code = code
            self.name = name
            self.billingSystem = billingSystem
            self.lanNetwork = lanNetwork
            self.registeredTerminalCount = registeredTerminalCount
        }

        /// Whether `ipv4` lies inside 内网网段 (true when no network is registered).
        package func lanContains(_ ipv4: UInt32) -> Bool {
            guard let lan = lanNetwork else { return true }
            let mask: UInt32 = lan.prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - lan.prefixLength)
            return ipv4 & mask == lan.address & mask
        }
    }

    package struct Terminal: Sendable, Hashable {
        /// IPv4 as a host-order integer; nil when empty.
        package var ipv4: UInt32?
        /// Normalised MAC, empty when none.
        package var mac: String

        package init(ipv4: UInt32?, mac: String) {
            self.ipv4 = ipv4
            self.mac = mac
        }
    }

    /// Venues by 场所编码.
    package var venues: [String: Venue]
    /// Terminals by 场所编码 then 终端号 (exactly as written).
    package var terminals: [String: [String: Terminal]]

    package init(venues: [String: Venue] = [:], terminals: [String: [String: Terminal]] = [:]) {
        self.venues = venues
        self.terminals = terminals
    }
}
