#!/usr/bin/env python3
"""xwin.py unmap|map PID — hide or show the X11 top-level windows of process PID (by
_NET_WM_PID), as a window manager does when it minimizes a window (ICCCM iconic state unmaps
it). bench/desktop.sh uses it under Xvfb, which has no window manager to minimize with: GTK
then reports the window iconified, and WebKit the page hidden (`visibilitychange`)."""
import ctypes
import sys

from x11pids import windows_of, x

x.XUnmapWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
x.XMapWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]


def main():
    action, pid = sys.argv[1], int(sys.argv[2])
    d = x.XOpenDisplay(None)
    if not d:
        sys.exit("xwin.py: no X display")
    wins = windows_of(d, pid)
    for w in wins:
        (x.XUnmapWindow if action == "unmap" else x.XMapWindow)(d, w)
    x.XFlush(d)
    if not wins:
        sys.exit(f"xwin.py: no window of pid {pid}")
    print(len(wins))


main()
