extension SignalSeries {
    /// Reads samples `rows` (sample indices) of every channel, row-major `[sample][channel]`, in volts:
    /// `raw * conversion * channelConversion[c] + offset`.
    ///
    /// `.nwb` storage reads only those rows through an HDF5 hyperslab (only the chunks they touch are
    /// decompressed), so a long multichannel LFP is never loaded whole; read it block by block.
    /// - Throws: `RecordingError.invalidValue` for rows outside `0..<sampleCount`, `RecordingError.corrupt`
    ///   when the file cannot be read.
    public func read(rows: Range<Int>) throws -> [Double] {
        guard rows.lowerBound >= 0, rows.upperBound <= sampleCount else {
            throw RecordingError.invalidValue(file: sourceName, location: "series '\(name)'", field: "rows",
                                              reason: "\(rows) is outside 0..<\(sampleCount)")
        }
        var out: [Double]
        switch storage {
        case .memory(let raw):
            let lo = rows.lowerBound * channelCount, hi = rows.upperBound * channelCount
            guard hi <= raw.count else {
                throw RecordingError.invalidValue(file: sourceName, location: "series '\(name)'", field: "data",
                                                  reason: "\(raw.count) values for \(sampleCount)×\(channelCount)")
            }
            out = raw[lo..<hi].map { Double($0) }
        case .nwb(let file, let dataset):
            do {
                let h5 = try HDF5File(readingAt: file)
                out = try h5.readRows(dataset, rows: rows)
            } catch let e as HDF5Failure {
                throw RecordingError.corrupt(file: file, reason: e.description)
            }
        }
        scaleToVolts(&out)
        return out
    }

    /// Reads one channel `c` over `rows`, in volts.
    public func readChannel(_ c: Int, rows: Range<Int>) throws -> [Double] {
        guard c >= 0, c < channelCount else {
            throw RecordingError.invalidValue(file: sourceName, location: "series '\(name)'", field: "channel",
                                              reason: "channel \(c) is outside 0..<\(channelCount)")
        }
        // Read in blocks so a single channel of a long series needs only bounded memory.
        let block = max(1, (1 << 20) / max(1, channelCount))
        var out: [Double] = []
        out.reserveCapacity(rows.count)
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = min(rows.upperBound, start + block)
            let chunk = try read(rows: start..<end)
            var i = c
            while i < chunk.count { out.append(chunk[i]); i += channelCount }
            start = end
        }
        return out
    }

    private var sourceName: String {
        if case .nwb(let file, _) = storage { return file }
        return "<memory>"
    }

    private func scaleToVolts(_ values: inout [Double]) {
        let conv = conversion, off = offset, ch = channelCount
        if let cc = channelConversion, cc.count == ch {
            values.withUnsafeMutableBufferPointer { b in
                for i in 0..<b.count { b[i] = b[i] * conv * cc[i % ch] + off }
            }
        } else if conv != 1 || off != 0 {
            values.withUnsafeMutableBufferPointer { b in
                for i in 0..<b.count { b[i] = b[i] * conv + off }
            }
        }
    }
}
