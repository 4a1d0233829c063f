extension ConnectionCheck {
    /// How many directed pairs were tested per unit (indexed like the recording's units) when the unordered pairs
    /// `pairs` (all of them when nil) of `members` — indices of the units with spikes, as passed to `run` — are
    /// tested: a pair (i, j) is tested in both directions, so it counts once for each of its two units
    /// (METHODS §1 functional check; `ClassificationResult.applyConnections` needs it to judge contradictions).
    public static func testedPairsPerUnit(members: [Int], unitCount: Int, pairs: Range<Int>? = nil) -> [Int] {
        let n = members.count
        var tested = [Int](repeating: 0, count: unitCount)
        for p in pairs ?? 0 ..< pairCount(units: n) {
            let (i, j) = pair(p, units: n)
            tested[members[i]] += 1; tested[members[j]] += 1
        }
        return tested
    }
}
