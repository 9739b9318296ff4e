#!/usr/bin/env python3
"""Make SAT-like (Mexico) and FES-like (Chile) test credentials with the openssl CLI.

Usage: make_test_certs.py OUTDIR

Writes into OUTDIR (created if missing) and prints a JSON manifest on stdout:
  SAT: csd, fiel, expired (an expired CSD), other (a second, unrelated CSD key pair)
       each as NAME.cer (DER), NAME.key (encrypted PKCS#8 DER, PBES2/3DES like SAT's),
       NAME.cer.pem and NAME.key.pem (ENCRYPTED PRIVATE KEY); password 12345678a.
       Extra forms of the csd key: csd.plain.key.pem (unencrypted PKCS#8),
       csd.pkcs1.key.pem (traditional RSA), csd.pkcs1-enc.key.pem (traditional, AES-encrypted).
  Chile: PKCS#12 files (password 12345678a) - RUT in subjectAltName otherName
       1.3.6.1.4.1.8321.1 (modern and -legacy encryption), RUT only in subject
       serialNumber, and one with a key but no certificate.
Only the Python standard library and the openssl binary are used.
"""

import base64
import datetime
import json
import os
import subprocess
import sys

PASSWORD = "12345678a"
ONE_DAY = datetime.timedelta(days=1)


def run(*args, stdin=None):
    """Run openssl; fail loudly with its stderr."""
    result = subprocess.run(["openssl", *args], input=stdin, capture_output=True)
    if result.returncode != 0:
        sys.exit("openssl %s failed:\n%s" % (" ".join(args), result.stderr.decode(errors="replace")))
    return result.stdout.decode(errors="replace")


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def asn1_time(moment):
    return moment.strftime("%Y%m%d%H%M%SZ")


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def pem(label, der):
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


def new_key(path):
    run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path)


