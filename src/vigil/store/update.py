"""Where each official list comes from: download URLs, and the layout of a local mirror.

`plan_mirror(dir)` and `download(source, dest)` both yield the path a parser reads
(`vigil.sources.parse(source, path)`); `vigil update` then ingests each one.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

from vigil.settings import current as current_settings

OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
EU_FSF_URL = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token={token}"
EU_TOKEN_ENV = "VIGIL_EU_FSF_TOKEN"


@dataclass(frozen=True)
class RemoteFile:
    url: str
    filename: str  # saved under this name, the one the parser and a mirror use
    required: bool = True


# Official publication URLs. OFAC's legacy https://www.treasury.gov/ofac/downloads/sdn.csv (etc.) redirect
# to the Sanctions List Service exports used here.
DOWNLOADS: dict[str, list[RemoteFile]] = {
    "ofac": [
        RemoteFile(OFAC_EXPORTS + "SDN.CSV", "sdn.csv"),
        RemoteFile(OFAC_EXPORTS + "ADD.CSV", "add.csv"),
        RemoteFile(OFAC_EXPORTS + "ALT.CSV", "alt.csv"),
        RemoteFile(OFAC_EXPORTS + "SDN_COMMENTS.CSV", "sdn_comments.csv", required=False),
    ],
    "ofac-cons": [
        RemoteFile(OFAC_EXPORTS + "CONS_PRIM.CSV", "cons_prim.csv"),
        RemoteFile(OFAC_EXPORTS + "CONS_ADD.CSV", "cons_add.csv"),
        RemoteFile(OFAC_EXPORTS + "CONS_ALT.CSV", "cons_alt.csv"),
        RemoteFile(OFAC_EXPORTS + "CONS_COMMENTS.CSV", "cons_comments.csv", required=False),
    ],
    "un": [RemoteFile("https://scsanctions.un.org/resources/xml/en/consolidated.xml", "consolidated.xml")],
    "uk": [RemoteFile("https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv", "ConList.csv")],
    # The EU FSF requires a (free) token from the EU Financial Sanctions Database: VIGIL_EU_FSF_TOKEN.
    "eu": [RemoteFile(EU_FSF_URL, "xmlFullSanctionsList_1_1.xml")],
}

UPDATE_ORDER = ("ofac", "ofac-cons", "un", "uk", "eu", "eu-journal")


class Skip(Exception):
    """This source is not available here (no EU token, not in the mirror); not an error."""


class DownloadError(Exception):
    pass


# -- local mirror (a folder laid out like ../shared/data) -------------------
def mirror_path(source: str, mirror: Path) -> Path:
    """The file or folder of `source` in the mirror; Skip when the mirror has none."""
    mirror = Path(mirror)
    if source == "ofac":
        folder = mirror / "ofac_sdn"
        if (folder / "sdn.csv").is_file():
            return folder
        raise Skip(f"the mirror has no OFAC SDN file ({folder}/sdn.csv)")
    if source == "ofac-cons":
        folder = mirror / "ofac_consolidated"
        if (folder / "cons_prim.csv").is_file():  # the CSV set carries addresses and comments
            return folder
        xml = sorted(folder.glob("*.xml")) if folder.is_dir() else []
        if xml:
            return xml[0]
        raise Skip(f"the mirror has no OFAC consolidated file ({folder}/cons_prim.csv or *.xml)")
    if source == "un":
        path = mirror / "un" / "consolidated.xml"
        if path.is_file():
            return path
        raise Skip(f"the mirror has no UN file ({path})")
    if source == "uk":
        folder = mirror / "uk_ofsi"
        candidates = [folder / "ConList.xlsx"] + (sorted(folder.glob("ConList*.csv")) if folder.is_dir() else [])
        for path in candidates:
            if path.is_file():
                return path
        raise Skip(f"the mirror has no UK OFSI file ({folder}/ConList.xlsx or ConList*.csv)")
    if source == "eu":
        folder = mirror / "eu_fsf"
        files = sorted(folder.glob("*.xml")) + sorted(folder.glob("*.csv")) if folder.is_dir() else []
        if files:
            return files[0]
        # Other EU-derived folders (e.g. eu_oj_opensanctions/) are not the official FSF list: never loaded as eu_fsf.
        raise Skip(f"the mirror has no EU file: the official EU FSF list (XML or CSV in {folder}/) is absent, "
                   "so eu_fsf is not loaded")
    if source == "eu-journal":
        folder = mirror / "eu_oj_opensanctions"
        if (folder / "consolidated").is_dir() and any((folder / "consolidated").glob("*.csv")):
            return folder
        raise Skip(f"the mirror has no EU Official Journal transcription ({folder}/consolidated/<CELEX>.csv)")
    raise ValueError(f"unknown source {source!r}")


# -- downloads ---------------------------------------------------------------
ProgressHook = Callable[[str, int, int | None], None]  # (filename, bytes so far, total or None)


def _fetch(client: httpx.Client, remote: RemoteFile, url: str, target: Path, on_progress: ProgressHook | None,
           attempts: int = 3) -> None:
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            with client.stream("GET", url) as response:
                if response.status_code >= 500 or response.status_code == 429:
                    raise DownloadError(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    # 4xx will not get better by retrying.
                    raise DownloadError(f"HTTP {response.status_code} for {remote.url.split('?')[0]}") from None
                total = int(response.headers.get("content-length") or 0) or None
                partial = target.with_suffix(target.suffix + ".part")
                done = 0
                with open(partial, "wb") as fh:
                    for chunk in response.iter_bytes(1 << 16):
                        fh.write(chunk)
                        done += len(chunk)
                        if on_progress:
                            on_progress(remote.filename, done, total)
                if done == 0:
                    raise DownloadError("empty response")
                partial.replace(target)  # never leave a half-written file under the real name
                return
        except (httpx.HTTPError, DownloadError) as exc:
            last = exc
            if isinstance(exc, DownloadError) and str(exc).startswith("HTTP 4"):
                break
            if attempt + 1 < attempts:
                time.sleep(min(2 ** attempt, 5))
    raise DownloadError(f"{remote.filename}: {_describe(last)} (after retries)")


def _describe(exc: Exception | None) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})"
    return str(exc) or exc.__class__.__name__


def download(source: str, dest: Path, *, timeout: float = 60.0, eu_token: str | None = None,
             on_progress: ProgressHook | None = None, files: dict[str, list[RemoteFile]] | None = None) -> Path:
    """Download one source's official files into `dest/<source>/`; returns the path to parse."""
    if source not in (files or DOWNLOADS):
        raise Skip(f"{source} has no download here: read it from a local mirror (vigil update --mirror DIR)")
    remotes = (files or DOWNLOADS)[source]
    token = eu_token or current_settings().eu_fsf_token
    if source == "eu" and not token:
        raise Skip(f"the EU FSF download needs a token from the EU Financial Sanctions Database; set {EU_TOKEN_ENV} "
                   "(or use --mirror with an eu_fsf/ folder)")
    folder = Path(dest) / source
    folder.mkdir(parents=True, exist_ok=True)
    timeouts = httpx.Timeout(timeout, connect=min(15.0, timeout))
    transport = httpx.HTTPTransport(retries=2)  # connection-level retries; HTTP-level ones in _fetch
    headers = {"User-Agent": "vigil sanctions screening (+https://github.com/)"}
    with httpx.Client(timeout=timeouts, follow_redirects=True, transport=transport, headers=headers) as client:
        for remote in remotes:
            target = folder / remote.filename
            url = remote.url.format(token=token or "")
            try:
                _fetch(client, remote, url, target, on_progress)
            except DownloadError:
                if remote.required:
                    raise
                target.unlink(missing_ok=True)  # an optional file (comments) that is stale must not be parsed
    return folder / remotes[0].filename if len(remotes) == 1 else folder
