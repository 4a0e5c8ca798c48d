"""Starting an example server under test and waiting for it (test/examples).

start(argv) runs the server, reads `listening on 127.0.0.1:PORT` from its
stdout and returns (process, port); finish(proc) waits (bounded) for it to
exit on its own after its connection limit and returns its remaining stdout.
Everything here is bounded in time: a hung server is killed and the test
fails.
"""
import re
import subprocess
import sys
import threading

TIMEOUT = 30  # seconds, for any single socket operation and for the exit


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
