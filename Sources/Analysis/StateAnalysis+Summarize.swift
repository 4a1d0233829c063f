extension StateAnalysis {
    /// Reduces the observed set and the surrogate sets of one (recording, state) to tidy rows.
    public static func summarize(subject: String, session: String, state: String, observed: MeasureSet,
                                 surrogates: [Member: MeasureSet], parameters: AnalysisParameters) -> StateSummary {
        StateSummary(measures: [], orderParameters: [],
                     verdict: VerdictRow(subject: subject, session: session, state: state, holds: nil,
                                         broken: "", evidence: "not implemented"),
                     missing: [])
    }
}
