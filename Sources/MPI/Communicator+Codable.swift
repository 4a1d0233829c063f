import Foundation

extension Communicator {
    /// Gathers every rank's `items` at `root`, concatenated in rank order; an empty array on the other ranks.
    /// Items cross as JSON, non-finite doubles as the strings `nan`, `inf`, `-inf`. In a world of one rank the
    /// items are returned as they are (no encoding).
    public func gather<T: Codable>(codable items: [T], root: Int = 0) throws -> [T] {
        guard size > 1 else { return items }
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        let gathered = try gatherv([UInt8](try encoder.encode(items)), root: root)
        var all: [T] = []
        var offset = 0
        for count in gathered.counts {
            all += try decoder.decode([T].self, from: Data(gathered.values[offset ..< offset + count]))
            offset += count
        }
        return all
    }

    /// How many ranks pass `true` (every rank receives the count).
    public func count(_ flag: Bool) throws -> Int { try allreduce(flag ? 1 : 0, .sum) }
}
