import Analysis
import ArgumentParser
import Foundation
import Simulation

// Option values parsed by swift-argument-parser (`ExpressibleByArgument`): a wrong name is refused before `run()`
// with the option and every accepted name ("Please provide one of …").

extension SurrogateKind: ExpressibleByArgument {}
extension MeasureFamily: ExpressibleByArgument {}

extension Regime: ExpressibleByArgument {
    /// `Regime.parse`'s spellings: any case, blanks ignored (`NREM_Deep`, ` wake`).
    public init?(argument: String) {
        guard let r = try? Regime.parse(argument) else { return nil }
        self = r
    }
}

/// Element types whose lists also accept `all` (every case, in declaration order).
protocol AcceptsAllInList {}
extension MeasureFamily: AcceptsAllInList {}

/// A comma-separated option value of names (`isi_permutation,circular_shift`): blanks around a name and empty items
/// are ignored; `all` means every case for `AcceptsAllInList` elements; one unknown name refuses the whole value.
struct CommaList<Element>: ExpressibleByArgument
where Element: ExpressibleByArgument & CaseIterable & RawRepresentable, Element.RawValue == String {
    var values: [Element]

    init(_ values: [Element]) { self.values = values }

    init?(argument: String) {
        let items = argument.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if Element.self is AcceptsAllInList.Type, items == ["all"] { values = Array(Element.allCases); return }
        var out: [Element] = []
        for item in items {
            guard let v = Element(argument: item) else { return nil }
            out.append(v)
        }
        values = out
    }

    var defaultValueDescription: String { values.map(\.rawValue).joined(separator: ",") }

    static var allValueStrings: [String] {
        Element.allCases.map(\.rawValue) + (Element.self is AcceptsAllInList.Type ? ["all"] : [])
    }
}
