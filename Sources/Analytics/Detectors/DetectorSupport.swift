import LogFormats

// Small shared pieces of the detectors: binary search, interval sweeps, unit conversion and the wording of
// summaries. Nothing here builds a String per row; text is made only when a finding is emitted.

/// Whole seconds of a configured number of minutes.
@inline(__always)
func seconds(minutes: Double) -> Int64 { Int64((minutes * 60).rounded()) }

/// Whole seconds of a configured number of hours.
@inline(__always)
func seconds(hours: Double) -> Int64 { Int64((hours * 3600).rounded()) }

/// The first index whose value is not less than `target` in an ascending collection.
/// - Complexity: O(log n).
func lowerBound<C: RandomAccessCollection>(_ values: C, _ target: Int64) -> Int
where C.Element == Int64, C.Index == Int {
    var low = values.startIndex
    var high = values.endIndex
    while low < high {
        let middle = low + (high - low) / 2
        if values[middle] < target { low = middle + 1 } else { high = middle }
    }
    return low
}

/// A closed time interval, epoch seconds.
struct TimeInterval64 {
    var lowerSeconds: Int64
    var upperSeconds: Int64
}

extension SessionColumns {
    /// Session indices per terminal, each list in start order (sessions arrive sorted by start; sorted again
    /// so an unsorted in-memory batch cannot break a sweep).
    /// - Complexity: O(n log n).
    func indicesByTerminal() -> [SymbolID: [Int]] {
        var result: [SymbolID: [Int]] = [:]
        for index in 0..<count where terminal[index] != 0 { result[terminal[index], default: []].append(index) }
        for key in result.keys {
            result[key]!.sort { (startSeconds[$0], $0) < (startSeconds[$1], $1) }
        }
        return result
    }

    /// The union of the sessions `indices` (in start order), each widened by `wideningSeconds` at both ends,
    /// as sorted disjoint intervals; each keeps the indices of the sessions it holds.
    func mergedIntervals(_ indices: [Int], wideningSeconds: Int64) -> [(interval: TimeInterval64, sessions: [Int])] {
        var result: [(interval: TimeInterval64, sessions: [Int])] = []
        for index in indices {
            let lower = startSeconds[index] - wideningSeconds
            let upper = max(endSeconds[index], startSeconds[index]) + wideningSeconds
            if let last = result.last, lower <= last.interval.upperSeconds {
                result[result.count - 1].interval.upperSeconds = max(last.interval.upperSeconds, upper)
                result[result.count - 1].sessions.append(index)
            } else {
                result.append((TimeInterval64(lowerSeconds: lower, upperSeconds: upper), [index]))
            }
        }
        return result
    }

    /// Indices in start order (stable), for sweeps that need it regardless of how the batch was built.
    func indicesInStartOrder() -> [Int] {
        Array(0..<count).sorted { (startSeconds[$0], $0) < (startSeconds[$1], $1) }
    }
}

/// Text of a symbol, or nil for the empty symbol.
func optionalText(_ id: SymbolID, _ symbols: SymbolTable) -> String? {
    let text = symbols.text(id)
    return text.isEmpty ? nil : text
}

/// "1 session", "3 sessions".
func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
}

/// "012", "012 and 031", "012, 031 and 044", "012, 031, 044 and 5 more".
func listed(_ items: [String], limit: Int = 5) -> String {
    if items.count <= 1 { return items.first ?? "" }
    if items.count > limit {
        return items.prefix(limit).joined(separator: ", ") + " and \(items.count - limit) more"
    }
    return items.dropLast().joined(separator: ", ") + " and " + items.last!
}

/// Whole minutes of a duration, rounded down, for summaries.
func minutesText(_ durationSeconds: Int64) -> String {
    counted(Int(durationSeconds / 60), "minute")
}

/// "012", "012、031", "012、031、044、055、066 及另外 2 个": `listed` for Chinese summaries, the same items and limit.
/// Clauses that themselves hold lists are joined with `separator` "；".
func listedZh(_ items: [String], limit: Int = 5, separator: String = "、") -> String {
    if items.count > limit {
        return items.prefix(limit).joined(separator: separator) + " 及另外 \(items.count - limit) 个"
    }
    return items.joined(separator: separator)
}

/// "20 分钟": whole minutes of a duration, rounded down, as `minutesText` counts them.
func minutesTextZh(_ durationSeconds: Int64) -> String { "\(durationSeconds / 60) 分钟" }

/// Dotted IPv4 text of a host-order address.
func ipv4Text(_ address: UInt32) -> String {
    "\(address >> 24).\((address >> 16) & 0xFF).\((address >> 8) & 0xFF).\(address & 0xFF)"
}

/// Floor division of epoch seconds into local (CST) days since 1970-01-01.
@inline(__always)
func localDay(_ epochSeconds: Int64) -> Int64 {
    let local = epochSeconds + CivilTime.chinaOffsetSeconds
    return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
}

/// Epoch seconds of local midnight starting local day `day`.
@inline(__always)
func midnight(ofLocalDay day: Int64) -> Int64 { day * 86_400 - CivilTime.chinaOffsetSeconds }

/// `2026-11-28` of a local day.
func localDateText(_ day: Int64) -> String { String(CivilTime.localString(midnight(ofLocalDay: day)).prefix(10)) }

extension ProcessColumns {
    /// Indices of the `PROC START`s grouped by `key(exe)`, leaving out those whose key is nil; each exe's key is
    /// computed once and kept in `cache` across venues (signature matching is per exe, not per event).
    func starts(groupedBy key: (SymbolID) -> String?, cache: inout [SymbolID: String?]) -> [String: [Int]] {
        var groups: [String: [Int]] = [:]
        for index in 0..<count where action[index] == .start {
            let exe = exe[index]
            let group: String?
            if let cached = cache[exe] {
                group = cached
            } else {
                group = key(exe)
                cache[exe] = .some(group)
            }
            if let group { groups[group, default: []].append(index) }
        }
        return groups
    }
}
