"""LRMX: the XML interchange file of the 干部任免审批表 tools (shared/docs/lrmx.md).

- `write(cadre, *, actor) -> bytes`: canonical export (UTF-8, <Person>, canonical order, yyyyMM).
- `parse(data) -> ParsedPerson`: every variant real files show (date forms, free-text 入党时间,
  UTF-8 ± BOM, GBK/GB18030 declared or not, odd entities, <br> in 简历) and the legacy `.lrm`;
  refuses malformed XML, unknown encodings, DTDs / entity expansion / external entities
  (defusedxml), missing 姓名/性别/出生年月/参加工作时间, files over 10 MB and photos that are not
  images, with one Chinese message per problem (LrmxError).
- `import_person(parsed, *, actor, unit_id, managed_by, update_existing) -> Cadre`: one audited
  transaction through the cadre services (see importer.py for the create/update/merge rules).
- `exchange`: single and zip export (audited), reading uploads, per-file batch import.

Unknown elements (DaoLingNianYue, …) are accepted and ignored on import: the record has no field
for them. They are kept on the ParsedPerson (`extras`) and `write(…, extras=…)` can re-emit
them, which only helps within one process; nothing is stored.
"""

from .exchange import (
    ImportReport,
    SourceFile,
    export_one,
    export_zip,
    process_upload,
    read_upload,
    run_import,
)
from .importer import (
    ImportResult,
    check_target,
    import_person,
    import_person_result,
    preview_import,
)
from .person import ExtraElement, ParsedEducation, ParsedFamilyMember, ParsedPerson
from .reader import parse
from .schema import LrmxError
from .writer import write

__all__ = [
    "ExtraElement",
    "ImportReport",
    "ImportResult",
    "LrmxError",
    "ParsedEducation",
    "ParsedFamilyMember",
    "ParsedPerson",
    "SourceFile",
    "check_target",
    "export_one",
    "export_zip",
    "import_person",
    "import_person_result",
    "parse",
    "preview_import",
    "process_upload",
    "read_upload",
    "run_import",
    "write",
]
