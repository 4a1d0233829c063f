extension TidyCSV.Table {
    /// Field `name` of row `r` as a value of `E` by its raw value; `TidyCSVError.badValue` (file, line, field)
    /// when the text is not one of them.
    func value<E: RawRepresentable>(_ r: (line: Int, fields: [String: String]), _ name: String,
                                    as _: E.Type) throws -> E where E.RawValue == String {
        let text = string(r, name)
        guard let v = E(rawValue: text) else {
            throw TidyCSVError.badValue(file: file, line: r.line, field: name, text: text)
        }
        return v
    }
}
