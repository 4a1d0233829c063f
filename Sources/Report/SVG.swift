import Foundation

/// A tiny SVG/HTML element tree that renders to deterministic text (attributes in the given order,
/// numbers with at most two decimals, text escaped).
public struct Element: Sendable, Equatable {
    public var name: String
    public var attributes: [(String, String)]
    public var children: [Element]
    /// Escaped text content (rendered before children).
    public var text: String?
    /// Raw, already-valid markup (e.g. a nested SVG) rendered verbatim after `text`.
    public var raw: String?

    public init(_ name: String, _ attributes: [(String, String)] = [], text: String? = nil, raw: String? = nil,
                children: [Element] = []) {
        self.name = name; self.attributes = attributes; self.children = children; self.text = text; self.raw = raw
    }

    public static func == (a: Element, b: Element) -> Bool { a.render() == b.render() }

    public func render() -> String {
        var s = "<" + name
        for (k, v) in attributes { s += " \(k)=\"\(Markup.escape(v))\"" }
        if text == nil && raw == nil && children.isEmpty && Markup.selfClosing(name) { return s + "/>" }
        s += ">"
        if let text { s += Markup.escape(text) }
        if let raw { s += raw }
        for c in children { s += c.render() }
        return s + "</\(name)>"
    }
}

/// Escaping and number formatting shared by the SVG and HTML writers.
public enum Markup {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static func selfClosing(_ name: String) -> Bool {
        ["circle", "line", "rect", "polyline", "path", "polygon", "stop", "meta"].contains(name)
    }

    /// A coordinate with at most two decimals, no trailing zeros (`12.5`, `3`, `-0.25`).
    public static func num(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var t = String(format: "%.2f", r)
        while t.hasSuffix("0") { t.removeLast() }
        return t
    }

    /// A tick or data label with up to `digits` significant digits, trimmed: `0.001`, `1339`, `2.5`,
    /// and `1e5`, `2.5e-4` outside [0.001, 100000).
    public static func label(_ v: Double, digits: Int = 3) -> String {
        guard v.isFinite else { return "\(v)" }
        if v == 0 { return "0" }
        let a = abs(v)
        func trim(_ t: String) -> String {
            guard t.contains(".") else { return t }
            var u = t
            while u.hasSuffix("0") { u.removeLast() }
            if u.hasSuffix(".") { u.removeLast() }
            return u
        }
        if a >= 1e5 || a < 1e-3 {
            let t = String(format: "%.\(max(digits - 1, 0))e", v)
            let parts = t.split(separator: "e")
            guard parts.count == 2, let e = Int(parts[1]) else { return t }
            return trim(String(parts[0])) + "e\(e)"
        }
        let decimals = max(0, digits - 1 - Int(Foundation.floor(log10(a))))
        return trim(String(format: "%.\(decimals)f", v))
    }
}

/// Colour-blind-safe colours: the Okabe–Ito palette for categories and a viridis ramp for magnitudes.
public enum Palette {
    /// Okabe & Ito (2008) without black: orange, sky blue, bluish green, blue, vermillion, reddish purple,
    /// then yellow and grey (yellow moved back: it has little contrast on white).
    public static let okabeIto = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
                                  "#999999"]
    public static let black = "#000000"

    /// The `i`-th categorical colour (cycling).
    public static func category(_ i: Int) -> String { okabeIto[((i % okabeIto.count) + okabeIto.count) % okabeIto.count] }

    /// Viridis sampled at 9 stops (perceptually uniform, colour-blind safe), interpolated linearly.
    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141), (39, 173, 129),
        (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]

    /// Viridis colour of `t` in [0, 1] as `#rrggbb`.
    public static func sequential(_ t: Double) -> String {
        let u = min(max(t.isFinite ? t : 0, 0), 1) * Double(viridis.count - 1)
        let i = min(Int(u), viridis.count - 2), f = u - Double(i)
        let a = viridis[i], b = viridis[i + 1]
        func c(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return String(format: "#%02X%02X%02X", c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    }
}
