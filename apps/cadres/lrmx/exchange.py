"""Exchanges as the pages run them: export one or a zip (audited), read an upload, import files.

Batch import is per file: each file is parsed and imported in its own transaction and gets its
own result line (created / updated / refused with the reason / skipped); a refused file leaves
nothing behind and does not stop the others. One summary event audits the whole upload.
"""

import contextlib
import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from apps.cadres import identity
from apps.cadres.models import Cadre
from apps.cadres.selectors import cadre_get
from apps.core import audit
from apps.core.exceptions import DomainError

from .importer import check_target, import_person_result, preview_import
from .person import ParsedPerson
from .reader import parse
from .schema import (
    MAX_BATCH,
    MAX_FILE_BYTES,
    MAX_PHOTO_BYTES,
    MAX_ZIP_BYTES,
    MAX_ZIP_TOTAL_BYTES,
    LrmxError,
)
from .writer import write

XML_SUFFIXES = (".lrmx", ".xml")
UPLOAD_SUFFIXES = (".lrmx", ".lrm", ".zip", ".xml")


def file_stem(name: str) -> str:
    """A cadre's name usable as a file name (no path separators or characters Windows refuses)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip() or "干部"


def export_one(cadre_id: int, *, actor: Any) -> tuple[str, bytes]:
    """(file name, content) of one cadre; the read and the export are audited.
    OutOfScopeError (views: 404) outside the actor's scope."""
    cadre = cadre_get(actor=actor, cadre_id=cadre_id)
    content = write(cadre, actor=actor)
    audit.record(action="cadre.lrmx_export", actor=actor, target=cadre, detail={"count": 1})
    return f"{file_stem(cadre.name)}.lrmx", content


@dataclass(frozen=True)
class ZipExport:
    content: bytes
    count: int  # files written
    missing: int  # ids not found or outside the scope (not named: they may not be revealed)


def export_zip(ids: Sequence[int], *, actor: Any) -> ZipExport:
    """A zip of .lrmx files for the given ids inside the actor's scope (≤ MAX_BATCH)."""
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > MAX_BATCH:
        raise DomainError(f"一次最多导出{MAX_BATCH}人，当前选择了{len(wanted)}人，请分批导出")
    cadres = list(Cadre.objects.visible_to(actor).filter(pk__in=wanted).select_related("unit"))
    buffer = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for cadre in sorted(cadres, key=lambda c: (c.name_pinyin, c.pk)):
            stem = file_stem(cadre.name)
            name, n = f"{stem}.lrmx", 1
            while name in names:
                n += 1
                name = f"{stem}（{n}）.lrmx"
            names.add(name)
            archive.writestr(name, write(cadre, actor=actor))
        missing = len(wanted) - len(cadres)
        if missing:
            note = (
                f"共选择{len(wanted)}人，导出{len(cadres)}人；"
                f"另有{missing}人不存在或不在您的数据范围内，未导出。\r\n"
            )
            archive.writestr("导出说明.txt", note.encode("utf-8"))
    audit.record(
        action="cadre.lrmx_export_batch",
        actor=actor,
        target_type="cadres.cadre",
        target_repr=f"{len(cadres)}人",
        detail={"count": len(cadres), "ids": [c.pk for c in cadres], "missing": missing},
    )
    return ZipExport(buffer.getvalue(), len(cadres), missing)


@dataclass(frozen=True)
class SourceFile:
    """One file to import; `error` set when it was refused or skipped before parsing."""

    name: str
    data: bytes | None = None
    legacy: bool = False
    photo: bytes | None = None  # a legacy .lrm's .pic beside it in the zip
    error: str = ""
    skipped: bool = False  # not an LRMX file at all (error explains)


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Names of zips made on Chinese Windows are GBK without the UTF-8 flag (read as cp437)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gb18030")
    return name


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The member's bytes, or None when larger than `limit` (headers may lie: read and count)."""
    with archive.open(info) as handle:
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


