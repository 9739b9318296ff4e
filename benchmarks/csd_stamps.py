"""Section 8 of `make bench`: stamps with the issuer's CSD, the same CSD every time, as a company
stamps all day. Instructions per cfdi_stamp_xml_with_csd (callgrind, the client's process only)
against the sandbox, beside what one full check of a CSD costs (cfdi_inspect_csd with the key,
which decrypts it every time): a stamp costing less than one check shows the CSD is not decrypted
again for every stamp (issue 13).

Row 8 stamps a new invoice each call (another Folio: the invoices are written beforehand, outside
the measured process). Row 8b sends one invoice again and again: the sandbox answers the repeats
as stamped before (307 with the earlier CFDI), which the library compares with the one sent. Until
2026-12-07 row 8 measured that second path."""

import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PASSWORD = "12345678a"  # Tests/support/make_test_certs.py's CSD password


def start_sandbox(work, failure):
    port_file = os.path.join(work, "sandbox.port")
    process = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "sandbox", "sello_sandbox.py"), "--port", "0", "--port-file", port_file],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        if os.path.exists(port_file) and os.path.getsize(port_file) > 0:
            return process, "http://127.0.0.1:%s" % open(port_file).read().strip()
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise failure("the sandbox did not start")


def run(bench, failure, ratio_text):
    a = bench.args
    work = os.path.join(a.work, "csd")
    certs = os.path.join(work, "certs")
    os.makedirs(work, exist_ok=True)
    bench.run([sys.executable, os.path.join(ROOT, "Tests", "support", "make_test_certs.py"), certs], pinned=False)
    env = {"LD_LIBRARY_PATH": bench.nodebug_library(os.path.join(work, "lib"))}
    n1, n2 = (2, 6) if bench.quick else (5, 25)
    sandbox, url = start_sandbox(work, failure)
    loop = os.path.join(a.bin, "csd_loop")
    try:
        per_call = {}
        for name, mode, fresh in (("stamp", "stamp", True), ("again", "stamp", False), ("inspect", "inspect", False)):
            totals = []
            for n in (n1, n2):
                out_file = os.path.join(work, "%s.%d.out" % (name, n))
                cmd = [loop, mode, url, os.path.join(certs, "other.cer")]
                cmd += [os.path.join(certs, "other.key"), PASSWORD, str(n)]
                if fresh:  # new invoices (another Folio each) for each run: none was stamped before
                    invoices = os.path.join(work, "invoices.%d" % n)
                    os.makedirs(invoices, exist_ok=True)
                    bench.run([loop, "write", invoices, str(n), str(1000 * n)], pinned=False, env=env)
                    cmd.append(invoices)
                bench.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_file] + cmd, env=env)
                totals.append(bench.callgrind_total(out_file))
            per_call[name] = (totals[1] - totals[0]) / (n2 - n1)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
    ratio = per_call["stamp"] / per_call["inspect"]
    bench.add(
        "8",
        "CFDI stamp with the same CSD each time, instructions per stamp (callgrind, %d−%d), C" % (n2, n1),
        f"{per_call['stamp']:,.0f}",
        f"{per_call['inspect']:,.0f} (one full CSD check)",
        ratio_text(ratio),
        "< 1×",
        "yes" if ratio < 1 else "no",
    )
    bench.add(
        "8b",
        "the same invoice sent again (answered 307 with the earlier CFDI, compared with it), per stamp, C",
        f"{per_call['again']:,.0f}",
        f"{per_call['stamp']:,.0f} (a new invoice, row 8)",
        ratio_text(per_call["again"] / per_call["stamp"]),
        "(info)",
        "—",
    )
