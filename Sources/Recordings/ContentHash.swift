import Foundation

/// SHA-256 content hashes (FIPS 180-4), used for provenance: which exact input a result came from.
///
/// Our own implementation (no extra package); tested against Python's `hashlib`.
public enum ContentHash {
    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> String {
        var h = SHA256State()
        bytes.withUnsafeBufferPointer { h.update($0) }
        return h.finalizeHex()
    }

    /// Lower-case hex SHA-256 of a file's contents, streamed in 1 MiB blocks; for a folder (a plain-text
    /// recording) the hash of its regular files in sorted name order, each contributing
    /// `name NUL size(8 bytes, big-endian) contents`.
    /// - Throws: `RecordingError.unreadable` when the file or folder cannot be read.
    public static func sha256(file path: String) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw RecordingError.unreadable(file: path, reason: "no such file or folder")
        }
        var h = SHA256State()
        if isDir.boolValue {
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path).sorted() } catch {
                throw RecordingError.unreadable(file: path, reason: error.localizedDescription)
            }
            for name in names {
                let full = (path as NSString).appendingPathComponent(name)
                var sub: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue,
                      !name.hasPrefix(".") else { continue }
                var st = stat()
                guard stat(full, &st) == 0 else { throw RecordingError.unreadable(file: full, reason: "stat failed") }
                let size = UInt64(st.st_size)
                var header = Array(name.utf8) + [0]
                for k in (0..<8).reversed() { header.append(UInt8(truncatingIfNeeded: size >> (8 * UInt64(k)))) }
                header.withUnsafeBufferPointer { h.update($0) }
                try stream(full, into: &h)
            }
        } else {
            try stream(path, into: &h)
        }
        return h.finalizeHex()
    }

    private static func stream(_ path: String, into h: inout SHA256State) throws {
        guard let fh = FileHandle(forReadingAtPath: path) else {
            throw RecordingError.unreadable(file: path, reason: "cannot open for reading")
        }
        defer { try? fh.close() }
        while true {
            let chunk: Data
            do { chunk = try fh.read(upToCount: 1 << 20) ?? Data() } catch {
                throw RecordingError.unreadable(file: path, reason: error.localizedDescription)
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { raw in h.update(raw.bindMemory(to: UInt8.self)) }
        }
    }
}

/// Incremental SHA-256 state.
struct SHA256State {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var buffer = [UInt8](repeating: 0, count: 64)
    private var buffered = 0
    private var length: UInt64 = 0

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    private mutating func compress(_ p: UnsafePointer<UInt8>) {
        let k = Self.k
        var state = h
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                w[i] = UInt32(p[4 * i]) << 24 | UInt32(p[4 * i + 1]) << 16 | UInt32(p[4 * i + 2]) << 8 | UInt32(p[4 * i + 3])
            }
            for i in 16..<64 {
                let s0 = Self.rotr(w[i - 15], 7) ^ Self.rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = Self.rotr(w[i - 2], 17) ^ Self.rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = state
            k.withUnsafeBufferPointer { kk in
                for i in 0..<64 {
                    let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ kk[i] &+ w[i]
                    let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                     state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ hh)
        }
        h = state
    }

    mutating func update(_ data: UnsafeBufferPointer<UInt8>) {
        guard var p = data.baseAddress else { return }
        var n = data.count
        length &+= UInt64(n)
        if buffered > 0 {
            let take = min(64 - buffered, n)
            for i in 0..<take { buffer[buffered + i] = p[i] }
            buffered += take; p += take; n -= take
            if buffered < 64 { return }
            buffer.withUnsafeBufferPointer { compress($0.baseAddress!) }
            buffered = 0
        }
        while n >= 64 { compress(p); p += 64; n -= 64 }
        for i in 0..<n { buffer[i] = p[i] }
        buffered = n
    }

    mutating func finalizeHex() -> String {
        let bitLength = length &* 8
        var pad: [UInt8] = [0x80]
        let rem = (buffered + 1) % 64
        pad += [UInt8](repeating: 0, count: rem <= 56 ? 56 - rem : 120 - rem)
        for k in (0..<8).reversed() { pad.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(k)))) }
        let saved = length
        pad.withUnsafeBufferPointer { update($0) }
        length = saved
        let words = [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7]
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for wv in words { for s in stride(from: 28, through: 0, by: -4) { out.append(hex[Int((wv >> UInt32(s)) & 0xf)]) } }
        return String(decoding: out, as: UTF8.self)
    }
}
