"""CFDI's tables: paths, formats, seed 002's codes, the options of each method family, the
constants of a timbre, and the answer shapes."""

from __future__ import annotations

import base64
import datetime as dt
import re
from decimal import Decimal

CFDI_PREFIX = "/servicio/rest"
MX_TZ = dt.timezone(dt.timedelta(hours=-6), "CST")  # CDMX, no DST since 2022
UUID_RE = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
RFC_RE = re.compile(r"[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}")

# seed 002, "Códigos de respuesta" and "Códigos para los nuevos estatus de cancelación".
CFDI_MESSAGES: dict[int, str] = {
    0: "Timbrado exitoso.",
    1: "El usuario del webservice no existe o proporcionó una contraseña incorrecta.",
    2: "Contrato inválido. El contrato está expirado, o no cuenta con servicio de timbrado.",
    3: "Parámetro inválido. Uno de los parámetros de la operación del webservice es incorrecto o hace falta.",
    5: "Off-line por mantenimiento.",
    7: "El servicio de CancelaciónSAT no está disponible, intente más tarde.",
    20: "El usuario no cuenta con un certificado default.",
    21: "CFDI sin cancelar. Aplica a la consulta de acuse de cancelación.",
    90: "N – 602: Comprobante no encontrado.",
    91: "S – Comprobante obtenido satisfactoriamente.",
    92: "N – 601: La expresión impresa proporcionada no es válida.",
    93: "Indeterminado.",
    94: "No Cancelable.",
    95: "Cancelado con aceptación.",
    96: "En proceso.",
    97: "Solicitud rechazada.",
    98: "Plazo vencido.",
    99: "Límite máximo alcanzado.",
    # The live text (PRODIGIA_2026.md §4.4, T1): the seed's was "Comprobante cancelado exitosamente.
    # (sin autorización)." — a request received, whether or not the receiver must still accept it.
    201: "Solicitud de cancelación recibida",
    202: "El comprobante ya ha sido previamente cancelado.",
    203: "El RFC del emisor no corresponde.",
    205: "El UUID no existe.",
    301: "XML mal formado.",
    302: "Sello mal formado o inválido.",
    303: "Sello no corresponde al emisor.",
    304: "Certificado revocado o caduco.",
    305: "La fecha de emisión no está dentro de la vigencia del CSD del emisor.",
    306: "El certificado no es de tipo CSD.",
    307: "El CFDI contiene un timbre previo.",
    308: "Certificado no expedido por el SAT.",
    401: "Fecha y hora de generación fuera de rango.",
    402: "El RFC del emisor no se encuentra en el régimen de contribuyentes.",
    403: "La fecha de emisión no es posterior al 1 de enero de 2012.",
    602: "CFDI no existe.",
}

CFDI_PLUGIN_33 = "PLUGIN_PROCESO:GENERICO_CFDI33:1.0"
CFDI_PLUGIN_40 = "PLUGIN_PROCESO:GENERICO_CFDI40:1.0"
# seed 002 "Tabla de opciones", plus the 4.0 names of PRODIGIA_2026.md §3.2.
CFDI_STAMP_OPTIONS = {
    CFDI_PLUGIN_33,
    CFDI_PLUGIN_40,
    "CALCULAR_SELLO",
    "RESPUESTA_XML_CFDI",
    "CONSULTAR_SALDO",
    "REGRESAR_CON_ERROR_307_XML",
    "REGRESAR_CADENA_ORIGINAL",
    "GENERAR_PDF",
    "GENERAR_CBB",
    "ESTABLECER_NO_CERTIFICADO",
    "ESTABLECER_CERTIFICADO",
    "CORREGIR_NAMESPACES",
    "REGRESAR_RFCPROVCERTIF",
    "VERIFICAR_SERIE_FOLIO",
    "CERT_DEFAULT",
    "MODO_PRUEBA",
}
CFDI_STAMP_PREFIXES = ("ENVIAR_AMBOS:", "ADDENDA:LIBRE:", "OBSERVACIONES:", "MODO_PRUEBA:")
CFDI_CANCEL_OPTIONS = {
    CFDI_PLUGIN_33,
    CFDI_PLUGIN_40,
    "PKCS12",
    "XML_CANCELACION",
    "CERT_DEFAULT",
    "CONSULTAR_SALDO",
    "MODO_PRUEBA",
}
# PKCS12:<b64> and XML_CANCELACION:<b64>: the valued forms PRODIGIA_2026.md §4.2 gives (MRV's
# format); the seed lists the bare names, accepted too.
CFDI_CANCEL_PREFIXES = ("MODO_PRUEBA:", "PKCS12:", "XML_CANCELACION:")
CFDI_NO_CERTIFICADO_SAT = "00001000000505211329"
CFDI_RFC_PAC = "PPD101129EA3"  # Prodigia's RFC as it appears in its timbres
CFDI_DEFAULT_NO_CERTIFICADO = "30001000000500003456"  # the account's default CSD when the sandbox holds no key
CFDI_DEFAULTS = {
    "rfc_emisor": "EKU9003173C9",
    "nombre_emisor": "ESCUELA KEMPER URGATE",
    "regimen": "601",
    "rfc_receptor": "XAXX010101000",
    "nombre_receptor": "PUBLICO EN GENERAL",
    "uso": "G03",
}
CFDI_TEST_MESSAGE = "*** generado en modo de pruebas ***"  # PRODIGIA_2026.md §3.4 [T1]

# SAT: cancellation needs the receiver's acceptance above $1,000, except for the generic RFCs.
CFDI_ACCEPTANCE_ABOVE = Decimal("1000.00")
CFDI_GENERIC_RFCS = {"XAXX010101000", "XEXX010101000"}
CFDI_MOTIVOS = {"01", "02", "03", "04"}
TINY_PNG = base64.b64decode(  # a 1×1 PNG: the sandbox's CBB (QR) image
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
)

# The answer shapes: (root element, name of the "ok" flag).
CFDI_SHAPES = {
    "timbrado": ("servicioTimbrado", "timbradoOk"),
    "cancel": ("servicioCancel", "statusOk"),
    "consulta": ("servicioConsulta", "consultaOk"),
    "estatus": ("servicioConsultaComprobante", "consultaOk"),
}

# status of a stamped CFDI -> (estado, estatusCancelacion, estatusCfdi); cancelled ones by their code.
CFDI_ESTATUS = {
    "vigente": ("Vigente", "", 2),
    "rechazado": ("Vigente", "Solicitud rechazada", 2),
    "pendiente": ("Vigente", "En proceso", 7),
}
CFDI_CANCELLED_ESTATUS = {
    201: ("Cancelado sin aceptación", 9),
    95: ("Cancelado con aceptación", 8),
    98: ("Plazo vencido", 10),
}
