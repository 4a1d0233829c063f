/// Whether a recording has what the E/I balance analysis needs (METHODS §0-§2: at least one spiking E unit and
/// one spiking I unit), with an accurate reason when not (issue 18 item 7).
extension Recording {
    /// Nil when the balance analysis can run; otherwise the reason, most basic first: "no units", "no spikes",
    /// "no E and no I units", "no E units", "no I units" (each with the counts and what to do).
    public var balanceInputProblem: String? {
        if units.isEmpty { return "no units (no Units table, or an empty one)" }
        if spikes.spikeCount == 0 { return "no spikes (\(units.count) unit\(units.count == 1 ? "" : "s"), all without spikes)" }
        let e = unitIndices(of: .excitatory), i = unitIndices(of: .inhibitory)
        let spikingE = e.filter { spikes.count(unit: $0) > 0 }.count
        let spikingI = i.filter { spikes.count(unit: $0) > 0 }.count
        let hint = "; name the E/I label column with --class-column (job file: class_column), or label the units first "
            + "with `symedge classify`"
        let counts = "\(units.count) units: \(e.count) E, \(i.count) I, \(units.count - e.count - i.count) unclassified"
        if e.isEmpty && i.isEmpty { return "no E and no I units (\(counts))" + hint }
        if e.isEmpty { return "no E units (\(counts))" + hint }
        if i.isEmpty { return "no I units (\(counts))" + hint }
        if spikingE == 0 { return "no E unit has spikes (\(counts))" }
        if spikingI == 0 { return "no I unit has spikes (\(counts))" }
        return nil
    }

    /// Throws `RecordingError.nothingToAnalyse` when `balanceInputProblem` is not nil.
    public func checkBalanceInput() throws {
        if let p = balanceInputProblem { throw RecordingError.nothingToAnalyse(file: source, reason: p) }
    }
}
