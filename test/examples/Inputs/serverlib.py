"""Starting an example server under test and waiting for it (test/examples).

start(argv) runs the server, reads `listening on 127.0.0.1:PORT` from its
stdout, checks that it runs on the reactor COAST_IO asks for (io_urings
open with COAST_IO=uring, none without) and returns (process, port); finish(proc) waits (bounded) for it to
exit on its own after its connection limit and returns its remaining stdout.
Everything here is bounded in time: a hung server is killed and the test
fails.
"""
import ctypes
import os
import re
import subprocess
import sys
import threading
import time

TIMEOUT = 30  # seconds, for any single socket operation and for the exit


def uring_usable():
    """Whether this kernel lets a thread make the ring coast makes
    (SINGLE_ISSUER | DEFER_TASKRUN), as test-uring.c's probe."""
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)  # struct io_uring_params
    ctypes.c_uint32.from_buffer(params, 8).value = (1 << 12) | (1 << 13)
    fd = libc.syscall(425, 4, params)  # __NR_io_uring_setup
    if fd < 0:
        return False
    os.close(fd)
    return True


def rings(pid):
    """The io_uring instances open in process pid."""
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            n += os.readlink("/proc/%d/fd/%s" % (pid, fd)) == \
                "anon_inode:[io_uring]"
        except OSError:
            pass  # closed meanwhile
    return n


def check_reactor(proc):
    """COAST_IO=uring: the server's workers made rings (where the kernel
    can); otherwise none.  A worker may start after the server listens."""
    want = os.environ.get("COAST_IO") == "uring" and uring_usable()
    deadline = time.monotonic() + 5
    while want and not rings(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    if bool(rings(proc.pid)) != want:
        proc.kill()
        sys.exit("server has %d io_urings, COAST_IO=%s"
                 % (rings(proc.pid), os.environ.get("COAST_IO")))


def start(argv):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    # Kill the server if it never says where it listens.
    timer = threading.Timer(TIMEOUT, proc.kill)
    timer.start()
    line = proc.stdout.readline()
    timer.cancel()
    m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)\n", line)
    if not m:
        proc.kill()
        sys.exit("server did not say where it listens: %r" % line)
    check_reactor(proc)
    return proc, int(m.group(1))


def finish(proc):
    try:
        out, _ = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        sys.exit("server did not exit after its connection limit")
    if proc.returncode != 0:
        sys.exit("server exited with %d" % proc.returncode)
    return out


def run_all(jobs):
    """Runs the callables at once, one thread each; re-raises the first
    failure after all have ended."""
    errors = []

    def wrap(job):
        try:
            job()
        except BaseException as e:  # noqa: B036 - report any failure
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