EXTENSIONS = """
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

# SAT CSD: signing only.
[ csd_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = digitalSignature, nonRepudiation

# SAT FIEL (e.firma): also encipherment / key agreement, and client/e-mail use.
[ fiel_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = digitalSignature, nonRepudiation, dataEncipherment, keyAgreement
extendedKeyUsage = emailProtection, clientAuth

# Chile (SII convention): the RUT in a subjectAltName otherName.
[ chile_san_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = digitalSignature, nonRepudiation
subjectAltName = otherName:1.3.6.1.4.1.8321.1;IA5STRING:76369187-K

[ chile_plain_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = digitalSignature, nonRepudiation
"""


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_test_certs.py OUTDIR")
    out = os.path.abspath(sys.argv[1])
    cadir = os.path.join(out, "ca")
    os.makedirs(os.path.join(cadir, "newcerts"), exist_ok=True)

    def p(name: str) -> str:
        return os.path.join(out, name)

    # A throw-away CA run with `openssl ca`, which (unlike `x509 -req` in 3.0)
    # takes explicit start/end dates, so the expired certificate is possible.
    write(os.path.join(cadir, "index.txt"), "")
    write(
        os.path.join(cadir, "ca.cnf"),
        """
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = %s
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
certificate = $dir/ca.cer.pem
private_key = $dir/ca.key.pem
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
preserve = yes
copy_extensions = none
[ policy_any ]
commonName = optional
name = optional
organizationName = optional
x500UniqueIdentifier = optional
serialNumber = optional
organizationalUnitName = optional
countryName = optional
%s
"""
        % (cadir, EXTENSIONS),
    )
    new_key(os.path.join(cadir, "ca.key.pem"))
    run(
        "req",
        "-new",
        "-x509",
        "-key",
        os.path.join(cadir, "ca.key.pem"),
        "-days",
        "3650",
        "-subj",
        "/CN=A.C. de pruebas sello/O=Sello Test CA/C=MX",
        "-config",
        os.path.join(cadir, "ca.cnf"),
        "-extensions",
        "ca_ext",
        "-out",
        os.path.join(cadir, "ca.cer.pem"),
    )

    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    valid_from, valid_to = now - ONE_DAY, now + 4 * 365 * ONE_DAY

    def issue(name, subject, serial_hex, extension, start, end):
        """Key + request + certificate; returns notBefore/notAfter as ISO-8601."""
        key = p(name + ".plain.key.pem")
        new_key(key)
        lines = "\n".join("%s = %s" % kv for kv in subject)
        write(
            p(name + ".req.cnf"),
            "[ req ]\nprompt = no\nutf8 = yes\nstring_mask = utf8only\n"
            "distinguished_name = dn\n[ dn ]\n" + lines + "\n",
        )
        run("req", "-new", "-utf8", "-key", key, "-config", p(name + ".req.cnf"), "-out", p(name + ".csr"))
        write(os.path.join(cadir, "serial"), serial_hex + "\n")
        run(
            "ca",
            "-batch",
            "-notext",
            "-utf8",
            "-preserveDN",
            "-config",
            os.path.join(cadir, "ca.cnf"),
            "-extensions",
            extension,
            "-startdate",
            asn1_time(start),
            "-enddate",
            asn1_time(end),
            "-in",
            p(name + ".csr"),
            "-out",
            p(name + ".cer.pem"),
        )
        run("x509", "-in", p(name + ".cer.pem"), "-outform", "DER", "-out", p(name + ".cer"))
        return iso(start), iso(end)

    def sat_key_files(name):
        """SAT's .key: encrypted PKCS#8, PBES2 + PBKDF2(HMAC-SHA1) + 3DES, DER; plus a PEM
        armour of the very same bytes (encrypting twice would use another salt/IV)."""
        run(
            "pkcs8",
            "-topk8",
            "-in",
            p(name + ".plain.key.pem"),
            "-v2",
            "des3",
            "-v2prf",
            "hmacWithSHA1",
            "-outform",
            "DER",
            "-out",
            p(name + ".key"),
            "-passout",
            "pass:" + PASSWORD,
        )
        with open(p(name + ".key"), "rb") as f:
            write(p(name + ".key.pem"), pem("ENCRYPTED PRIVATE KEY", f.read()))

    sat = {}

    def sat_credential(name, rfc, curp_rfc, person, branch, serial_digits, extension, start, end, is_csd):
        subject = [
            ("CN", person),
            ("name", person),
            ("O", person),
            ("x500UniqueIdentifier", "%s / %s" % (rfc, curp_rfc)),
            ("serialNumber", "%s / %sHDFRRR09" % (rfc, curp_rfc[:10])),
        ]
        if branch:
            subject.append(("OU", branch))
        serial_hex = serial_digits.encode("ascii").hex()  # SAT: serial bytes are ASCII digits
        not_before, not_after = issue(name, subject, serial_hex, extension, start, end)
        sat_key_files(name)
        sat[name] = {
            "cer": p(name + ".cer"),
            "cerPem": p(name + ".cer.pem"),
            "key": p(name + ".key"),
            "keyPem": p(name + ".key.pem"),
            "rfc": rfc,
            "name": person,
            "noCertificado": serial_digits,
            "serialHex": "0x" + serial_hex,
            "notBefore": not_before,
            "notAfter": not_after,
            "expired": end < now,
            "isCSD": is_csd,
        }

    sat_credential(
        "csd",
        "XIQB891116QE4",
        "KAHO641101B39",
        "XOCHILT CASAS CHAVEZ",
        "Sucursal Centro",
        "30001000000500003416",
        "csd_ext",
        valid_from,
        valid_to,
        True,
    )
    sat_credential(
        "fiel",
        "XIQB891116QE4",
        "KAHO641101B39",
        "XOCHILT CASAS CHAVEZ",
        None,
        "30001000000500003417",
        "fiel_ext",
        valid_from,
        valid_to,
        False,
    )
    sat_credential(
        "expired",
        "XIQB891116QE4",
        "KAHO641101B39",
        "XOCHILT CASAS CHAVEZ",
        "Matriz",
        "30001000000500003418",
        "csd_ext",
        datetime.datetime(2019, 5, 18, 3, 54, 56, tzinfo=datetime.timezone.utc),
        datetime.datetime(2023, 5, 18, 3, 54, 56, tzinfo=datetime.timezone.utc),
        True,
    )
    sat_credential(
        "other",
        "EKU9003173C9",
        "EKU9003173C9",
        "ESCUELA KEMPER URGATE",
        "Sucursal Norte",
        "30001000000500003419",
        "csd_ext",
        valid_from,
        valid_to,
        True,
    )

    # Other encodings of the csd key.
    run("rsa", "-in", p("csd.plain.key.pem"), "-traditional", "-out", p("csd.pkcs1.key.pem"))
    run(
        "rsa",
        "-in",
        p("csd.plain.key.pem"),
        "-traditional",
        "-aes256",
        "-passout",
        "pass:" + PASSWORD,
        "-out",
        p("csd.pkcs1-enc.key.pem"),
    )

    # Chile (FES) PKCS#12 files.
    pkcs12 = {}

    def chile(name, subject, serial_hex, extension, rut, legacy=False):
        not_before, not_after = issue(name, subject, serial_hex, extension, valid_from, valid_to)
        args = [
            "pkcs12",
            "-export",
            "-inkey",
            p(name + ".plain.key.pem"),
            "-in",
            p(name + ".cer.pem"),
            "-name",
            name,
            "-passout",
            "pass:" + PASSWORD,
            "-out",
            p(name + ".p12"),
        ]
        run(*(args + (["-legacy"] if legacy else [])))
        subject_line = run(
            "x509", "-in", p(name + ".cer.pem"), "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb"
        ).strip()
        serial_line = run("x509", "-in", p(name + ".cer.pem"), "-noout", "-serial").strip()
        pkcs12[name] = {
            "file": p(name + ".p12"),
            "password": PASSWORD,
            "rut": rut,
            "subject": subject_line.split("=", 1)[1],
            "serial": serial_line.split("=", 1)[1].upper(),
            "notBefore": not_before,
            "notAfter": not_after,
        }

    chile_subject = [("CN", "José Muñoz Pérez"), ("O", "Empresa de Pruebas SpA"), ("C", "CL")]
    chile("chile-san", chile_subject, "5A3F00C1D2E4", "chile_san_ext", "76369187-K")
    chile("chile-legacy", chile_subject, "5A3F00C1D2E5", "chile_san_ext", "76369187-K", legacy=True)
    chile("chile-serial", chile_subject + [("serialNumber", "12.345.678-5")], "7B01", "chile_plain_ext", "12345678-5")
    run(
        "pkcs12",
        "-export",
        "-nocerts",
        "-inkey",
        p("chile-san.plain.key.pem"),
        "-passout",
        "pass:" + PASSWORD,
        "-out",
        p("keyonly.p12"),
    )
    pkcs12["keyonly"] = {"file": p("keyonly.p12"), "password": PASSWORD}
    # A key shrouded with 2,100,000 rounds of PBKDF2 (the certificate in the clear, the MAC with
    # one round): more than the library spends opening one file (PKCS12.swift).
    run(
        "pkcs12",
        "-export",
        "-inkey",
        p("chile-san.plain.key.pem"),
        "-in",
        p("chile-san.cer.pem"),
        "-certpbe",
        "NONE",
        "-iter",
        "2100000",
        "-nomaciter",
        "-passout",
        "pass:" + PASSWORD,
        "-out",
        p("costly-key.p12"),
    )
    pkcs12["costly-key"] = {"file": p("costly-key.p12"), "password": PASSWORD}

    manifest = {
        "password": PASSWORD,
        "dir": out,
        "sat": sat,
        "csdKeyForms": {
            "plainPkcs8Pem": p("csd.plain.key.pem"),
            "pkcs1Pem": p("csd.pkcs1.key.pem"),
            "pkcs1EncryptedPem": p("csd.pkcs1-enc.key.pem"),
        },
        "pkcs12": pkcs12,
    }
    json.dump(manifest, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
