#!/usr/bin/env python3
"""xdamage.py PID [SECONDS] — what an app repaints: the X DAMAGE rectangles of the top-level
windows of process PID (by _NET_WM_PID) over SECONDS (default 10), as the X server records
them when the app draws. Prints one JSON object: the window's size, how many damage
rectangles and repaints (bursts of rectangles within 20 ms) there were, the pixels they
covered per second, the share of the window that is, and the bounding box of each of the
first repaints. Used to see whether a 1 Hz live view repaints its charts or the whole window
(issue 14); runs under the Xvfb the app runs in (DISPLAY)."""
import ctypes
import ctypes.util
import json
import select
import sys
import time

from x11pids import windows_of, x

xd = ctypes.CDLL(ctypes.util.find_library("Xdamage") or "libXdamage.so.1")
x.XConnectionNumber.argtypes = [ctypes.c_void_p]
x.XPending.argtypes = [ctypes.c_void_p]
x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]


class XWindowAttributes(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int),
                ("border_width", ctypes.c_int), ("depth", ctypes.c_int), ("visual", ctypes.c_void_p),
                ("root", ctypes.c_ulong), ("cls", ctypes.c_int), ("bit_gravity", ctypes.c_int),
                ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
                ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong),
                ("map_installed", ctypes.c_int), ("map_state", ctypes.c_int), ("rest", ctypes.c_byte * 64)]


x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(XWindowAttributes)]
xd.XDamageQueryExtension.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)]
xd.XDamageCreate.restype = ctypes.c_ulong
xd.XDamageCreate.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int]


class XRectangle(ctypes.Structure):
    _fields_ = [("x", ctypes.c_short), ("y", ctypes.c_short), ("width", ctypes.c_ushort), ("height", ctypes.c_ushort)]


class XDamageNotifyEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("drawable", ctypes.c_ulong), ("damage", ctypes.c_ulong),
                ("level", ctypes.c_int), ("more", ctypes.c_int), ("timestamp", ctypes.c_ulong),
                ("area", XRectangle), ("geometry", XRectangle)]


def main():
    pid = int(sys.argv[1])
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    d = x.XOpenDisplay(None)
    if not d:
        sys.exit("xdamage.py: no X display")
    base, err = ctypes.c_int(), ctypes.c_int()
    if not xd.XDamageQueryExtension(d, ctypes.byref(base), ctypes.byref(err)):
        sys.exit("xdamage.py: the X server has no DAMAGE extension")
    wins = windows_of(d, pid)
    if not wins:
        sys.exit(f"xdamage.py: no window of pid {pid}")
    area, size = 0, None
    for w in wins:
        a = XWindowAttributes()
        x.XGetWindowAttributes(d, w, ctypes.byref(a))
        if a.cls != 1 or a.map_state != 2:  # InputOutput and viewable only: the rest are never drawn
            continue
        area = max(area, a.width * a.height)
        size = (a.width, a.height)
        xd.XDamageCreate(d, w, 0)  # XDamageReportRawRectangles
    x.XFlush(d)
    fd = x.XConnectionNumber(d)
    ev = (ctypes.c_byte * 192)()
    rects, repaints = [], []
    end = time.monotonic() + secs
    while (left := end - time.monotonic()) > 0:
        if not x.XPending(d):
            select.select([fd], [], [], left)
            continue
        x.XNextEvent(d, ev)
        e = ctypes.cast(ev, ctypes.POINTER(XDamageNotifyEvent)).contents
        if e.type != base.value:
            continue
        now = time.monotonic()
        r = (e.area.x, e.area.y, e.area.width, e.area.height)
        rects.append(r)
        if repaints and now - repaints[-1]["t"] < 0.02:
            b = repaints[-1]["box"]
            x0, y0 = min(b[0], r[0]), min(b[1], r[1])
            x1, y1 = max(b[0] + b[2], r[0] + r[2]), max(b[1] + b[3], r[1] + r[3])
            repaints[-1]["box"] = (x0, y0, x1 - x0, y1 - y0)
            repaints[-1]["px"] += r[2] * r[3]
            repaints[-1]["t"] = now
        else:
            repaints.append({"t": now, "box": r, "px": r[2] * r[3]})
    px = sum(w * h for _, _, w, h in rects)
    print(json.dumps({
        "window": size, "seconds": secs, "rects": len(rects), "repaints": len(repaints),
        "px_per_s": round(px / secs), "window_share_per_s": round(px / secs / area, 3) if area else None,
        "boxes": [p["box"] for p in repaints[:12]], "px_per_repaint": [p["px"] for p in repaints[:12]],
    }))


main()
