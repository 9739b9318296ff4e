#!/usr/bin/env python3
"""The benchmark driver behind `make bench` (started by benchmarks/run.sh, which builds the C
programs and starts the loopback nginx). Runs every measurement, prints ONE table and writes it,
with the machine and the profile, to benchmarks/results.md. Standard library only.

Sections (numbers as in the table):
  1  sequential keep-alive calls: sello from C, Python (ctypes, bindings/python) and PHP (FFI, bindings/php)
     against raw libcurl in C, requests.Session and PHP's curl extension
  2  instructions per call under callgrind, sello vs the raw libcurl loop (and where they go);
     2b the same against a raw loop that hands libcurl its URL parsed (CURLOPT_CURLU), as sello does
     2c instruction-cache misses per call, from callgrind's cache simulation (what rows 1 and 3 pay beyond
     the instruction count)
  3  8 threads on one sello client vs 8 raw libcurl threads
  4  benchmarks/cfdi_batch.py, 5 benchmarks/fv_upload.py (upload and express; when they exist)
  6  start-up in a fresh process, and the stripped size
  7  resident memory drift over 100,000 calls
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

import csd_stamps  # section 8, beside this file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# --- small helpers -----------------------------------------------------------------------------


def last_json(text):
    """The last line of `text` that is a JSON object, or None."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def first_line(text, limit=160):
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "")[:limit]


def rate_text(rate):
    return "%s/s (%s µs)" % (f"{rate:,.0f}", f"{1e6 / rate:,.1f}") if rate else "—"


