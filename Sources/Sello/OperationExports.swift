// Generated from include/sello.h by scripts/generate.py (make generate): do not edit by hand.
// Every operation of the header, exported: the C symbol (the compiler checks its signature against
// include/sello.h) runs the operation its service's client type declares, named by scripts/generate.py's
// swift_method (cfdi_get_by_uuid -> CFDIClient.getByUUID). The lifecycle functions are in *Exports.swift.
import CSelloAPI
import SelloCore

@c(fes_obtain_certificate) @implementation public func fes_obtain_certificate(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FESClient.obtainCertificate, request)
}

@c(fv_login) @implementation public func fv_login(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.login, request)
}

@c(fv_get_user) @implementation public func fv_get_user(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.getUser, request)
}

@c(fv_create_user) @implementation public func fv_create_user(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.createUser, request)
}

@c(fv_update_user) @implementation public func fv_update_user(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.updateUser, request)
}

@c(fv_reset_password) @implementation public func fv_reset_password(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.resetPassword, request)
}

@c(fv_new_password) @implementation public func fv_new_password(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.newPassword, request)
}

@c(fv_get_contract) @implementation public func fv_get_contract(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.getContract, request)
}

@c(fv_create_contract) @implementation public func fv_create_contract(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.createContract, request)
}

@c(fv_list_contract_types) @implementation public func fv_list_contract_types(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.listContractTypes, request)
}

@c(fv_list_owner_contracts) @implementation public func fv_list_owner_contracts(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.listOwnerContracts, request)
}

@c(fv_get_contract_detail) @implementation public func fv_get_contract_detail(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.getContractDetail, request)
}

@c(fv_delete_contract) @implementation public func fv_delete_contract(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.deleteContract, request)
}

@c(fv_upload_document) @implementation public func fv_upload_document(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.uploadDocument, request)
}

@c(fv_list_files) @implementation public func fv_list_files(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.listFiles, request)
}

@c(fv_sort_files) @implementation public func fv_sort_files(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.sortFiles, request)
}

@c(fv_merge_files) @implementation public func fv_merge_files(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.mergeFiles, request)
}

@c(fv_send_contract) @implementation public func fv_send_contract(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.sendContract, request)
}

@c(fv_create_signer) @implementation public func fv_create_signer(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.createSigner, request)
}

@c(fv_update_signer) @implementation public func fv_update_signer(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.updateSigner, request)
}

@c(fv_delete_signer) @implementation public func fv_delete_signer(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.deleteSigner, request)
}

@c(fv_create_contract_express) @implementation public func fv_create_contract_express(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.createContractExpress, request)
}

@c(fv_confirm_callback) @implementation public func fv_confirm_callback(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, FVClient.confirmCallback, request)
}

@c(cfdi_process_file) @implementation public func cfdi_process_file(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.processFile, request)
}

@c(cfdi_process_file_with_csd) @implementation public func cfdi_process_file_with_csd(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.processFileWithCSD, request)
}

@c(cfdi_cancel) @implementation public func cfdi_cancel(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.cancel, request)
}

@c(cfdi_get_cancellation_receipt) @implementation public func cfdi_get_cancellation_receipt(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.getCancellationReceipt, request)
}

@c(cfdi_get_by_uuid) @implementation public func cfdi_get_by_uuid(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.getByUUID, request)
}

@c(cfdi_process_files) @implementation public func cfdi_process_files(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.processFiles, request)
}

@c(cfdi_stamp_xml) @implementation public func cfdi_stamp_xml(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.stampXML, request)
}

@c(cfdi_stamp_xml_with_csd) @implementation public func cfdi_stamp_xml_with_csd(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.stampXMLWithCSD, request)
}

@c(cfdi_cancel_with_reason) @implementation public func cfdi_cancel_with_reason(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.cancelWithReason, request)
}

@c(cfdi_get_status) @implementation public func cfdi_get_status(
    _ client: OpaquePointer?, _ request: UnsafePointer<CChar>?
) -> UnsafeMutablePointer<CChar>? {
    Bridge.run(client, CFDIClient.getStatus, request)
}
