import Analysis
import Foundation

extension FamilyFigures {
    /// [lo, hi] widened to multiples of a 1–2–5 step (about five ticks), without padding: a recording's time
    /// span 0.5…599.5 s gives 0…600.
    static func niceDomain(_ lo: Double, _ hi: Double) -> ClosedRange<Double> {
        let step = Ticks.niceStep((hi - lo) / 5)
        return (Foundation.floor(lo / step) * step) ... (Foundation.ceil(hi / step) * step)
    }

    /// The signed cumulative balance S(t) around seizures (METHODS §6; SE Fig. 4), from the seizure curves of
    /// `family_curves.csv` (state `ictal`): `balance_S` against time, the pre-ictal linear trend `balance_trend`
    /// dashed, the seizure `ictal_interval` shaded and, when `balance_recovery_time_s` is in
    /// `family_measures.csv`, a grey dashed vertical line where S(t) has returned to the trend. One panel per recording, at
    /// most `maxRecordings`.
    public static func seizureBalance(_ input: ReportInput, maxRecordings: Int = 3) -> Figure? {
        let all = input.familyCurves("seizure", curves: ["balance_S", "balance_trend", "ictal_interval"])
            .filter { $0.state == "ictal" }
        var recordings: [(String, String)] = []
        for c in all where c.curve == "balance_S" && !recordings.contains(where: { $0 == (c.subject, c.session) }) {
            recordings.append((c.subject, c.session))
        }
        guard !recordings.isEmpty else { return nil }
        var panels: [String] = []
        var notes: [String] = []
        for (subject, session) in recordings.prefix(maxRecordings) {
            let mine = all.filter { $0.subject == subject && $0.session == session }
            guard let s = mine.first(where: { $0.curve == "balance_S" }) else { continue }
            let name = s.recording
            var series = [Series(name: "S(t)", x: s.x, y: s.y, color: Figures.iColor, strokeWidth: 1.6)]
            if let t = mine.first(where: { $0.curve == "balance_trend" }) {
                series.append(Series(name: "pre-ictal trend", x: t.x, y: t.y, color: Palette.category(0), dashed: true,
                                     strokeWidth: 1.6))
            }
            var intervals: [Interval] = []
            var refs: [ReferenceLine] = []
            let seizure = mine.first(where: { $0.curve == "ictal_interval" })
                .flatMap { c -> (Double, Double)? in
                    let v = c.x.filter(\.isFinite)
                    guard let a = v.min(), let b = v.max(), b > a else { return nil }
                    return (a, b)
                }
            if let sz = seizure {
                intervals.append(Interval(name: "seizure", x1: sz.0, x2: sz.1, color: Figures.eColor, opacity: 0.18))
            }
            let recovery = input.familyValue("seizure", "balance_recovery_time_s", subject: subject, session: session,
                                             state: "ictal")
            let ys = series.flatMap(\.y).filter(\.isFinite)
            if let r = recovery, let b = seizure?.1, let lo = ys.min(), let hi = ys.max() {
                refs.append(ReferenceLine(x1: b + r, y1: lo, x2: b + r, y2: hi,
                                          label: "S(t) back within 2 pre-ictal sd of the trend"))
            }
            if seizure != nil {
                notes.append(recovery.map { "\(name): recovery \(Markup.label($0)) s after the seizure ended" }
                             ?? "\(name): no recovery within the recording")
            }
            let xs = (series.flatMap(\.x) + [seizure?.0, seizure?.1].compactMap { $0 }).filter(\.isFinite)
            guard let x0 = xs.min(), let x1 = xs.max(), x1 > x0 else { continue }
            panels.append(XYChart(title: "S(t), \(name)", xLabel: "time from recording start (s)",
                                  yLabel: "S(t), cumulative E − I (spikes per neuron)", series: series,
                                  references: refs, width: 560, height: 290, xDomain: niceDomain(x0, x1),
                                  intervals: intervals).svg())
        }
        guard !panels.isEmpty else { return nil }
        let more = recordings.count > maxRecordings ? " (first \(maxRecordings) of \(recordings.count) recordings)" : ""
        return Figure(id: "seizure-balance", title: "Cumulative balance S(t) around seizures", panels: panels,
                      caption: """
            Signed cumulative balance S(t) = Σ_{t′≤t} (E(t′) − I(t′)) of the per-neuron-normalised 1 s ensemble \
            series over the whole recording (METHODS §6, SE Fig. 4)\(more); dashed: the linear trend fitted before \
            the seizure and extrapolated; shaded: the seizure; grey dashed vertical line: the recovery time, the first \
            time after the seizure ends that S(t) is back within 2 pre-ictal sd of the trend. If E and I stayed \
            balanced, S(t) would keep to the pre-ictal trend throughout; a seizure bends it away from the trend \
            (the balance breaks), and recovery brings it back.\
            \(notes.isEmpty ? "" : " " + notes.joined(separator: "; ") + ".")
            """)
    }
}
