import Recordings

extension ClassificationResult {
    /// Names of the columns `labelled(_:)` adds to the units table. (The burst index column is
    /// `classifier_burst_index_6ms`: an NWB column name ending in `_index` would read as a ragged index.)
    public static let featureColumns = [
        "classifier_class", "classifier_reason", "classifier_trough_to_peak_ms", "classifier_half_width_ms",
        "classifier_firing_rate_hz", "classifier_isi_cv", "classifier_burst_index_6ms", "classifier_acg_peak_ms",
        "classifier_distance_sd",
    ]

    /// A copy of `recording` carrying the classification: units without an input label get the predicted class
    /// (`labelSource = .classifier`); units with an input label keep it (it takes precedence, METHODS §1). Every
    /// unit gets the predicted class, reason and features as extra columns (`featureColumns`; NaN / "" where
    /// undefined) and, when the connection check ran, `classifier_connection_contradiction` (1, 0, or NaN).
    /// - Precondition: the result was computed from `recording` (same units, same order).
    public func labelled(_ recording: Recording) -> Recording {
        precondition(units.count == recording.units.count, "classification and recording differ in unit count")
        var out = recording
        let hasFlags = units.contains { $0.connectionContradiction != nil }
        for (i, r) in units.enumerated() {
            var u = out.units[i]
            if case .inputColumn = u.labelSource {} else {
                u.cellClass = r.predicted
                u.labelSource = r.predicted == .unclassified ? .none : .classifier
            }
            let f = r.features
            u.extra["classifier_class"] = .text(r.predicted.rawValue)
            u.extra["classifier_reason"] = .text(r.reason?.rawValue ?? "")
            u.extra["classifier_trough_to_peak_ms"] = .number(f.troughToPeakMs ?? .nan)
            u.extra["classifier_half_width_ms"] = .number(f.halfWidthMs ?? .nan)
            u.extra["classifier_firing_rate_hz"] = .number(f.firingRateHz ?? .nan)
            u.extra["classifier_isi_cv"] = .number(f.isiCV ?? .nan)
            u.extra["classifier_burst_index_6ms"] = .number(f.burstIndex ?? .nan)
            u.extra["classifier_acg_peak_ms"] = .number(f.acgPeakMs ?? .nan)
            u.extra["classifier_distance_sd"] = .number(r.distanceSD ?? .nan)
            if hasFlags {
                u.extra["classifier_connection_contradiction"] =
                    .number(r.connectionContradiction.map { $0 ? 1 : 0 } ?? .nan)
            }
            out.units[i] = u
        }
        return out
    }

    /// Sets `connectionContradiction` from the connection check (METHODS §1): judged against the waveform class.
    /// `tested[u]` is the number of directed pairs tested with unit `u` as the presynaptic unit.
    public mutating func applyConnections(_ connections: [Connection], tested: [Int],
                                          options: ConnectionOptions = ConnectionOptions()) {
        let flags = ConnectionCheck.contradictions(classes: units.map(\.predicted), connections: connections,
                                                   tested: tested, options: options)
        for i in units.indices { units[i].connectionContradiction = flags[i] }
    }
}
