#!/usr/bin/env python3
"""Hostile clients of oci-immutable-monitor (tests/integration/monitor_test.sh).

    monitor_hostile.py SOCKET MODE [SECONDS]

Every payload carries the word INJECTED: none of it may reach the log. Prints
one line "MODE: OUTCOME"; exit status 0 unless the client itself broke.
"""
import json
import os
import socket
import sys
import time

STATE = {"ociVersion": "1.0.2", "fds": ["seccompFd"], "pid": os.getpid(),
         "metadata": "oci-immutable",
         "state": {"id": "INJECTED", "status": "running", "pid": os.getpid()}}


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def outcome(s):
    """What the monitor did: closed the connection, or kept it open."""
    s.settimeout(3)
    try:
        return "closed" if s.recv(1) == b"" else "answered?!"
    except socket.timeout:
        return "kept open"
    except OSError as e:
        return "closed (%s)" % e.strerror


def main():
    path, mode = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 5
    r, w = os.pipe()
    try:
        if mode == "garbage":
            s = connect(path)
            s.sendall(b"\x00\xff\xfeINJECTED garbage }\n")
            s.shutdown(socket.SHUT_WR)
            print(mode + ": " + outcome(s))
        elif mode == "huge":
            s = connect(path)
            payload = b'{"fds":["seccompFd"],"pid":1,"state":{"id":"INJECTED' + b"A" * (1 << 20)
            try:
                s.sendall(payload)
            except OSError:
                pass
            print(mode + ": " + outcome(s))
        elif mode == "nofd":
            s = connect(path)
            s.sendall(json.dumps(STATE).encode())
            s.shutdown(socket.SHUT_WR)
            print(mode + ": " + outcome(s))
        elif mode == "pipefd":
            s = connect(path)
            socket.send_fds(s, [json.dumps(STATE).encode()], [r])
            print(mode + ": " + outcome(s))
        elif mode == "manyfds":
            s = connect(path)
            state = dict(STATE, fds=["seccompFd"] + ["x"] * 15)
            socket.send_fds(s, [json.dumps(state).encode()], [r, w] * 8)
            print(mode + ": " + outcome(s))
        elif mode == "slowloris":
            s = connect(path)
            text = json.dumps(STATE).encode()
            end = time.time() + seconds
            i = 0
            while time.time() < end and i < len(text) - 1:
                s.send(text[i:i + 1])
                i += 1
                time.sleep(0.2)
            print(mode + ": sent %d bytes over %.0fs, %s" % (i, seconds, outcome(s)))
        elif mode == "flood":
            conns = []
            for _ in range(300):
                try:
                    conns.append(connect(path))
                except OSError as e:
                    print("flood: connect failed: %s" % e.strerror)
                    break
            time.sleep(seconds)
            print(mode + ": held %d connections for %.0fs" % (len(conns), seconds))
        elif mode == "connect":  # as a non-root user
            try:
                s = connect(path)
            except OSError as e:
                print(mode + ": refused (%s)" % e.strerror)
                return 0
            try:
                socket.send_fds(s, [json.dumps(STATE).encode()], [r])
            except OSError:
                pass  # the monitor closed the connection first
            print(mode + ": connected, " + outcome(s))
        else:
            print("unknown mode " + mode, file=sys.stderr)
            return 2
    except OSError as e:
        print(mode + ": client error %s" % e.strerror)
    return 0


if __name__ == "__main__":
    sys.exit(main())
