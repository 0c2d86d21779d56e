#!/usr/bin/env python3
"""`picmon top` interactive mode on a real pseudo-terminal, and under tmux.

usage: top_pty_it.py PICMON pty|keys|tmux

pty   `picmon top -d 0.2` on a 24x80 pty (under `strace -e trace=write` when strace is installed):
      alternate screen entered and left, raw mode while running and the pty's modes restored after,
      every frame one write() holding the whole frame (home to last row), rows clipped to the pty's
      height and width, resizes (SIGWINCH) laid out again, c/m/i/p sort orders, q exits 0 within 1 s.
keys  `picmon top -d 5`: a resize and a sort key redraw at once (within 1 s), not at the next sample.
tmux  `picmon top -d 0.2` in a detached 120x40 tmux session: the pane shows the header and rows,
      and the session ends with exit status 0 after `q`. Exit 77 (skipped) when tmux is missing.
"""
import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

PICMON = sys.argv[1]
MODE = sys.argv[2]
ENTER = b"\x1b[?1049h\x1b[?25l"
LEAVE = b"\x1b[?25h\x1b[?1049l"
HOME = b"\x1b[H"
CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ROW = re.compile(r"^\s*(\d+)\s+(\d+) (\S) +([\d.]+) +(\d+)")
failures = []


def expect(cond, text):
    print(("ok   " if cond else "FAIL ") + text, flush=True)
    if not cond:
        failures.append(text)
    return cond


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Frame:
    """One frame as the pty master read it (ONLCR turns each \\n into \\r\\n)."""

    def __init__(self, raw, t):
        self.raw = raw
        self.t = t
        text = raw.decode("utf-8", "replace")
        self.breaks = text.count("\r\n")
        self.lines = [CSI.sub("", line) for line in text.split("\r\n")]
        self.width = max(len(line) for line in self.lines)
        self.rows = []  # (pid, cpu, rss) of the process rows, top to bottom
        header = next((i for i, line in enumerate(self.lines) if line.lstrip().startswith("PID ")), None)
        self.header_at = header
        for line in self.lines[header + 1 if header is not None else len(self.lines):]:
            m = ROW.match(line)
            if m:
                self.rows.append((int(m.group(1)), float(m.group(4)), int(m.group(5))))

    def pids(self):
        return [r[0] for r in self.rows]

    def index(self, pid):
        p = self.pids()
        return p.index(pid) if pid in p else None


class Top:
    """picmon top on a fresh pty whose slave is its controlling terminal."""

    def __init__(self, args, rows, cols, strace_log=None):
        self.master, self.slave = os.openpty()
        set_size(self.slave, rows, cols)
        self.modes_before = termios.tcgetattr(self.slave)
        cmd = [PICMON, "top"] + args
        env = dict(os.environ)
        env["TERM"] = "xterm"
        if strace_log is not None:
            # -xx -s: every byte of every write, to compare with what the terminal received.
            # -f --seccomp-bpf: stop only at write(), not at each of the thousands of reads.
            cmd = ["strace", "-qq", "-f", "--seccomp-bpf", "-e", "trace=write", "-e", "signal=none", "-xx", "-s", "16777216",
                   "-o", strace_log] + cmd
            # LeakSanitizer cannot run under ptrace (it would fail the exit status).
            env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")

        def as_session_leader():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(cmd, stdin=self.slave, stdout=self.slave, stderr=self.slave,
                                     preexec_fn=as_session_leader, env=env)
        self.stream = bytearray()
        self.frames = []  # complete frames, in order
        self.scanned = 0  # offset in stream up to which frames were split off
        self.stray = []  # bytes between frames
        self.last_data = time.monotonic()

    def pump(self, timeout):
        r, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if r:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:
                data = b""
            if data:
                self.stream += data
                self.last_data = time.monotonic()
        self._split(time.monotonic() - self.last_data >= 0.05)

    def _split(self, idle):
        # A frame ends where the next one (or the leave sequence) begins, or, for the newest one,
        # when nothing more came for 50 ms (a frame is one write: its bytes arrive together).
        # Bytes between frames would be the rest of a frame written in pieces: kept as stray.
        while True:
            start = self.stream.find(HOME, self.scanned)
            if start < 0:
                return
            if self.frames and start > self.scanned:
                self.stray.append(bytes(self.stream[self.scanned:start]))
            end = self.stream.find(HOME, start + len(HOME))
            if end < 0:
                end = self.stream.find(LEAVE, start)
            if end < 0:
                if not idle:
                    return
                end = len(self.stream)
            self.frames.append(Frame(bytes(self.stream[start:end]), time.monotonic()))
            self.scanned = end

    def wait_frames(self, count, timeout):
        deadline = time.monotonic() + timeout
        while len(self.frames) < count and time.monotonic() < deadline:
            self.pump(deadline - time.monotonic())
        return len(self.frames) >= count

    def wait_for(self, pred, timeout):
        """The first frame after now that satisfies pred, within timeout (None otherwise)."""
        seen = len(self.frames)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(min(0.05, deadline - time.monotonic()))
            while seen < len(self.frames):
                f = self.frames[seen]
                seen += 1
                if pred(f):
                    return f
        if self.frames:
            print("     last frame's first rows (pid, cpu%, rss):", self.frames[-1].rows[:8])
        return None

    def key(self, k):
        os.write(self.master, k)

    def quit(self, timeout):
        """Sends q; returns (exit status or None, seconds until exit)."""
        t0 = time.monotonic()
        self.key(b"q")
        rc = None
        while time.monotonic() - t0 < timeout + 1.0:
            self.pump(0.02)
            rc = self.proc.poll()
            if rc is not None:
                break
        elapsed = time.monotonic() - t0
        for _ in range(20):
            self.pump(0.01)
        return rc, elapsed

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        os.close(self.slave)