def cache_text(path):
    """The simulated first-level instruction cache of a callgrind file ("32 KiB, 8-way"), or "?"."""
    with open(path, errors="replace") as f:
        for line in f:
            match = re.match(r"desc: I1 cache: (\d+) B, \d+ B, (\S+) associative", line)
            if match:
                return "%d KiB, %s" % (int(match.group(1)) // 1024, match.group(2))
            if not line.startswith(("desc:", "version:", "creator:", "pid:", "cmd:", "part:", "#")) and line.strip():
                break
    return "?"


def ratio_text(value):
    return "%.2f×" % value if value is not None else "—"


def mib(kib):
    return kib / 1024.0


def cpu_snapshot(nginx_pid):
    """(machine busy CPU seconds, CPU seconds of this run: us, our children, nginx)."""
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    busy = (sum(fields[:8]) - fields[3] - fields[4]) / ticks  # all but idle and iowait
    times = os.times()
    ours = times.user + times.system + times.children_user + times.children_system
    pids = [nginx_pid]
    try:
        with open("/proc/%d/task/%d/children" % (nginx_pid, nginx_pid)) as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                stat = f.read().rsplit(")", 1)[1].split()
            ours += (int(stat[11]) + int(stat[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return busy, ours, time.monotonic()


class Failure(Exception):
    """A measurement that could not be made; its message goes into the table."""


# --- the driver ----------------------------------------------------------------------------------


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.rows = []  # dicts: id, figure, sello, reference, ratio, goal, met
        self.notes = []  # lines under the table
        self.details = []  # markdown sections for results.md
        self.timings = []  # (section, seconds, CPUs that other processes used meanwhile)
        cpus = sorted(os.sched_getaffinity(0))
        self.pin_cpu = None if args.no_pin or len(cpus) < 2 else {cpus[-1]}
        self.all_cpus = set(cpus)
        self.binding_env = {"SELLO_LIB": args.lib}

    # processes ---------------------------------------------------------------------------------

    def run(self, cmd, pinned=True, timeout=300, env=None, check=True):
        """Runs `cmd`; returns (stdout, stderr). Pinned: on the CPU nginx is pinned to."""
        cpu = self.pin_cpu if pinned else None
        full_env = dict(os.environ, **(env or {}))
        try:
            done = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=full_env,
                preexec_fn=(lambda: os.sched_setaffinity(0, cpu)) if cpu else None,
            )
        except subprocess.TimeoutExpired:
            raise Failure("timed out after %d s: %s" % (timeout, os.path.basename(cmd[0]))) from None
        if check and done.returncode != 0:
            name = next((c for c in cmd if c.endswith((".py", ".php"))), cmd[0])
            raise Failure(
                "%s exited %d: %s" % (os.path.basename(name), done.returncode, first_line(done.stderr or done.stdout))
            )
        return done.stdout, done.stderr

    def run_json(self, cmd, **kwargs):
        out, err = self.run(cmd, **kwargs)
        result = last_json(out)
        if result is None:
            raise Failure("no JSON from %s: %s" % (os.path.basename(cmd[0]), first_line(err or out)))
        return result

    def pin_nginx(self, cpus):
        """Moves the nginx master and workers (every thread) onto `cpus`."""
        master = self.args.nginx_pid
        pids = [master]
        for task in os.listdir("/proc/%d/task" % master):
            try:
                with open("/proc/%d/task/%s/children" % (master, task)) as f:
                    pids += [int(p) for p in f.read().split()]
            except OSError:
                pass
        for pid in pids:
            for task in os.listdir("/proc/%d/task" % pid):
                os.sched_setaffinity(int(task), cpus)

    def add(self, id, figure, sello, reference, ratio, goal, met):
        self.rows.append(dict(id=id, figure=figure, sello=sello, reference=reference, ratio=ratio, goal=goal, met=met))

    def section(self, name, function):
        """Runs one section; notes how much CPU other processes took meanwhile (the machine is
        shared: a build running beside the benchmark lowers its figures)."""
        before = cpu_snapshot(self.args.nginx_pid)
        print("bench: %s..." % name, file=sys.stderr, flush=True)
        try:
            function()
        except Failure as error:
            self.add(name.split()[0], name, "error", "—", "—", "—", "error: %s" % error)
        after = cpu_snapshot(self.args.nginx_pid)
        wall = after[2] - before[2]
        others = max(0.0, ((after[0] - before[0]) - (after[1] - before[1])) / wall) if wall > 0 else 0.0
        self.timings.append((name, wall, others))

    # 1. sequential -------------------------------------------------------------------------------

    def sequential(self):
        a = self.args
        seconds = "0.5" if self.quick else "1.5"
        rounds = 1 if self.quick else 5
        py = [sys.executable, os.path.join(HERE, "py", "seq.py")]
        php = ["php", os.path.join(HERE, "php", "seq.php")]
        url = a.fes_url + "/obtenerCertificado"
        contenders = {
            "curl_c": [os.path.join(a.bin, "curl_loop"), url, "--seconds", seconds],
            "sello_c": [os.path.join(a.bin, "sello_loop"), a.fes_url, "--seconds", seconds],
            "sello_py": py + ["ctypes", a.fes_url, "--lib", a.lib, "--seconds", seconds],
            "sello_py_json": py + ["ctypes-json", a.fes_url, "--lib", a.lib, "--seconds", seconds],
            "requests": py + ["requests", url, "--seconds", seconds, "--warmup", "50"],
            "sello_php": php + ["ffi", a.fes_url, os.path.join(a.work, "sello_ffi.h"), a.lib, "--seconds", seconds],
            "sello_php_binding": php
            + ["binding", a.fes_url, os.path.join(ROOT, "bindings", "php", "src"), "--seconds", seconds],
            "php_curl": php + ["curl", url, "--seconds", seconds],
            "sello_c_p12": [os.path.join(a.bin, "sello_loop"), a.p12_url, "--seconds", seconds, "--warmup", "20"],
        }
        binding_dir = self.python_binding()
        binding_problem = None
        if binding_dir:
            cmd = py + ["binding", a.fes_url, "--binding", binding_dir]
            try:
                self.run(cmd + ["--calls", "5", "--warmup", "0"], env=self.binding_env)
                contenders["sello_py_binding"] = cmd + ["--seconds", seconds]
            except Failure as error:
                binding_problem = str(error)
        self.make_ffi_header()

        samples = {name: [] for name in contenders}
        work_us = []  # row 1i: json_work alone, as sello_py_json measured it
        names = list(contenders)
        for round in range(rounds):
            order = names[round % len(names) :] + names[: round % len(names)]  # rotate who goes first
            for name in order:
                env = self.binding_env if name in ("sello_py_binding", "sello_php_binding") else None
                result = self.run_json(contenders[name], env=env)
                samples[name].append(result["rate"])
                if "work_us" in result:
                    work_us.append(result["work_us"])
        rate = {name: statistics.median(values) for name, values in samples.items()}
        self.sequential_rates = rate
        self.details.append(
            "### 1. Sequential rates, every round (calls/s)\n\n"
            + "\n".join(
                "- %s: %s → median %s" % (name, ", ".join(f"{v:,.0f}" for v in values), f"{rate[name]:,.0f}")
                for name, values in samples.items()
            )
        )

        def row(id, figure, mine, ref, goal, check=None, note=None):
            """A ratio of two rates; ``note`` instead of a verdict for an (info) row."""
            ratio = rate[mine] / rate[ref]
            met = note if check is None else ("yes" if check(ratio) else "no")
            self.add(id, figure, rate_text(rate[mine]), rate_text(rate[ref]), ratio_text(ratio), goal, met)

        row(
            "1a",
            "sequential, C: fes_obtain_certificate vs raw libcurl loop",
            "sello_c",
            "curl_c",
            "≥ 0.90×",
            lambda r: r >= 0.9,
        )
        row("1b", "sequential, Python ctypes vs raw libcurl (C)", "sello_py", "curl_c", "≥ 0.80×", lambda r: r >= 0.8)
        row("1c", "sequential, Python ctypes vs requests.Session", "sello_py", "requests", "≥ 4×", lambda r: r >= 4)
        if "sello_py_binding" in rate:
            row(
                "1d",
                "sequential, bindings/python vs raw libcurl (C)",
                "sello_py_binding",
                "curl_c",
                "≥ 0.75×",
                lambda r: r >= 0.75,
            )
            row(
                "1e",
                "sequential, bindings/python vs requests.Session",
                "sello_py_binding",
                "requests",
                "≥ 4×",
                lambda r: r >= 4,
            )
        else:
            why = binding_problem or "not available yet (no bindings/python)"
            self.add("1d", "sequential, bindings/python", "—", "—", "—", "≥ 0.75× / ≥ 4×", why)
        row("1f", "sequential, PHP FFI vs PHP curl extension", "sello_php", "php_curl", "≥ 0.85×", lambda r: r >= 0.85)

        def info(id, figure, mine, ref, than, note):
            """An (info) row of `mine` against `ref`, noted with what `mine` costs a call beyond
            `than` (µs, given to `note`)."""
            row(id, figure, mine, ref, "(info)", note=note(1e6 / rate[mine] - 1e6 / rate[than]))

        info(
            "1g",
            "C, a real PKCS#12 answer vs the usual (non-PKCS#12) one",
            "sello_c_p12",
            "sello_c",
            "sello_c",
            lambda us: "+%s µs/call: OpenSSL PBKDF" % f"{us:,.0f}",
        )
        # What users of bindings/php pay: the FFI call of 1f plus encoding, decoding and a Result.
        info(
            "1h",
            "sequential, bindings/php (Sello\\Fes) vs PHP curl extension",
            "sello_php_binding",
            "php_curl",
            "sello_php",
            lambda us: "+%s µs/call over 1f" % f"{us:,.1f}",
        )
        # What Python work before a call costs the call: more than the work itself, as what the
        # work touched has evicted what the library needs (the caches, not instructions).
        work = f"{statistics.median(work_us):,.1f}" if work_us else "?"
        info(
            "1i",
            "Python ctypes, each call after a json.dumps of the request vs without",
            "sello_py_json",
            "sello_py",
            "sello_py",
            lambda us: "+%s µs/call; the json.dumps alone: %s µs" % (f"{us:,.1f}", work),
        )
        if self.pin_cpu:
            self.notes.append(
                "Sequential rows (1, 6, 7): client and nginx pinned to CPU %d, so a call costs what "
                "both sides spend on one core (no cross-core wake-ups); --no-pin to turn off."
                % next(iter(self.pin_cpu))
            )
        self.notes.append(
            "The server's usual answer carries a short base64 blob that is not a PKCS#12: sello "
            "parses it, fails fast and adds a warning. A real PKCS#12 costs an OpenSSL PBKDF per "
            "call (row 1g)."
        )

    def python_binding(self):
        base = os.path.join(ROOT, "bindings", "python")
        if not os.path.isdir(base):
            return None
        for candidate in (os.path.join(base, "src"), base):
            if os.path.isdir(os.path.join(candidate, "sello")) or os.path.isfile(os.path.join(candidate, "sello.py")):
                return candidate
        return base

    def make_ffi_header(self):
        """sello.h as plain prototypes for FFI::cdef, generated from include/sello.h with the C
        preprocessor (the standard headers stubbed: FFI knows bool, size_t and int64_t)."""
        stubs = os.path.join(self.args.work, "ffi-stubs")
        os.makedirs(stubs, exist_ok=True)
        for name in ("stdbool.h", "stddef.h", "stdint.h"):
            open(os.path.join(stubs, name), "w").close()
        out, _ = self.run(
            ["cc", "-E", "-P", "-nostdinc", "-I" + stubs, os.path.join(ROOT, "include", "sello.h")], pinned=False
        )
        with open(os.path.join(self.args.work, "sello_ffi.h"), "w") as f:
            f.write(out)

    # 2. instructions per call -------------------------------------------------------------------

    def instructions(self):
        a = self.args
        n1, n2 = (20, 120) if self.quick else (100, 600)
        cg = os.path.join(a.work, "callgrind")
        os.makedirs(cg, exist_ok=True)
        sello = [os.path.join(a.bin, "sello_loop"), a.fes_url, "--warmup", "20"]
        curl = [os.path.join(a.bin, "curl_loop"), a.fes_url + "/obtenerCertificado", "--warmup", "20"]
        # The cache and branch simulation leaves the instruction count as it is and adds what
        # rows 1 and 3 pay for beyond it: a call's code and data that are not in the first-level
        # caches, and the branches mispredicted (row 2c, and the details).
        valgrind = ["valgrind", "--tool=callgrind", "--cache-sim=yes", "--branch-sim=yes"]

        # valgrind 3.19 cannot read some DWARF 5 that Swift/lld emit; try as asked, then fall back
        # to a copy of the library without debug info (the same code, symbols kept).
        env = None
        attempts = [("the release .so", [], None), ("--read-var-info=no", ["--read-var-info=no"], None)]
        nodebug = self.nodebug_library(os.path.join(cg, "lib"))
        attempts.append(("a copy without debug info (objcopy --strip-debug)", [], {"LD_LIBRARY_PATH": nodebug}))
        problems = []
        extra = []
        for label, flags, attempt_env in attempts:
            out_file = os.path.join(cg, "probe.out")
            _, err = self.run(
                valgrind + flags + ["--callgrind-out-file=" + out_file] + sello + ["--calls", "1"],
                env=attempt_env,
                check=False,
                timeout=120,
            )
            if os.path.exists(out_file) and "Giving up" not in err:
                env, extra = attempt_env, flags
                break
            reason = next(
                (
                    line.split("== ", 1)[-1]
                    for line in err.splitlines()
                    if "Possibly corrupted" in line or "unhandled" in line
                ),
                first_line(err),
            )
            problems.append("%s: valgrind gave up (%s)" % (label, reason.strip()))
        else:
            self.perf_instructions(sello, curl, n1, n2, "; ".join(problems))
            return
        if problems:
            self.notes.append("Callgrind: " + "; ".join(problems) + ". Measured " + label + ".")

        totals, files = {}, {}
        for name, cmd in (("sello", sello), ("curl", curl), ("curlu", curl + ["--curlu"])):
            for n in (n1, n2):
                out_file = os.path.join(cg, "%s.%d.out" % (name, n))
                self.run(
                    valgrind + extra + ["--callgrind-out-file=" + out_file] + cmd + ["--calls", str(n)],
                    env=env if name == "sello" else None,
                    timeout=300,
                )
                totals[name, n] = self.callgrind_summary(out_file)
                files[name, n] = out_file
        events = {
            name: {e: (totals[name, n2][e] - totals[name, n1].get(e, 0)) / (n2 - n1) for e in totals[name, n2]}
            for name in ("sello", "curl", "curlu")
        }
        per_call = {name: events[name]["Ir"] for name in events}
        ratio = per_call["sello"] / per_call["curl"]
        self.add(
            "2",
            "instructions per call (callgrind, %d−%d calls), C" % (n2, n1),
            f"{per_call['sello']:,.0f}",
            f"{per_call['curl']:,.0f}",
            ratio_text(ratio),
            "≤ 1.5×",
            "yes" if ratio <= 1.5 else "no",
        )
        # sello hands libcurl its URL parsed (EasyHandle.setURL), which saves libcurl's own parse of
        # the text on every transfer: row 2b shows sello against a raw loop that saves it too.
        self.add(
            "2b",
            "instructions per call against raw libcurl handed a parsed URL (CURLOPT_CURLU), C",
            f"{per_call['sello']:,.0f}",
            f"{per_call['curlu']:,.0f}",
            ratio_text(per_call["sello"] / per_call["curlu"]),
            "(info)",
            "—",
        )
        if "I1mr" in events["sello"] and events["curl"].get("I1mr"):
            # What rows 1 and 3 measure follows this more than the instruction count: each miss
            # is a wait of some 10 to 50 cycles, against about half a cycle for an instruction.
            self.add(
                "2c",
                "instruction-cache misses per call (callgrind's cache simulation, I1 %s), C"
                % cache_text(files[("sello", n2)]),
                f"{events['sello']['I1mr']:,.0f}",
                f"{events['curl']['I1mr']:,.0f}",
                ratio_text(events["sello"]["I1mr"] / events["curl"]["I1mr"]),
                "(info)",
                "—",
            )
        self.per_call_instructions = per_call
        self.per_call_events = events
        self.profile(files[("sello", n1)], files[("sello", n2)], n2 - n1, files[("curl", n1)], files[("curl", n2)])

    def perf_instructions(self, sello, curl, n1, n2, why):
        """The fallback when callgrind cannot run: user-space instructions from perf stat (no
        per-function profile), if this machine exposes the counter."""

        def count(cmd):
            _, err = self.run(["perf", "stat", "-x,", "-e", "instructions:u"] + cmd, check=False)
            for line in err.splitlines():
                fields = line.split(",")
                if len(fields) > 2 and fields[2].startswith("instructions") and fields[0].isdigit():
                    return int(fields[0])
            raise Failure(why + "; perf stat -e instructions: not supported here")

        per_call = {}
        for name, cmd in (("sello", sello), ("curl", curl)):
            per_call[name] = (count(cmd + ["--calls", str(n2)]) - count(cmd + ["--calls", str(n1)])) / (n2 - n1)
        ratio = per_call["sello"] / per_call["curl"]
        self.add(
            "2",
            "instructions per call (perf stat, %d−%d calls), C" % (n2, n1),
            f"{per_call['sello']:,.0f}",
            f"{per_call['curl']:,.0f}",
            ratio_text(ratio),
            "≤ 1.5×",
            "yes" if ratio <= 1.5 else "no",
        )
        self.notes.append("Callgrind: " + why + ". Counted with perf stat instead (no per-function profile).")

    def nodebug_library(self, folder):
        """A copy of the library without debug info (valgrind 3.19 cannot read some of the DWARF 5
        Swift emits; the same code, symbols kept), under its file name and its SONAME; returns the
        folder, for LD_LIBRARY_PATH."""
        os.makedirs(folder, exist_ok=True)
        copy = os.path.join(folder, os.path.basename(self.args.lib))
        subprocess.run(["objcopy", "--strip-debug", self.args.lib, copy], check=True)
        soname = self.soname(self.args.lib)
        if soname and soname != os.path.basename(self.args.lib):
            link = os.path.join(folder, soname)
            if not os.path.exists(link):
                os.symlink(os.path.basename(copy), link)
        return folder

    @staticmethod
    def soname(path):
        out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
        match = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", out)
        return match.group(1) if match else None

    @classmethod
    def callgrind_total(cls, path):
        """The instructions (Ir) of a callgrind file's totals."""
        return cls.callgrind_summary(path)["Ir"]

    @staticmethod
    def callgrind_summary(path):
        """{event: count} of a callgrind file's totals (Ir, and with the simulations I1mr, D1mr, Bcm...)."""
        names = []
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("events:"):
                    names = line.split()[1:]
                elif line.startswith(("summary:", "totals:")) and names:
                    return dict(zip(names, (int(v) for v in line.split()[1:])))
        raise Failure("no totals in " + path)

    @staticmethod
    def annotate(path, inclusive, event="Ir"):
        """{(object, function): count of `event`} from callgrind_annotate (self or inclusive costs)."""
        cmd = [
            "callgrind_annotate",
            "--threshold=100",
            "--show=" + event,
            "--inclusive=" + ("yes" if inclusive else "no"),
            path,
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, errors="replace").stdout
        costs = {}
        pattern = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*?) \[([^\]]+)\]\s*$")
        for line in out.splitlines():
            match = pattern.match(line)
            if not match:
                continue
            location = match.group(2)
            function = location.split(":", 1)[1] if ":" in location else location
            key = (os.path.basename(match.group(3)), function)
            costs[key] = costs.get(key, 0) + int(match.group(1).replace(",", ""))
        return costs

    @staticmethod
    def demangle(names):
        swift = shutil.which("swift-demangle") or shutil.which("swift")
        if not swift or not names:
            return names
        cmd = [swift, "--simplified"] if swift.endswith("swift-demangle") else [swift, "demangle", "--simplified"]
        try:
            out = subprocess.run(
                cmd, input="\n".join(names) + "\n", capture_output=True, text=True, timeout=60
            ).stdout.splitlines()
        except (OSError, subprocess.TimeoutExpired):
            return names
        return out if len(out) == len(names) else names

    def per_call(self, first, second, calls, inclusive=False, event="Ir"):
        """{(object, function): `event` per call}: the difference between two callgrind runs."""
        a, b = self.annotate(first, inclusive, event), self.annotate(second, inclusive, event)
        return {key: (b.get(key, 0) - a.get(key, 0)) / calls for key in set(a) | set(b)}

    @staticmethod
    def by_object(costs):
        """{object: the sum of its functions' costs}."""
        found = {}
        for (obj, _), cost in costs.items():
            found[obj] = found.get(obj, 0) + cost
        return found

    @staticmethod
    def object_table(title, mine, raw, minimum):
        """A table of per-object costs, sello's loop beside the raw one (rows under `minimum` left out)."""
        lines = ["", title, "", "| object | sello loop | raw libcurl loop |", "|---|---:|---:|"]
        for obj in sorted(set(mine) | set(raw), key=lambda o: -mine.get(o, 0)):
            if abs(mine.get(obj, 0)) >= minimum or abs(raw.get(obj, 0)) >= minimum:
                lines.append("| %s | %s | %s |" % (obj, f"{mine.get(obj, 0):,.0f}", f"{raw.get(obj, 0):,.0f}"))
        return lines

    def profile(self, sello1, sello2, calls, curl1, curl2):
        """Per-call costs by object and by function: the difference between the two runs."""
        self_costs = self.per_call(sello1, sello2, calls)
        curl_costs = self.per_call(curl1, curl2, calls)
        top_self = sorted(self_costs.items(), key=lambda item: -item[1])[:25]
        inclusive = self.per_call(sello1, sello2, calls, inclusive=True)
        ours = sorted(
            ((key, cost) for key, cost in inclusive.items() if key[0].startswith("libsello")), key=lambda item: -item[1]
        )[:30]
        curl_perform = sum(cost for (obj, fn), cost in inclusive.items() if fn == "curl_easy_perform")
        total = self.per_call_instructions["sello"]

        names = self.demangle([fn for (_, fn), _ in top_self] + [fn for (_, fn), _ in ours])
        self_names, our_names = names[: len(top_self)], names[len(top_self) :]
        lines = [
            "### 2. Where sello's instructions go (callgrind, per call, %d calls differenced)" % calls,
            "",
            "Per call: sello %s Ir, raw libcurl loop %s Ir. Inside sello's call, curl_easy_perform "
            "(libcurl, the kernel calls excluded) is %s Ir."
            % (f"{total:,.0f}", f"{self.per_call_instructions['curl']:,.0f}", f"{curl_perform:,.0f}"),
        ]
        lines += self.object_table(
            "By object (self cost per call):", self.by_object(self_costs), self.by_object(curl_costs), 50
        )
        lines += self.cache_lines(sello1, sello2, curl1, curl2, calls)
        # The same functions' instruction-cache misses (row 2c), where the simulation ran: what a
        # stage of the call costs in time beyond its instructions.
        misses = {}
        if "I1mr" in getattr(self, "per_call_events", {}).get("sello", {}):
            misses = self.per_call(sello1, sello2, calls, inclusive=True, event="I1mr")
        lines += [
            "",
            "Inclusive cost per call of sello's own functions (top 30):",
            "",
            "| Ir/call | % of call | I1 misses/call | function |" if misses else "| Ir/call | % of call | function |",
            "|---:|---:|---:|---|" if misses else "|---:|---:|---|",
        ]
        for ((obj, fn), cost), name in zip(ours, our_names):
            shown = f"{misses.get((obj, fn), 0):,.0f} | " if misses else ""
            lines.append("| %s | %.1f%% | %s`%s` |" % (f"{cost:,.0f}", 100 * cost / total, shown, name[:150]))
        lines += [
            "",
            "Self cost per call, every object (top 25):",
            "",
            "| Ir/call | % of call | object | function |",
            "|---:|---:|---|---|",
        ]
        for ((obj, _), cost), name in zip(top_self, self_names):
            lines.append("| %s | %.1f%% | %s | `%s` |" % (f"{cost:,.0f}", 100 * cost / total, obj, name[:150]))
        self.details.append("\n".join(lines))
        self.profile_summary = [(cost, name) for ((_, _), cost), name in zip(ours, our_names)]

    def cache_lines(self, sello1, sello2, curl1, curl2, calls):
        """The simulation's figures per call, and the instruction-cache misses by object: where the
        time of rows 1 and 3 goes beyond the instructions (section 2 of benchmarks/README.md)."""
        events = getattr(self, "per_call_events", {})
        shown = [e for e in ("Ir", "I1mr", "D1mr", "Bcm") if all(e in events.get(n, {}) for n in ("sello", "curl"))]
        if "I1mr" not in shown:
            return []
        labels = {
            "Ir": "instructions",
            "I1mr": "instruction-cache misses",
            "D1mr": "data-cache read misses",
            "Bcm": "mispredicted conditional branches",
        }
        lines = [
            "",
            "Callgrind's cache and branch simulation, per call:",
            "",
            "| figure | sello loop | raw libcurl loop | raw, parsed URL |",
            "|---|---:|---:|---:|",
        ]
        for e in shown:
            lines.append(
                "| %s (%s) | %s | %s | %s |"
                % (labels[e], e, *(f"{events[n].get(e, 0):,.0f}" for n in ("sello", "curl", "curlu")))
            )

        mine = self.by_object(self.per_call(sello1, sello2, calls, event="I1mr"))
        raw = self.by_object(self.per_call(curl1, curl2, calls, event="I1mr"))
        return lines + self.object_table("Instruction-cache misses per call by object:", mine, raw, 5)

    # 3. threads -----------------------------------------------------------------------------------

    def threads(self):
        a = self.args
        seconds = "0.5" if self.quick else "2"
        rounds = 1 if self.quick else 3
        self.pin_nginx(self.all_cpus)
        try:
            cmds = {
                "curl": [os.path.join(a.bin, "curl_loop"), a.fes_url + "/obtenerCertificado"],
                "sello": [os.path.join(a.bin, "sello_loop"), a.fes_url],
            }
            samples = {"curl": [], "sello": []}
            for round in range(rounds):
                for name in ["curl", "sello"] if round % 2 == 0 else ["sello", "curl"]:
                    samples[name].append(
                        self.run_json(
                            cmds[name] + ["--threads", "8", "--seconds", seconds, "--warmup", "50"], pinned=False
                        )["rate"]
                    )
        finally:
            if self.pin_cpu:
                self.pin_nginx(self.pin_cpu)
        rate = {name: statistics.median(values) for name, values in samples.items()}
        ratio = rate["sello"] / rate["curl"]
        self.add(
            "3",
            "8 threads: one sello client vs 8 libcurl handles (all CPUs)",
            "%s/s" % f"{rate['sello']:,.0f}",
            "%s/s" % f"{rate['curl']:,.0f}",
            ratio_text(ratio),
            "≥ 0.85×",
            "yes" if ratio >= 0.85 else "no",
        )
        self.details.append(
            "### 3. Threads, every round (calls/s)\n\n"
            + "\n".join("- %s: %s" % (name, ", ".join(f"{v:,.0f}" for v in values)) for name, values in samples.items())
        )

    # 4, 5. the other teams' scripts ------------------------------------------------------------------

    def external(self, id, script, specs, text_patterns=None):
        """Runs benchmarks/<script> when it exists. It gets SELLO_LIB, SELLO_BENCH_JSON=1 and
        SELLO_BENCH_NGINX (the loopback server's base URL). Its figures are read from a JSON
        object on its last line, either {"rows": [{"figure", "sello", "reference", "ratio",
        "goal", "met"}]} or flat figures whose names `specs` knows; failing that, from its text
        output with `text_patterns` (figure name -> regular expression with one number)."""
        path = os.path.join(HERE, script)
        if not os.path.exists(path):
            for spec in specs:
                self.add(spec["id"], spec["figure"], "—", "—", "—", spec["goal"], "not available yet")
            return
        env = {
            "SELLO_LIB": self.args.lib,
            "SELLO_BENCH_JSON": "1",
            "SELLO_BENCH_NGINX": self.args.fes_url.rsplit("/", 1)[0],
        }
        start = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, path],
                capture_output=True,
                text=True,
                env=dict(os.environ, **env),
                timeout=240,
                cwd=ROOT,
            )
        except subprocess.TimeoutExpired:
            raise Failure("%s did not finish within 240 s" % script) from None
        seconds = time.monotonic() - start
        self.details.append(
            "### %s. %s (exit %d, %.1f s)\n\n```\n%s\n```"
            % (id, script, done.returncode, seconds, (done.stdout + done.stderr).strip()[-3000:])
        )
        result = last_json(done.stdout) or {}
        if isinstance(result.get("rows"), list):
            for index, row in enumerate(result["rows"]):
                self.add(
                    "%s%s" % (id, "abcdefgh"[index]),
                    row.get("figure", script),
                    str(row.get("sello", "—")),
                    str(row.get("reference", "—")),
                    str(row.get("ratio", "—")),
                    str(row.get("goal", "—")),
                    str(row.get("met", "—")),
                )
            return
        flat = {}

        def walk(prefix, value):
            """Every figure by its dotted path and, unless taken, by its own name."""
            if isinstance(value, dict):
                for key, inner in value.items():
                    walk(prefix + key + ".", inner)
            else:
                flat[prefix[:-1]] = value
                flat.setdefault(prefix[:-1].rsplit(".", 1)[-1], value)

        walk("", result)
        for key, pattern in (text_patterns or {}).items():
            match = re.search(pattern, done.stdout)
            if key not in flat and match:
                flat[key] = float(match.group(1))
        for spec in specs:
            value = next((flat[k] for k in spec["keys"] if isinstance(flat.get(k), (int, float))), None)
            reference = next((flat[k] for k in spec.get("ref_keys", []) if isinstance(flat.get(k), (int, float))), None)
            if done.returncode != 0 and value is None:
                self.add(
                    spec["id"],
                    spec["figure"],
                    "—",
                    "—",
                    "—",
                    spec["goal"],
                    "error: exit %d: %s" % (done.returncode, first_line(done.stderr or done.stdout)),
                )
            elif value is None:
                self.add(spec["id"], spec["figure"], "ran", "—", "—", spec["goal"], "see results.md")
            else:
                shown, ratio, met = spec["judge"](value, reference)
                self.add(
                    spec["id"],
                    spec["figure"],
                    shown,
                    spec["unit"](reference) if reference is not None else "—",
                    ratio,
                    spec["goal"],
                    met,
                )

    def cfdi_batch(self):
        def judge(seconds, sequential):
            ratio = ratio_text(sequential / seconds) if sequential else "—"
            return "%.2f s" % seconds, ratio, "yes" if seconds < 1.5 else "no"

        self.external(
            "4",
            "cfdi_batch.py",
            [
                dict(
                    id="4",
                    figure="CFDI batch: 200 stamps at 50 ms, concurrency 16 (ref: one at a time)",
                    goal="< 1.5 s",
                    keys=["batch_seconds", "concurrent_seconds", "concurrent_s", "batch_s", "elapsed_s", "seconds"],
                    ref_keys=["sequential_seconds", "sequential_s"],
                    unit=lambda v: "%.2f s" % v,
                    judge=judge,
                )
            ],
            text_patterns={
                "batch_seconds": r"concurrency\s+(?!1:)\d+:\s+([\d.]+)\s*s\b",
                "sequential_seconds": r"concurrency\s+1:\s+([\d.]+)\s*s\b",
            },
        )

    def fv_upload(self):
        def judge_rss(growth, _):
            return "%.1f MB" % growth, "—", "yes" if growth < 32 else "no"

        def judge_time(seconds, curl):
            if not curl:
                return "%.2f s" % seconds, "—", "—"
            return "%.2f s" % seconds, ratio_text(seconds / curl), "yes" if seconds / curl <= 1.2 else "no"

        self.external(
            "5",
            "fv_upload.py",
            [
                dict(
                    id="5a",
                    figure="50 MB PDF upload: peak RSS growth",
                    goal="< 32 MB",
                    keys=["peak_rss_growth_mb", "rss_growth_mb", "peak_rss_mb"],
                    unit=str,
                    judge=judge_rss,
                ),
                dict(
                    id="5b",
                    figure="50 MB PDF upload: time vs curl -F",
                    goal="≤ 1.2×",
                    keys=["sello_seconds", "sello_s", "upload_seconds", "seconds"],
                    ref_keys=["curl_seconds", "curl_s"],
                    unit=lambda v: "%.2f s" % v,
                    judge=judge_time,
                ),
                dict(
                    id="5c",
                    figure="50 MB PDF express (base64 in JSON, encoded while sent): peak RSS growth",
                    goal="< 32 MB",
                    keys=["express_peak_rss_growth_mb"],
                    unit=str,
                    judge=judge_rss,
                ),
                dict(
                    id="5d",
                    figure="50 MB PDF express: time vs curl -T of the prepared body",
                    goal="(info)",
                    keys=["express_seconds"],
                    ref_keys=["express_curl_seconds"],
                    unit=lambda v: "%.2f s" % v,
                    judge=lambda s, c: ("%.2f s" % s, ratio_text(s / c) if c else "—", "—"),
                ),
            ],
            text_patterns={
                "sello_seconds": r"fv_upload_document \(\.so\)\s+([\d.]+)",
                "curl_seconds": r"curl -F \(CLI\)\s+([\d.]+)",
                "peak_rss_growth_mb": r"RSS growth ([\d.]+) MB",
            },
        )

    # 6. start-up and size -------------------------------------------------------------------------

    def startup(self):
        a = self.args
        runs = [
            self.run_json([os.path.join(a.bin, "startup"), a.lib, a.fes_url]) for _ in range(3 if self.quick else 9)
        ]
        runs.sort(key=lambda r: r["total_ms"])
        median = runs[len(runs) // 2]
        self.add(
            "6a",
            "start: dlopen + sello_check_rut + client + first call, fresh C process",
            "%.1f ms" % median["total_ms"],
            "dlopen %.1f, rut %.1f, client %.1f, call %.1f ms"
            % (median["dlopen_ms"], median["check_rut_ms"], median["client_new_ms"], median["first_call_ms"]),
            "—",
            "< 15 ms",
            "yes" if median["total_ms"] < 15 else "no",
        )
        self.details.append(
            "### 6. Start-up, %d fresh processes (ms, sorted by total)\n\n" % len(runs)
            + "\n".join(
                "- total %.2f: dlopen %.2f, check_rut %.2f, client_new %.2f, first call %.2f"
                % (r["total_ms"], r["dlopen_ms"], r["check_rut_ms"], r["client_new_ms"], r["first_call_ms"])
                for r in runs
            )
        )
        stripped = os.path.join(a.work, "libsello.stripped.so")
        subprocess.run(["strip", "-o", stripped, a.lib], check=True)
        size, full = os.path.getsize(stripped), os.path.getsize(a.lib)
        self.add(
            "6b",
            "size of the stripped .so (ref: as built)",
            "%.1f MB" % (size / 1e6),
            "%.1f MB" % (full / 1e6),
            "—",
            "< 16 MB",
            "yes" if size < 16e6 else "no",
        )

    # 7. leaks -------------------------------------------------------------------------------------

    def leak(self):
        a = self.args
        calls, warmup = (10000, 2000) if self.quick else (100000, 10000)
        result = self.run_json(
            [os.path.join(a.bin, "leak"), a.fes_url, "--calls", str(calls), "--warmup", str(warmup)], timeout=400
        )
        drift = result["drift_kib"]
        self.add(
            "7",
            "RSS drift over %s calls (after %s warm-up; ref: RSS then)" % (f"{calls:,}", f"{warmup:,}"),
            "%+.2f MB" % mib(drift),
            "%.1f MB" % mib(result["rss_before_kib"]),
            "—",
            "< 1 MB",
            "yes" if drift < 1024 else "no",
        )
        self.details.append(
            "### 7. VmRSS every tenth of the %s calls (KiB)\n\n%s\n\n(%.1f s, %d failed calls)"
            % (f"{calls:,}", ", ".join(str(v) for v in result["rss_kib"]), result["seconds"], result["failures"])
        )

    # the table --------------------------------------------------------------------------------------

    def table(self):
        header = ["#", "figure", "sello", "reference", "ratio", "goal", "met"]
        keys = ["id", "figure", "sello", "reference", "ratio", "goal", "met"]
        cells = [[str(row[k]) for k in keys] for row in self.rows]
        short = [[c if len(c) <= 100 else c[:99] + "…" for c in cell] for cell in cells]
        widths = [max(len(h), *(len(c[i]) for c in short)) for i, h in enumerate(header)]
        rule = "+".join("-" * (w + 2) for w in widths)
        text = [" | ".join(h.ljust(w) for h, w in zip(header, widths)), rule]
        text += [" | ".join(c.ljust(w) for c, w in zip(cell, widths)).rstrip() for cell in short]
        markdown = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        markdown += ["| " + " | ".join(c.replace("|", "\\|") for c in cell) + " |" for cell in cells]
        return "\n".join(text), "\n".join(markdown)


def machine(lib):
    def read(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
        except OSError:
            return "?"

    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "model name": model,
        "kernel": platform.release(),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z"),
        "load average at start": open("/proc/loadavg").read().split(" ")[0:3],
        "library": "%s (%s, modified %s)"
        % (
            lib,
            f"{os.path.getsize(lib):,} bytes",
            time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(lib))),
        ),
        "git": read(["git", "-C", ROOT, "describe", "--always", "--dirty"]),
        "libcurl": first_line(read(["curl-config", "--version"])),
        "nginx": first_line(subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr),
        "python": platform.python_version(),
        "php": first_line(read(["php", "-r", "echo PHP_VERSION;"])),
        "valgrind": read(["valgrind", "--version"]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lib", required=True)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--fes-url", required=True)
    parser.add_argument("--p12-url", required=True)
    parser.add_argument("--nginx-pid", type=int, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-pin", action="store_true")
    parser.add_argument("--only", help="comma-separated section numbers, e.g. 1,3")
    parser.add_argument("--output", default=os.path.join(HERE, "results.md"))
    args = parser.parse_args()

    started = time.monotonic()
    info = machine(args.lib)
    bench = Bench(args)
    if bench.pin_cpu:
        bench.pin_nginx(bench.pin_cpu)
    sections = [
        ("1", "1 sequential calls", bench.sequential),
        ("2", "2 instructions per call", bench.instructions),
        ("3", "3 threads", bench.threads),
        ("4", "4 cfdi batch", bench.cfdi_batch),
        ("5", "5 fv upload", bench.fv_upload),
        ("6", "6 start and size", bench.startup),
        ("7", "7 leaks", bench.leak),
        ("8", "8 csd stamps", lambda: csd_stamps.run(bench, Failure, ratio_text)),
    ]
    only = set(args.only.split(",")) if args.only else None
    for number, name, function in sections:
        if only is None or number in only:
            bench.section(name, function)
    total = time.monotonic() - started
    info["load average at end"] = open("/proc/loadavg").read().split(" ")[0:3]

    text, markdown = bench.table()
    notes = bench.notes + [
        "Whole run: %.0f s (%s)." % (total, ", ".join("%s %.0f s" % (n.split()[0], s) for n, s, _ in bench.timings)),
        "Other processes on the machine meanwhile, in CPUs of %d: %s."
        % (os.cpu_count(), ", ".join("%s %.2f" % (n.split()[0], o) for n, _, o in bench.timings)),
    ]
    # Instruction counts (2) and resident memory (7) do not depend on the machine's load.
    busy = [n.split()[0] for n, _, o in bench.timings if o > 0.25 and n.split()[0] not in ("2", "7")]
    if busy:
        notes.append(
            "WARNING: other processes used more than a quarter of a CPU during timed section(s) %s: "
            "those figures are lower than on a quiet machine; run again when it is idle." % ", ".join(busy)
        )
    print()
    print(text)
    print()
    for note in notes:
        print("- " + note)
    partial = (args.quick or args.only) and args.output == os.path.join(HERE, "results.md")
    summary = getattr(bench, "profile_summary", None)
    if summary and any(row["met"] == "no" for row in bench.rows):
        print(
            "\nTop inclusive costs inside sello per call (callgrind Ir%s):"
            % ("" if partial else "; details in " + os.path.relpath(args.output))
        )
        total = bench.per_call_instructions["sello"]
        for cost, name in [item for item in summary if item[0] < 0.85 * total][:12]:  # past the wrappers
            print("  %12s  %s" % (f"{cost:,.0f}", name[:110]))

    if partial:
        print("\n(a partial run: results.md not written; --output PATH to keep it)")
        return 0
    with open(args.output, "w") as f:
        f.write("# sello benchmarks\n\n`benchmarks/run.sh` (`make bench`), one run on this machine:\n\n")
        f.write("\n".join("- %s: %s" % (k, " ".join(v) if isinstance(v, list) else v) for k, v in info.items()))
        f.write("\n\n" + markdown + "\n\n" + "\n".join("- " + n for n in notes) + "\n\n## Details\n\n")
        f.write("\n\n".join(bench.details) + "\n")
    print("\nwritten: %s" % os.path.relpath(args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
