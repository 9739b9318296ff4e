/// The stamp requests of one batch so far, by their digest (`HTTPRequest.wireDigest`): an item
/// whose request is an earlier item's, byte for byte, is refused before it is sent.
///
/// Prodigia makes the seal of a CSV (and of an XML with `CALCULAR_SELLO` or an empty Sello and
/// the CSD): the same request sent twice is two CFDIs and two transactions of the contract for
/// one invoice, without a word (issue 18). A sealed XML would be answered with its earlier stamp
/// (307, `ALREADY_STAMPED`), counted twice in `succeeded` for one CFDI, a request spent: refused
/// as well, one rule for every stamp. Reads (`get_status`, `get_by_uuid`, idempotent) may repeat.
///
/// Only digests are kept (32 bytes an item), never the requests: a batch holds at most
/// `concurrency` bodies at once. One batch only: two calls at once on one client do not see each
/// other's items (reference.md, `cfdi_process_files`).
struct CFDIBatchRepeats {
    private var first: [[UInt8]: Int] = [:]

    /// Throws DUPLICATE_ITEM when `request`, the request of `items[index]`, is an earlier item's;
    /// otherwise remembers it. A request that may be repeated is not looked at, and one that
    /// cannot be hashed (OpenSSL failing) is let through: the service decides, as before.
    mutating func check(_ request: HTTPRequest, index: Int) throws(SelloError) {
        guard !request.isIdempotent, let digest = request.wireDigest else { return }
        if let earlier = first[digest] {
            throw CFDIBatchRepeats.duplicate(index, of: earlier)
        }
        first[digest] = index
    }

    static func duplicate(_ index: Int, of earlier: Int) -> SelloError {
        SelloError(
            .validation, .duplicateItem,
            "items[\(index)] is items[\(earlier)] again, byte for byte (the same document, prueba, opciones, "
                + "contrato and CSD): sent, it would be stamped twice (for a CSV, a second CFDI and a second "
                + "transaction of the contract for one sale), so it was not sent",
            details: ["earlier_item": .int(Int64(earlier))])
    }
}
