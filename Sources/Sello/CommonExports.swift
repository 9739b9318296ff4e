import CSelloAPI
import SelloCore

#if canImport(Glibc)
import Glibc
#endif

/// sello_version()'s static storage: Sello.version (made from the header's macros) copied once,
/// on first use, and never freed.
nonisolated(unsafe) private let versionText: UnsafePointer<CChar>? = UnsafePointer(strdup(Sello.version))

@c(sello_version) @implementation public func sello_version() -> UnsafePointer<CChar>? { versionText }

@c(sello_abi_version) @implementation public func sello_abi_version() -> Int32 { Sello.abiVersion }

@c(sello_free) @implementation public func sello_free(_ json: UnsafeMutablePointer<CChar>?) { free(json) }

@c(sello_check_rut) @implementation public func sello_check_rut(_ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{
    Bridge.string(LocalHelpers.checkRUT.run(request))
}

@c(sello_find_comuna) @implementation public func sello_find_comuna(_ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{
    Bridge.string(LocalHelpers.findComuna.run(request))
}

@c(sello_check_rfc) @implementation public func sello_check_rfc(_ request: UnsafePointer<CChar>?)
    -> UnsafeMutablePointer<CChar>?
{
    Bridge.string(LocalHelpers.checkRFC.run(request))
}
