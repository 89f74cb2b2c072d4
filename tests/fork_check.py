"""Run by test_fork.py in its own process: forks while another thread compiles (a new shape every call) or runs
large parallel calls; each child must compile a new signature and run large calls correctly, on a pool of its own,
within the deadline. Usage: fork_check.py compile|run N_FORKS; prints "failures K", exits 1 if K > 0."""
import os
import sys
import threading
import time

import numpy as np

import jitc


@jitc.compile
def kernel(x):
    return np.tanh(x * 0.5) * 2.0 + 1.0


def eager(x):
    return np.tanh(x * 0.5) * 2.0 + 1.0


def child(i: int, big) -> int:
    x = np.random.default_rng(i).random((1 << 18) + 7).astype(np.float32)  # a new signature: compiles here
    ok = np.allclose(kernel(x), eager(x), rtol=1e-5, atol=1e-6)
    ok = ok and np.allclose(kernel(big), eager(big), rtol=1e-5, atol=1e-6)
    ok = ok and len(os.listdir("/proc/self/task")) > 1  # the child's pool started workers of its own
    return 0 if ok else 3


def main(mode: str, forks: int) -> int:
    stop = threading.Event()
    big = np.random.default_rng(0).random(1 << 20).astype(np.float32)

    def busy():
        n = 1
        while not stop.is_set():
            if mode == "compile":
                n += 1
                kernel(np.full(n, 0.5, np.float32))
            else:
                kernel(big)

    worker = threading.Thread(target=busy, daemon=True)
    worker.start()
    time.sleep(0.2)
    failures = 0
    for i in range(forks):
        time.sleep(0.01 * (i % 3))
        pid = os.fork()
        if pid == 0:
            os._exit(child(i, big))
        deadline = time.monotonic() + 30
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                failures += os.waitstatus_to_exitcode(status) != 0
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                print(f"child {i} hung", flush=True)
                failures += 1
                break
            time.sleep(0.005)
    stop.set()
    worker.join()
    print(f"failures {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
