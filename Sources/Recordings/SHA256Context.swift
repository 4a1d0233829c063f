import CCrypto

/// An incremental SHA-256 (FIPS 180-4) computation: a thin owner of one OpenSSL `EVP_MD_CTX`.
///
/// Not `Sendable`: one context belongs to one computation on one thread.
final class SHA256Context {
    private let ctx: OpaquePointer

    init() {
        guard let c = EVP_MD_CTX_new(), EVP_DigestInit_ex(c, EVP_sha256(), nil) == 1 else {
            fatalError("OpenSSL could not set up a SHA-256 digest (out of memory?)")
        }
        ctx = c
    }

    deinit { EVP_MD_CTX_free(ctx) }

    /// Adds `data` to the message.
    func update(_ data: UnsafeBufferPointer<UInt8>) {
        guard let base = data.baseAddress, !data.isEmpty else { return }
        guard EVP_DigestUpdate(ctx, base, data.count) == 1 else { fatalError("OpenSSL SHA-256 update failed") }
    }

    /// The lower-case hex digest of the message so far; the context is finished afterwards.
    func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(ctx, &digest, &length) == 1, length == 32 else {
            fatalError("OpenSSL SHA-256 final failed")
        }
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest.prefix(32) { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
