#!/bin/bash
# Speed of the TUI itself, measured on the real binary through a pty:
# time to the first complete frame, and CPU time per keystroke (core work
# plus redraw) while moving the focus, choosing values and typing.  The
# targets are 50 ms and 1 ms.  A measurement for `make bench`, not a test:
# it reports and never fails on a figure.
[ $# -ge 1 ] || { echo "usage: $0 path/to/authtxt" >&2; exit 2; }
BIN=$(readlink -f "$1")
exec python3 - "$BIN" <<'PY'
import fcntl, os, pty, select, struct, sys, termios, time

BIN = sys.argv[1]
TICK = os.sysconf("SC_CLK_TCK")
import tempfile
STATE = tempfile.mkdtemp(prefix="authtxt-perf.")

def spawn(args):
    pid, fd = pty.fork()
    if pid == 0:
        # A private state directory: a recovery file from a real session
        # would put a question in front of the first frame.
        os.environ.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="", NO_COLOR="",
                          XDG_STATE_HOME=STATE)
        os.chdir(os.environ.get("TMPDIR", "/tmp"))
        os.execv(BIN, [BIN] + args)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    os.kill(pid, 28)  # SIGWINCH: the size may have been read before it was set
    return pid, fd

def read_until(fd, marker, timeout=10.0):
    buf = b""
    end = time.monotonic() + timeout
    while marker not in buf:
        left = end - time.monotonic()
        if left <= 0:
            raise SystemExit("timeout waiting for %r" % marker)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            buf += os.read(fd, 65536)
    return buf

def drain(fd, quiet=0.004):
    while True:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            return
        try:
            os.read(fd, 65536)
        except OSError:
            return

def cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK

def measure(fd, pid, keys, rounds):
    before = cpu(pid)
    n = 0
    for _ in range(rounds):
        for k in keys:
            os.write(fd, k)
            r, _, _ = select.select([fd], [], [], 1.0)   # the redraw starts
            drain(fd)                                    # and ends
            n += 1
    return (cpu(pid) - before) * 1000.0 / n, n

# First frame: from exec to the status line of a complete frame.
frames = []
for _ in range(5):
    t0 = time.monotonic()
    pid, fd = spawn(["--example"])
    read_until(fd, b"SPF \xc2\xb7 version")
    frames.append((time.monotonic() - t0) * 1000.0)
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    os.close(fd)
frames.sort()
first = frames[len(frames) // 2]

pid, fd = spawn(["--example"])
read_until(fd, b"SPF \xc2\xb7 version")
drain(fd, 0.05)
results = []
# xterm in keypad mode (ncurses sends smkx): the cursor keys are SS3 O A..D.
DOWN, UP, RIGHT, LEFT = b"\x1bOB", b"\x1bOA", b"\x1bOC", b"\x1bOD"
results.append(("move the focus (SPF terms)",) + measure(fd, pid, [DOWN, DOWN, DOWN, UP, UP, UP], 50))
os.write(fd, b"3"); drain(fd, 0.05)
os.write(fd, DOWN); drain(fd, 0.05)
results.append(("choose p= (DMARC, edit + lint + cross lint)",) + measure(fd, pid, [RIGHT, LEFT], 150))
os.write(fd, b"1"); drain(fd, 0.05)
os.write(fd, b"e"); drain(fd, 0.05)
text = b" ip4:198.51.100.0/24 include:_spf.example.org"
keys = [bytes([c]) for c in text] + [b"\x7f"] * len(text)
results.append(("type in the raw SPF editor (parse + lint per key)",) + measure(fd, pid, keys, 4))
os.write(fd, b"\x1b"); drain(fd, 0.1)
os.write(fd, b"q"); drain(fd, 0.1)
os.write(fd, b"n")
os.waitpid(pid, 0)

print("first frame: %.1f ms (median of 5; target 50 ms)" % first)
worst = 0.0
for name, ms, n in results:
    print("per keystroke, %s: %.3f ms CPU over %d keys (target 1 ms)" % (name, ms, n))
    worst = max(worst, ms)
print("worst per keystroke: %.3f ms CPU" % worst)
import shutil
shutil.rmtree(STATE, ignore_errors=True)
PY