def check_layout(f, rows, cols, what):
    ok = expect(f.breaks <= rows - 1, f"{what}: {f.breaks + 1} screen rows used, at most {rows}")
    ok &= expect(f.width <= cols, f"{what}: widest line {f.width} columns, at most {cols}")
    return ok


def check_full(f, rows, cols, what):
    """A frame of the whole screen: the header, then process rows down to the last row, cut at the width."""
    check_layout(f, rows, cols, what)
    expect(f.breaks == rows - 1 and not f.raw.endswith(b"\x1b[J"),
           f"{what}: rows fill the height exactly ({f.breaks + 1} of {rows}) with no newline after the last")
    expect(f.lines[0].startswith("picmon top - load average:"), f"{what}: first line is the load line")
    for label in ("Tasks:", "Users:", "%Cpu(s):", "MiB Mem:"):
        expect(any(line.startswith(label) for line in f.lines), f"{what}: header has '{label}'")
    expect(f.header_at is not None and len(f.rows) == rows - 1 - f.header_at,
           f"{what}: every row below the column header is a process row ({len(f.rows)})")
    expect(any(len(line) == cols for line in f.lines), f"{what}: long rows are cut at exactly {cols} columns")


def nonincreasing(values):
    return all(a >= b for a, b in zip(values, values[1:]))


def children():
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    io = subprocess.Popen([sys.executable, "-c",
                           "import time\n"
                           "f = open('/dev/zero', 'rb', buffering=0)\n"
                           "b = bytearray(8 << 20)\n"
                           "while True:\n"
                           "    f.readinto(b)\n"
                           "    time.sleep(0.01)\n"])
    return burner, io


