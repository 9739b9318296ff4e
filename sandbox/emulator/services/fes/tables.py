"""FES's tables: the path, seed 000's error descriptions, the request's parameters and their
allowed characters, and the answer spellings the evidence leaves open."""

from __future__ import annotations

import re

FES_PREFIX = "/generateFES/rest-services/public/generateFes"

# seed 000, "Descripción errores" tables: the Descripción column verbatim, plus the example
# answer's undocumented code 22.
FES_ERRORS: dict[int, str] = {
    0: "EXITO",
    22: "Correo no puede venir vacío.",
    101: "USUARIO_NO_HABILITADO, El usuario enviado está inhabilitado.",
    102: "CARACTERES_INVALIDOS, Se envió un parametro con un carácter invalido.",
    103: "DATOS_NO_VALIDO, El usuario enviado no tiene los privilegios correctos.",
    104: "SIN_CUOTA_DISPONIBLE, La empresa excedió el máximo de cuota asignada.",
    105: "USUARIO_O_CLAVE_INVALIDO, El usuario enviado o la clave no son correctas.",
    106: "RUT_INVALIDO, El rut enviado no es un rut valido.",
    107: "ERROR_GENERARA_CERTIFICADO, error interno CDS.",
    108: "ERROR_EMPRESA_NO_HABILITADA, La empresa no se encuentra habilitada.",
    109: "REQUEST_INCOMPLETO, Faltan datos obligatorios en el request.",
    110: "DATO_VIENEN_VACIO, Uno de los datos enviados viene vacío.",
    111: "REGION_NO_ENCONTRADA, La región enviada no corresponde.",
    112: "COMUNA_NO_ENCONTRADA, La comuna enviada no corresponde.",
    201: "IP_NO_PERMITIDA, error de comunicación entre red local. Error Interno CDS.",
    202: "REQUEST_INCOMPLETO, Faltan datos obligatorios en el request en enrolador. Error Interno CDS.",
    203: "USUARIO_CLAVE_NO_VALIDO, Usuario o clave de enrolador no valido. Error Interno CDS.",
    204: "RUT_NO_VALIDO, Error Interno CDS.",
    205: "CORREO_NO_VALIDO, Error Interno CDS.",
    206: "EMPRESA_NO_VALIDA, Error Interno CDS.",
    207: "DURACION_FUERA_DE_RANGO, 1,2 o 3 años, Error Interno CDS.",
    208: "CLAVE_NO_SEGURA, Error Interno CDS.",
    209: "ERROR_VALIDAR_VIGENVIA_CHECKIDENTITYCARD, Carné no vigente.",
    210: "ERROR_OBTENER_DATOS_PERSONALINFORMATION, Problemas con datos personales. Error Interno CDS.",
    211: "ERROR_GENERARA_VALIDACION_SOLICITUD, No se pudo crear una solicitud de creación de "
    "certificado. Error Interno CDS.",
    212: "ERROR_GENERARA_CERTIFICADO,  No se pudo generar el certificado en el enrolador, Error Interno CDS",
}
FES_OK_COMMENT = "Certificado obtenido exitosamente"

FES_PARAMS = (
    "rut",
    "correo",
    "numeroDocumento",
    "claveCertificado",
    "duracion",
    "nombreEmpresa",
    "comuna",
    "direccion",
    "giroEmpresa",
)
# Letters of any alphabet ([^\W\d_]), ASCII digits, spaces and the punctuation of names and
# addresses; the certificate password may also carry common symbols, but no spaces. The seed only
# says "carácter invalido": this is the rule the library checks too (Sources/SelloCore/FES).
FES_ALLOWED_CHARS = re.compile(r"(?:[^\W\d_]|[0-9 .,\-@_#°º/()&'])*")
FES_ALLOWED_PASSWORD_CHARS = re.compile(r"(?:[^\W\d_]|[0-9.,\-@_#°º/()&'!$%*+=?¿¡:;])*")

# The answer spellings CHILE_2026.md shows where the seed does not settle them, chosen by tests
# through POST /_sandbox/fes/style (first value: the default).
FES_STYLES = {
    # Certificadora del Sur writes its message as comentario (seed), comentarios or mensaje (§2.2).
    "message_key": ("comentario", "comentarios", "mensaje"),
    # errorCode: a number (seed, recordings) or a numeric string.
    "error_code": ("int", "string"),
}
FES_STYLE_DEFAULTS = {name: values[0] for name, values in FES_STYLES.items()}
