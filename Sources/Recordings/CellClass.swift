/// The ensemble a unit belongs to (METHODS §0–1).
public enum CellClass: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Excitatory: regular-spiking (RS) / pyramidal.
    case excitatory = "E"
    /// Inhibitory: fast-spiking (FS) / interneuron.
    case inhibitory = "I"
    /// Not assigned to either ensemble; excluded from ensemble series.
    case unclassified = "U"

    public var description: String { rawValue }

    /// Maps a free-text label to a class, case-insensitively:
    /// E/excitatory/RS/pyramidal(-like) → E; I/inhibitory/FS/interneuron/narrow → I; anything else → nil.
    public static func parse(label: String) -> CellClass? {
        let s = label.trimmingCharacters(in: .whitespaces).lowercased()
        if s.isEmpty { return nil }
        let excitatory: Set<String> = ["e", "exc", "excitatory", "rs", "regular spiking", "regular-spiking",
                                       "pyramidal", "pyr", "pyramidal cell", "principal", "putative excitatory",
                                       "pyramidal_cell", "p"]
        let inhibitory: Set<String> = ["i", "inh", "inhibitory", "fs", "fast spiking", "fast-spiking",
                                       "interneuron", "int", "narrow interneuron", "narrow", "putative inhibitory",
                                       "pv", "narrow_interneuron"]
        if excitatory.contains(s) { return .excitatory }
        if inhibitory.contains(s) { return .inhibitory }
        return nil
    }
}

/// Where a unit's class came from.
public enum LabelSource: Codable, Sendable, Equatable, CustomStringConvertible {
    /// A column of the input file (its name).
    case inputColumn(String)
    /// The waveform classifier (METHODS §1).
    case classifier
    /// Not labelled.
    case none

    public var description: String {
        switch self {
        case .inputColumn(let c): return "column:\(c)"
        case .classifier: return "classifier"
        case .none: return "none"
        }
    }
}

import Foundation