def read_zip(data: bytes) -> list[SourceFile]:
    """The .lrmx/.lrm files of a zip (with each .lrm's .pic), size-capped against zip bombs."""
    if len(data) > MAX_ZIP_BYTES:
        raise LrmxError(
            f"压缩包超过{MAX_ZIP_BYTES // 1024 // 1024}MB，请分批导入", code="lrmx_too_large"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise LrmxError("压缩包已损坏或不是ZIP文件", code="lrmx_zip") from None
    entries = [
        (_zip_name(i), i)
        for i in archive.infolist()
        if not i.is_dir() and "__MACOSX" not in i.filename
    ]
    entries = [(n, i) for n, i in entries if not PurePosixPath(n).name.startswith(".")]
    pictures = {
        PurePosixPath(n).with_suffix("").as_posix().lower(): i
        for n, i in entries
        if n.lower().endswith(".pic")
    }
    people = [(n, i) for n, i in entries if n.lower().endswith((*XML_SUFFIXES, ".lrm"))]
    if not people:
        raise LrmxError("压缩包中没有 .lrmx 或 .lrm 文件", code="lrmx_zip")
    if len(people) > MAX_BATCH:
        raise LrmxError(f"压缩包中的文件超过{MAX_BATCH}个，请分批导入", code="lrmx_zip")
    files: list[SourceFile] = []
    total = 0
    for name, info in sorted(people):
        try:
            content = _read_capped(archive, info, MAX_FILE_BYTES)
            legacy = name.lower().endswith(".lrm")
            picture = pictures.get(PurePosixPath(name).with_suffix("").as_posix().lower())
            photo = _read_capped(archive, picture, MAX_PHOTO_BYTES) if legacy and picture else None
        except (
            RuntimeError,
            NotImplementedError,
            zipfile.BadZipFile,
            OSError,
            EOFError,
            ValueError,
        ):
            files.append(SourceFile(name, error="文件已加密或已损坏，无法解压"))
            continue
        if content is None:
            files.append(
                SourceFile(name, error=f"文件超过{MAX_FILE_BYTES // 1024 // 1024}MB，不能导入")
            )
            continue
        total += len(content)
        if total > MAX_ZIP_TOTAL_BYTES:
            raise LrmxError("压缩包解压后内容过大，请分批导入", code="lrmx_too_large")
        files.append(SourceFile(name, content, legacy=legacy, photo=photo))
    skipped = [n for n, _ in entries if not n.lower().endswith((*XML_SUFFIXES, ".lrm", ".pic"))]
    files += [
        SourceFile(n, error="不是LRMX或LRM文件，已跳过", skipped=True) for n in sorted(skipped)
    ]
    return files


def read_upload(filename: str, data: bytes) -> list[SourceFile]:
    """The files of an upload: one .lrmx/.lrm, or those of a zip. LrmxError if unusable."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".zip":
        return read_zip(data)
    if suffix not in UPLOAD_SUFFIXES:
        raise LrmxError("只能导入 .lrmx、.lrm 文件或包含它们的 .zip 压缩包", code="lrmx_type")
    if len(data) > MAX_FILE_BYTES:
        raise LrmxError(
            f"文件超过{MAX_FILE_BYTES // 1024 // 1024}MB，不能导入", code="lrmx_too_large"
        )
    return [SourceFile(filename, data, legacy=suffix == ".lrm")]


CREATED, UPDATED, REFUSED, SKIPPED = "created", "updated", "refused", "skipped"
STATUSES = (CREATED, UPDATED, REFUSED, SKIPPED)


@dataclass
class FileResult:
    name: str
    status: str
    message: str = ""
    person: ParsedPerson | None = None
    cadre_id: int | None = None
    changed: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The outcome of an upload (or, with `dry_run`, what importing it would do)."""

    results: list[FileResult]
    dry_run: bool

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in STATUSES}

    @property
    def importable(self) -> int:
        return self.count(CREATED) + self.count(UPDATED)


def _one(
    source: SourceFile, seen: dict[str, str], *, actor: Any, options: dict[str, Any], dry_run: bool
) -> FileResult:
    if source.data is None:
        return FileResult(source.name, SKIPPED if source.skipped else REFUSED, source.error)
    try:
        person = parse(source.data, legacy=source.legacy, photo_data=source.photo)
    except LrmxError as exc:
        return FileResult(source.name, REFUSED, exc.message)
    if person.id_number:
        digest = identity.search_hash(person.id_number)
        if digest in seen:
            return FileResult(
                source.name, REFUSED, f"与“{seen[digest]}”的身份证号相同，未导入", person
            )
        seen[digest] = source.name
    try:
        if dry_run:
            result = preview_import(person, actor=actor, **options)
        else:
            result = import_person_result(person, actor=actor, source=source.name, **options)
    except DomainError as exc:
        return FileResult(source.name, REFUSED, exc.message, person)
    status = CREATED if result.created else UPDATED
    cadre_id = None if dry_run else result.cadre.pk
    return FileResult(source.name, status, "", person, cadre_id, result.changed)


def run_import(
    files: Sequence[SourceFile],
    *,
    actor: Any,
    unit_id: int | None,
    managed_by: str,
    update_existing: bool,
    dry_run: bool,
    upload_name: str = "",
    upload_digest: str = "",
) -> ImportReport:
    """Import (or preview) each file in its own transaction; audit a real run as a whole.
    A target outside the actor's scope refuses the whole upload (DomainError)."""
    check_target(actor, unit_id, managed_by)
    options = {"unit_id": unit_id, "managed_by": managed_by, "update_existing": update_existing}
    seen: dict[str, str] = {}
    results = [_one(f, seen, actor=actor, options=options, dry_run=dry_run) for f in files]
    report = ImportReport(results, dry_run)
    if not dry_run:
        audit.record(
            action="cadre.lrmx_import_batch",
            actor=actor,
            target_type="cadres.cadre",
            target_repr=upload_name[:200],
            detail={
                "file": upload_name,
                "sha256": upload_digest,
                **report.counts,
                "refused_files": [
                    {"name": r.name, "reason": r.message} for r in results if r.status == REFUSED
                ],
            },
        )
    return report


def process_upload(
    filename: str,
    data: bytes,
    *,
    actor: Any,
    unit_id: int | None,
    managed_by: str,
    update_existing: bool,
    dry_run: bool,
) -> ImportReport:
    """An uploaded .lrmx / .lrm / .zip previewed (`dry_run`) or imported, file by file.
    LrmxError when the upload itself is unusable, DomainError for a target outside the scope."""
    return run_import(
        read_upload(filename, data),
        actor=actor,
        unit_id=unit_id,
        managed_by=managed_by,
        update_existing=update_existing,
        dry_run=dry_run,
        upload_name=filename,
        upload_digest=hashlib.sha256(data).hexdigest(),
    )