def run_pty():
    use_strace = shutil.which("strace") is not None
    if not use_strace:
        print("note: strace not installed: one write per frame is checked from the terminal side only")
    work = tempfile.mkdtemp(prefix="picmon-top-it-")
    log = os.path.join(work, "writes.log")
    burner, io = children()
    top = Top(["-d", "0.2"], 24, 80, strace_log=log if use_strace else None)
    try:
        expect(top.wait_frames(4, 15.0), "four frames within 15 s of start")
        expect(bytes(top.stream).startswith(ENTER), "enters the alternate screen and hides the cursor first")
        modes = termios.tcgetattr(top.slave)
        expect(modes[3] & (termios.ICANON | termios.ECHO) == 0, "raw mode (no ICANON, no ECHO) while running")
        for i, f in enumerate(top.frames[:4]):
            check_full(f, 24, 80, f"24x80 frame {i + 1}")

        set_size(top.master, 50, 132)
        f = top.wait_for(lambda f: f.breaks == 49, 1.0)
        if expect(f is not None, "resize to 50x132: a frame laid out for 50 rows within 1 s"):
            check_full(f, 50, 132, "50x132 frame")

        # Sort keys, at 50x132 (43 process rows). The CPU burner has no I/O, the reader little CPU.
        def by_cpu(f):
            b, i = f.index(burner.pid), f.index(io.pid)
            return (nonincreasing([r[1] for r in f.rows]) and b is not None and f.rows[b][1] > 0 and
                    (i is None or b < i))

        def by_pid(f):
            p = f.pids()
            return len(p) > 10 and all(a < b for a, b in zip(p, p[1:]))

        def by_rss(f):
            rss = [r[2] for r in f.rows]
            return len(rss) > 10 and nonincreasing(rss) and rss[0] > rss[-1]

        def by_io(f):
            b, i = f.index(burner.pid), f.index(io.pid)
            return i is not None and i < 3 and (b is None or i < b)

        expect(top.wait_for(by_cpu, 2.0) is not None, "default sort: CPU% descending, the burner above the reader")
        for key, pred, what in ((b"p", by_pid, "p: PIDs ascending"), (b"m", by_rss, "m: RSS descending"),
                                (b"i", by_io, "i: the reader within the first 3 rows, above the burner"),
                                (b"c", by_cpu, "c: CPU% descending again, the burner above the reader")):
            top.key(key)
            f = top.wait_for(pred, 1.0)
            if expect(f is not None, what + " within 1 s"):
                n = len(top.frames)
                top.wait_frames(n + 2, 2.0)
                expect(all(pred(g) for g in top.frames[n:n + 2]), what + ": the next two frames too")
        expect(not by_pid(top.frames[-1]), "the CPU order is not the PID order (the checks tell them apart)")

        set_size(top.master, 12, 50)
        f = top.wait_for(lambda f: f.breaks == 11, 1.0)
        if expect(f is not None, "resize to 12x50 within 1 s"):
            check_full(f, 12, 50, "12x50 frame")
        set_size(top.master, 5, 40)
        f = top.wait_for(lambda f: f.breaks == 4, 1.0)
        if expect(f is not None, "resize to 5x40 within 1 s"):
            check_layout(f, 5, 40, "5x40 frame")
            expect(f.lines[0].startswith("picmon top") and not f.rows,
                   "5x40 frame: only the header's first five lines")
        rc, elapsed = top.quit(1.0)
        expect(rc == 0, f"q: exit status 0 (got {rc})")
        expect(elapsed <= 1.0, f"q: exits within 1 s ({elapsed:.2f} s)")
        expect(bytes(top.stream).endswith(LEAVE) and top.stream.find(LEAVE) == top.scanned,
               "leaves the alternate screen and shows the cursor last, right after the last frame")
        expect(not top.stray, f"no bytes between frames ({top.stray[:2]})")
        expect(termios.tcgetattr(top.slave) == top.modes_before, "pty modes after exit equal those before")
        frames = top.frames
        frames_seen = len(frames)
    finally:
        top.close()
        for p in (burner, io):
            p.kill()
            p.wait()

    if not use_strace:
        return
    # A write to a pty returns early when its buffer is full and a signal (SIGWINCH) arrives: the
    # program then writes the rest at once. Such a continuation is the same frame, one request.
    writes = []  # what the program asked to write, each request once
    bad = []
    split = 0
    pending = b""  # the part of the last request the kernel has not taken yet
    pat = re.compile(r'^(?:\d+ +)?write\((\d+), "((?:\\x[0-9a-f]{2})*)"(\.\.\.)?, (\d+)\) += (-?\d+)')
    with open(log) as fh:
        for line in fh:
            m = pat.match(line)
            if not m:
                bad.append(line.strip()[:80])
                continue
            data = bytes.fromhex(m.group(2).replace("\\x", ""))
            ret = int(m.group(5))
            if m.group(1) != "1" or m.group(3) or int(m.group(4)) != len(data) or ret <= 0:
                bad.append(line.strip()[:80])
                continue
            if pending:
                if data != pending:
                    bad.append("a write that does not continue the short one before it")
                split += 1
            else:
                writes.append(data)
            pending = data[ret:]
    if pending:
        bad.append("the last write was short")
    if split:
        print(f"note: {split} frame write(s) returned short (pty full when SIGWINCH came) and were continued")
    if bad:
        print(f"     strace log kept: {log}")
    else:
        os.unlink(log)
        os.rmdir(work)
    expect(not bad, f"every write goes to stdout, continues only a short one, none to stderr ({bad[:3]})")
    expect(len(writes) >= 3 and writes[0] == ENTER and writes[-1] == LEAVE,
           "first write enters the alternate screen, last leaves it")
    middle = writes[1:-1]
    expect(all(w.startswith(HOME) and w.count(HOME) == 1 for w in middle),
           f"each of the {len(middle)} other writes is one frame starting at the home position")
    expect(all(w.endswith(b"\n\x1b[J") or not w.endswith(b"\n") for w in middle),
           "each frame write ends at its last row (or erases below a short frame)")
    expect(len(middle) == frames_seen, f"one write per frame the terminal received ({len(middle)} / {frames_seen})")
    expect(all(w.replace(b"\n", b"\r\n") == f.raw for w, f in zip(middle, frames)),
           "each frame the terminal received is exactly one write")


