import CSelloAPI
import SelloCore
#if canImport(Glibc)
import Glibc
#endif

@c(sello_version) @implementation public func sello_version() -> UnsafePointer<CChar>? {
    let version: StaticString = "0.1.0"
    return UnsafeRawPointer(version.utf8Start).assumingMemoryBound(to: CChar.self)
}

@c(sello_abi_version) @implementation public func sello_abi_version() -> Int32 { Sello.abiVersion }

@c(sello_free) @implementation public func sello_free(_ json: UnsafeMutablePointer<CChar>?) { free(json) }

@c(sello_check_rut) @implementation public func sello_check_rut(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Bridge.string(LocalHelpers.checkRUT.run(request))
}

@c(sello_find_comuna) @implementation public func sello_find_comuna(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Bridge.string(LocalHelpers.findComuna.run(request))
}

@c(sello_check_rfc) @implementation public func sello_check_rfc(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
    Bridge.string(LocalHelpers.checkRFC.run(request))
}
