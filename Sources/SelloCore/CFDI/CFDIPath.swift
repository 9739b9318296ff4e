/// The paths Prodigia's operations add to the base URL (seed 002, PRODIGIA_2026.md), in one place:
/// the request builders take them from here, and `*_client_new` refuses a base_url that already
/// ends with one (`ServiceEnvironments.refuseOperationPath`), the whole endpoint copied from a seed.
enum CFDIPath {
    static let procesarArchivo = "/integracion/procesarArchivo"
    static let procesarArchivoConCSD = "/integracion/procesarArchivoConCSD"
    static let cancelarConOpciones = "/integracion/cancelarCfdiConOpciones"
    static let acuseCancelacion = "/integracion/acuseCancelacion"
    static let consultaCfdiPorUUID = "/integracion/consultaCfdiPorUUID"
    static let timbrarCfdi = "/timbrado40/timbrarCfdi"
    static let timbrado40 = "/timbrado40"
    static let timbrado40Prueba = "/timbrado40Prueba"
    static let cancelar = "/cancelacion/cancelar"
    static let consultarEstatus = "/cancelacion/consultarEstatusComprobante"

    static let all = [
        procesarArchivo, procesarArchivoConCSD, cancelarConOpciones, acuseCancelacion, consultaCfdiPorUUID,
        timbrarCfdi, timbrado40, timbrado40Prueba, cancelar, consultarEstatus,
    ]
}