def run_keys():
    top = Top(["-d", "5"], 24, 80)
    try:
        expect(top.wait_frames(1, 15.0), "first frame")
        t0 = top.frames[0].t
        check_full(top.frames[0], 24, 80, "24x80 first frame")
        # With -d 5 the second sample is 5 s away: any frame before then redraws the first sample.
        set_size(top.master, 30, 100)
        f = top.wait_for(lambda f: f.breaks == 29, 1.0)
        if expect(f is not None, "SIGWINCH: redrawn for 30x100 within 1 s, not at the next sample"):
            check_full(f, 30, 100, "30x100 redraw")
            expect(f.t - t0 < 4.5, "the redraw came before the next sample")
        top.key(b"p")
        f = top.wait_for(lambda f: all(a < b for a, b in zip(f.pids(), f.pids()[1:])) and len(f.rows) > 10, 1.0)
        if expect(f is not None, "p: redrawn in PID order within 1 s"):
            expect(f.t - t0 < 4.5, "the sort redraw came before the next sample")
        top.key(b"x")  # not a key: no redraw
        n = len(top.frames)
        t = time.monotonic()
        while time.monotonic() - t < 0.4:
            top.pump(0.05)
        expect(len(top.frames) == n or top.frames[-1].t - t0 >= 4.5, "an unknown key redraws nothing")
        rc, elapsed = top.quit(1.0)
        expect(rc == 0 and elapsed <= 1.0, f"q: exit 0 within 1 s (status {rc}, {elapsed:.2f} s)")
        expect(termios.tcgetattr(top.slave) == top.modes_before, "pty modes after exit equal those before")
    finally:
        top.close()


def run_tmux():
    if shutil.which("tmux") is None:
        print("SKIP: tmux is not installed (scripts/setup.sh installs it); the tmux check did not run")
        sys.exit(77)
    sock = f"picmon-it-{os.getpid()}"
    work = tempfile.mkdtemp(prefix="picmon-tmux-it-")
    rcfile = os.path.join(work, "rc")
    tmux = ["tmux", "-L", sock, "-f", "/dev/null"]
    env = dict(os.environ)
    env.pop("TMUX", None)
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    try:
        subprocess.run(tmux + ["new-session", "-d", "-s", "top", "-x", "120", "-y", "40",
                               f"'{PICMON}' top -d 0.2; echo $? > '{rcfile}'"], check=True, env=env)
        pane = []
        deadline = time.monotonic() + 15.0
        while time.monotonic() < deadline:
            out = subprocess.run(tmux + ["capture-pane", "-p", "-t", "top"], capture_output=True, text=True)
            pane = out.stdout.split("\n")
            if sum(1 for line in pane if ROW.match(line)) >= 30:
                break
            time.sleep(0.2)
        time.sleep(0.6)  # a few frames later: what stays on the pane
        pane = subprocess.run(tmux + ["capture-pane", "-p", "-t", "top"], capture_output=True,
                              text=True).stdout.rstrip("\n").split("\n")
        expect(pane and pane[0].startswith("picmon top - load average:"), "pane: load line at the top")
        for label in ("Tasks:", "Users:", "%Cpu(s):", "MiB Mem:"):
            expect(any(line.startswith(label) for line in pane), f"pane: header has '{label}'")
        header = next((i for i, line in enumerate(pane) if line.lstrip().startswith("PID ")), None)
        rows = [line for line in pane[header + 1:]] if header is not None else []
        expect(header is not None and len(rows) == 40 - 1 - header and all(ROW.match(r) for r in rows),
               f"pane: process rows from below the column header to the last of 40 rows ({len(rows)})")
        expect(len(pane) == 40 and max(len(line) for line in pane) <= 120,
               f"pane: 40 rows of at most 120 columns ({len(pane)} rows)")
        subprocess.run(tmux + ["send-keys", "-t", "top", "q"], check=True)
        ended = False
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            if subprocess.run(tmux + ["has-session", "-t", "top"], capture_output=True).returncode != 0:
                ended = True
                break
            time.sleep(0.05)
        expect(ended, "q ends the tmux session within 2 s")
        rc = open(rcfile).read().strip() if os.path.exists(rcfile) else None
        expect(rc == "0", f"picmon top exit status 0 in tmux (got {rc})")
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True)
        if os.path.exists(rcfile):
            os.unlink(rcfile)
        os.rmdir(work)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    {"pty": run_pty, "keys": run_keys, "tmux": run_tmux}[MODE]()
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
