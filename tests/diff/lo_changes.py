"""Accept or reject every tracked change of .docx files in LibreOffice, and print their text.

/usr/bin/python3 tests/diff/lo_changes.py accept|reject|none FILE.docx [FILE.docx ...]

Run with the system Python, which has Debian's python3-uno. LibreOffice is started headless
with a profile of its own; each document is loaded hidden and its changes accepted or
rejected with the Accept All / Reject All commands (`none` leaves them). Prints one JSON
object per file: {"file", "redlines" (how many tracked changes it had), "body" (each
paragraph's text in order, a table's cells row by row), "notes" (each footnote's text)}.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe: str, office: subprocess.Popen[bytes]) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(200):
        if office.poll() is not None:
            raise SystemExit(f"LibreOffice exited with {office.returncode}")
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.1)
    raise SystemExit("LibreOffice did not answer")


def texts(doc: object) -> tuple[list[str], list[str]]:
    body: list[str] = []
    enum = doc.getText().createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in element.getCellNames():
                cell = element.getCellByName(name)
                cells = cell.createEnumeration()
                while cells.hasMoreElements():
                    body.append(cells.nextElement().getString())
        else:
            body.append(element.getString())
    notes = []
    footnotes = doc.getFootnotes()
    for index in range(footnotes.getCount()):
        notes.append(footnotes.getByIndex(index).getString())
    return body, notes


def main(argv: list[str]) -> int:
    mode, files = argv[0], argv[1:]
    command = {"accept": ".uno:AcceptAllTrackedChanges",
               "reject": ".uno:RejectAllTrackedChanges", "none": None}[mode]
    with tempfile.TemporaryDirectory(prefix="hthc-lo-") as tmp:
        pipe = f"hthc_lo_{os.getpid()}"
        office = subprocess.Popen(
            ["soffice", f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
             "--headless", "--invisible", "--nologo", "--norestore",
             f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            ctx = connect(pipe, office)
            smgr = ctx.ServiceManager
            desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            dispatcher = smgr.createInstanceWithContext(
                "com.sun.star.frame.DispatchHelper", ctx)
            for name in files:
                url = Path(name).resolve().as_uri()
                doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
                redlines = doc.getRedlines().createEnumeration()
                count = 0
                while redlines.hasMoreElements():
                    redlines.nextElement()
                    count += 1
                if command is not None:
                    frame = doc.getCurrentController().getFrame()
                    dispatcher.executeDispatch(frame, command, "", 0, ())
                body, notes = texts(doc)
                left = doc.getRedlines().createEnumeration().hasMoreElements()
                print(json.dumps({"file": name, "redlines": count, "left": left,
                                  "body": body, "notes": notes}, ensure_ascii=False))
                doc.close(True)
            desktop.terminate()
        finally:
            try:
                office.wait(timeout=20)
            except subprocess.TimeoutExpired:
                office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
