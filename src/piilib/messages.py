"""What the `pii` command line says to people, in Vietnamese (the default) and English.

Every message has an id and a text per language with the same `{fields}`; `text(id, **fields)`
gives it in the language the environment asks for (`language`). A test checks that both
catalogues hold the same ids with the same fields. Kept free of heavy imports: `pii --help`
reads it.

Language: Vietnamese unless the first of PII_LANG, LANGUAGE, LC_ALL, LC_MESSAGES, LANG that names
a language starts with "en" (values "C" and "POSIX" name none: LC_ALL=C stays Vietnamese, and the
CLI writes UTF-8 whatever the locale, `piilib.cli`).
"""

from __future__ import annotations

import os

VI = "vi"
EN = "en"
LANGUAGES = (VI, EN)
LANGUAGE_VARIABLES = ("PII_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language(environ=None) -> str:
    """"vi" or "en", from the environment (rule in the module docstring)."""
    environ = os.environ if environ is None else environ
    for name in LANGUAGE_VARIABLES:
        value = (environ.get(name) or "").strip()
        first = value.split(":")[0].split(".")[0].upper()
        if first in ("", "C", "POSIX"):
            continue  # says nothing about the language
        return EN if first.startswith("EN") else VI
    return VI


def text(message_id: str, /, **fields) -> str:
    """The message `message_id` in the environment's language, its fields filled in."""
    return CATALOGUE[message_id][language()].format(**fields)


class Said(str):
    """A message as said (the text of `text`), that keeps what it says as facts: `message_id` and
    `fields` (file, line, column, value found, ...), for code and tests that need more than the words.
    It is a `str`, so a list of them joins, prints and compares like the plain messages it replaces."""

    message_id: str
    fields: dict

    def __new__(cls, message_id: str, /, **fields):
        said = super().__new__(cls, text(message_id, **fields))
        said.message_id, said.fields = message_id, fields
        return said

    def __reduce__(self):  # exceptions carrying them cross process boundaries (build workers)
        return (_said_again, (str(self), self.message_id, self.fields))


def _said_again(words: str, message_id: str, fields: dict) -> Said:
    said = str.__new__(Said, words)
    said.message_id, said.fields = message_id, fields
    return said


def fields_of(template: str) -> set[str]:
    """The names of the `{fields}` of a message text."""
    import string  # only the tests ask: kept off `pii --help`'s imports

    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# id -> {language: text}. Ids are grouped by where they are said: cli, a command, io (files).
CATALOGUE: dict[str, dict[str, str]] = {
    # --- the command line as a whole ------------------------------------------------------
    "cli.description": {
        VI: "Chỉ số Đổi mới sáng tạo cấp địa phương (PII): tính toán, kiểm tra và lập báo cáo.",
        EN: "Provincial Innovation Index (PII): compute, check and report.",
    },
    "cli.error": {VI: "lỗi: {text}", EN: "error: {text}"},
    "cli.warning": {VI: "cảnh báo: {text}", EN: "warning: {text}"},
    "cli.note": {VI: "ghi chú: {text}", EN: "note: {text}"},
    "cli.problems_found": {VI: "Có {count} lỗi.", EN: "{count} problem(s) found."},
    "cli.interrupted": {
        VI: "lỗi: đã dừng (Ctrl+C); chạy lại lệnh để hoàn tất.",
        EN: "error: interrupted (Ctrl+C); run the command again to finish it.",
    },
    "cli.out_of_memory": {
        VI: "lỗi: máy không đủ bộ nhớ cho phép tính này; giảm số lần mô phỏng (--draws, --replications, "
            "--bootstrap) hoặc đóng bớt chương trình khác rồi chạy lại.",
        EN: "error: not enough memory for this computation; use fewer draws (--draws, --replications, "
            "--bootstrap) or close other programs, then run the command again.",
    },
    # The one-line help of each command (`pii --help` lists them without importing the commands).
    "help.index": {VI: "dựng một chỉ số (bố cục của COINr) từng bước và ghi mọi giai đoạn",
                   EN: "build an index (COINr layout) step by step and write every stage"},
    "help.build": {VI: "dựng báo cáo (HTML và PDF) cho một kỳ",
                   EN: "build the report book (HTML and PDF) for one edition"},
    "help.validate": {VI: "kiểm tra tệp số liệu chính thức (CSV hoặc .xlsx) và liệt kê mọi lỗi",
                      EN: "check an official indicator file (CSV or .xlsx) and list every problem"},
    "help.template": {VI: "tạo biểu mẫu nhập số liệu .xlsx (tỉnh × chỉ số) cho một kỳ",
                      EN: "write the .xlsx entry workbook (provinces × indicators) for one edition"},
    "help.scores": {VI: "điểm và thứ hạng của mọi tỉnh trên mọi chỉ số và chỉ số tổng hợp",
                    EN: "scores and ranks of every province on every indicator and aggregate"},
    "help.demo": {VI: "tạo lại bộ dữ liệu minh họa (data/demo)",
                  EN: "regenerate the illustrative dataset (data/demo)"},
    "help.targets": {VI: "chỉ tiêu cho các chỉ số của kế hoạch: giá trị cần đạt theo từng ngưỡng, tính lại PII",
                     EN: "targets for the plan's indicators: value needed per threshold, PII recomputed"},
    "help.outlook": {VI: "xác suất vào top 10 cả nước và dẫn đầu vùng ở kỳ sau",
                     EN: "probability of the national top 10 and of leading the region in the next edition"},
    "help.robustness": {VI: "khoảng thứ hạng PII khi phương pháp và khung chỉ số thay đổi",
                        EN: "rank intervals of the PII when the method and the framework vary"},
    # Options several commands share.
    "arg.edition": {VI: "kỳ PII, ví dụ 2024", EN: "PII edition, e.g. 2024"},
    "arg.province": {VI: "tên tỉnh, thành phố, viết kiểu nào cũng được, ví dụ 'Cần Thơ'",
                     EN: "province name in any spelling, e.g. 'Cần Thơ'"},
    "arg.data": {
        VI: "dữ liệu: một thư mục như data/demo (values.csv; history.csv và covariates*.csv cho xu hướng "
            "và nhóm tương đồng) hoặc một tệp số liệu chính thức (CSV hoặc .xlsx, ví dụ điền từ `pii "
            "template`), được thêm vào các kỳ đã có (data/demo và thư mục số liệu chính thức); xu hướng và "
            "nhóm tương đồng dùng chuỗi số liệu và biến cấu trúc minh họa của data/demo (mặc định: bộ dữ "
            "liệu minh họa data/demo, cùng các tệp chính thức trong data/official/ hoặc $PII_OFFICIAL_DIR)",
        EN: "the data: a directory laid out like data/demo (values.csv; history.csv and covariates*.csv "
            "for trends and peers), or an official values file (CSV or .xlsx, e.g. filled in from "
            "`pii template`), added to the editions already held (data/demo and the official folder) and "
            "whose trends and peers use the illustrative history and covariates of data/demo (default: the "
            "bundled illustrative dataset, data/demo, with the official files of data/official/ or "
            "$PII_OFFICIAL_DIR on top)",
    },
    "arg.seed": {VI: "hạt giống ngẫu nhiên, để kết quả lặp lại được (mặc định {default})",
                 EN: "random seed, for reproducible figures (default {default})"},
    "arg.at_least": {VI: "{option} {value}: cần một số nguyên >= {minimum}",
                     EN: "{option} {value}: expected a whole number >= {minimum}"},
    "arg.between": {VI: "{option} {value}: cần một số nguyên từ {minimum} đến {maximum}{why}",
                    EN: "{option} {value}: expected a whole number from {minimum} to {maximum}{why}"},
    "arg.why.provinces": {VI: " (số tỉnh, thành phố của kỳ {edition})",
                          EN: " (the number of provinces of edition {edition})"},
    "arg.why.memory": {VI: " (số lớn hơn cần quá nhiều bộ nhớ và thời gian)",
                       EN: " (a larger number needs too much memory and time)"},
    # --- pii build --------------------------------------------------------------------------
    "build.description": {
        VI: "Chạy mọi chương (notebook) của kỳ (chương không đổi lấy từ bộ nhớ đệm), dựng HTML và PDF "
            "bằng Jupyter Book và công bố vào --out. Lần dựng lỗi không công bố gì và giữ nguyên báo cáo cũ.",
        EN: "Execute every chapter notebook for the edition (unchanged chapters come from the cache), "
            "build the HTML and PDF with Jupyter Book, and publish them into --out. A failed build "
            "publishes nothing and leaves the previous report untouched.",
    },
    "build.arg.province": {
        VI: "tên tỉnh, thành phố, viết kiểu nào cũng được, ví dụ 'Cần Thơ' (mặc định: {default})",
        EN: "province name in any spelling, e.g. 'Cần Thơ' (default: {default})",
    },
    "build.arg.no_pdf": {VI: "chỉ dựng HTML (không dựng PDF)", EN: "build the HTML only"},
    "build.arg.out": {VI: "thư mục công bố (mặc định: out/<kỳ>-<tỉnh>)",
                      EN: "publish here (default: out/<edition>-<province>)"},
    "build.arg.cache_dir": {VI: "thư mục dựng và bộ nhớ đệm (mặc định: build/report/<kỳ>-<tỉnh>)",
                            EN: "build and cache directory (default: build/report/<edition>-<province>)"},
    "build.arg.toc": {
        VI: "mục lục của báo cáo; các notebook và trang trong đó được đọc từ thư mục của nó (mặc định: "
            "tệp _toc.yml của dự án)",
        EN: "the book's table of contents; the notebooks and pages it lists are read from its directory "
            "(default: the project's _toc.yml)",
    },
    "build.arg.jobs": {VI: "số chương chạy cùng lúc (mặc định: một chương cho mỗi nhân CPU)",
                       EN: "chapters executed at once (default: one per available core)"},
    "build.arg.workshop": {
        VI: "tên hội thảo mà báo cáo phục vụ, in trên bìa PDF (mặc định: 'Hội thảo khoa học công bố kết quả "
            "PII <kỳ> và đề xuất giải pháp nâng cao chỉ số')",
        EN: "the workshop the report serves, printed on the PDF cover (default: 'Hội thảo khoa học công bố "
            "kết quả PII <edition> và đề xuất giải pháp nâng cao chỉ số')",
    },
    "build.arg.workshop_date": {
        VI: "ngày hội thảo, in trên bìa (mặc định: không có; khi đó bìa ghi 'Bản thảo' và ngày dựng)",
        EN: "the workshop's date, printed on the cover (default: none; the cover then says 'Bản thảo' "
            "and the build date)",
    },
    "build.arg.draft": {VI: "ghi 'BẢN THẢO' trên mọi trang PDF và HTML",
                        EN: "mark every PDF and HTML page 'BẢN THẢO' (draft)"},
    "build.arg.quiet": {VI: "không hiện thanh tiến độ", EN: "no progress bar"},
    "build.bad_date": {VI: "'{value}' không phải ngày viết theo dạng YYYY-MM-DD (ví dụ 2026-12-15)",
                       EN: "'{value}' is not a date written YYYY-MM-DD (e.g. 2026-12-15)"},
    "build.no_toc": {VI: "không có tệp mục lục {path}", EN: "table of contents {path} does not exist"},
    "build.kept_notebook": {VI: "Notebook bị lỗi được giữ tại {path}.",
                            EN: "The failed notebook is kept at {path}."},
    "build.nothing_published": {VI: "Không công bố gì; {out} giữ nguyên.",
                                EN: "Nothing was published; {out} is unchanged."},
    "build.foreign_files": {
        VI: "--out {out} chứa các tệp không thuộc một báo cáo đã công bố ({shown}); việc công bố thay cả thư "
            "mục, nên hãy chọn một thư mục mới hoặc trống",
        EN: "--out {out} holds files that are not a published report ({shown}); publishing replaces the "
            "whole folder, so choose a new or empty folder",
    },
    "build.and_more": {VI: "{shown} và {count} tệp khác", EN: "{shown} and {count} more"},
    "build.summary": {
        VI: "Đã công bố báo cáo: HTML {html} | PDF {pdf} | {executed} chương được chạy, {cached} chương lấy từ "
            "bộ nhớ đệm | {data}{warnings}",
        EN: "Report published: HTML {html} | PDF {pdf} | {executed} chapter(s) executed, {cached} from "
            "cache | {data}{warnings}",
    },
    "build.summary.pdf_kept": {
        VI: "không dựng lại (--no-pdf); PDF cũ {path} lúc {time} được giữ và không phản ánh lần dựng này",
        EN: "not rebuilt (--no-pdf); the previous PDF {path} from {time} is kept and does not show this build",
    },
    "build.summary.no_pdf": {VI: "không dựng (--no-pdf)", EN: "not built (--no-pdf)"},
    "build.summary.notice": {VI: "dòng lưu ý trên mọi trang: {notice}", EN: "notice on every page: {notice}"},
    "build.summary.official": {VI: "toàn bộ số liệu chính thức, không có dòng lưu ý",
                               EN: "all data official, no notice"},
    "build.summary.warnings": {VI: " | {count} cảnh báo, xem ở trên", EN: " | {count} warning(s), see above"},
    # --- pii template -----------------------------------------------------------------------
    "template.description": {
        VI: "Tạo biểu mẫu để cán bộ nhập số liệu chính thức: mỗi dòng một tỉnh, mỗi cột một chỉ số (tên, "
            "đơn vị, định nghĩa), một trang liệt kê các chỉ số và một trang ghi nguồn. Điền xong, biểu mẫu "
            "qua được `pii validate` mà không cần sửa gì.",
        EN: "Write the workbook in which staff enter the official indicator values: one row per province, "
            "one column per indicator with its name, unit and definition, a sheet listing the indicators "
            "and a sheet for sources. Once filled in, it passes `pii validate` with no edits.",
    },
    "template.arg.edition": {VI: "kỳ PII, ví dụ 2026", EN: "PII edition, e.g. 2026"},
    "template.arg.out": {VI: "nơi ghi biểu mẫu", EN: "where to write the workbook"},
    "template.arg.force": {VI: "ghi đè FILE.xlsx nếu đã có", EN: "replace FILE.xlsx if it already exists"},
    "template.not_xlsx": {VI: 'biểu mẫu phải được lưu thành tệp .xlsx, không phải "{name}"',
                          EN: 'the template must be saved as an .xlsx file, not "{name}"'},
    "template.exists": {
        VI: "{out} đã có và có thể chứa số liệu đã nhập; hãy chọn tên khác hoặc dùng --force",
        EN: "{out} already exists and may hold entered data; choose another name or use --force",
    },
    "template.written": {
        VI: "Đã ghi biểu mẫu PII {edition} (năm số liệu {year}, khung chỉ số của kỳ {framework}) vào {out}",
        EN: "Template for PII {edition} (data year {year}, framework of edition {framework}) written to {out}",
    },
    # --- pii validate -----------------------------------------------------------------------
    "validate.description": {
        VI: "Kiểm tra một tệp số liệu chỉ số (CSV hoặc .xlsx; dạng dọc năm/tỉnh/chỉ số/giá trị, hoặc dạng "
            "bảng mỗi dòng một tỉnh, mỗi cột một mã chỉ số). Mỗi lỗi ghi rõ tệp, trang tính, dòng và cột "
            "(tối đa 10 lỗi mỗi loại, phần còn lại được đếm); giá trị nằm ngoài khoảng mà đơn vị của chỉ số "
            "cho phép bị từ chối. Giá trị thay đổi bất thường so với kỳ trước là cảnh báo. Tệp không bao giờ "
            "bị sửa. Mã thoát 0 khi tệp đạt (có hay không có cảnh báo), 2 khi có lỗi.",
        EN: "Check an indicator file (CSV or .xlsx; long layout edition/province/indicator/value, or wide "
            "layout with provinces as rows and indicator codes as columns). Every problem is listed with "
            "its file, sheet, row and column (at most 10 of each kind, the rest counted); values outside "
            "the range the framework's unit states are refused. Values that changed implausibly since the "
            "previous edition are warnings. The file is never changed. Exit 0 when the file is good "
            "(warnings or not), 2 when anything is wrong.",
    },
    "validate.arg.path": {VI: "tệp .csv hoặc .xlsx cần kiểm tra", EN: "the .csv or .xlsx file to check"},
    "validate.arg.edition": {VI: "kỳ PII (ví dụ 2026) khi tệp không ghi, hoặc để buộc đúng kỳ đó",
                             EN: "PII edition (e.g. 2024) when the file does not say it, or to insist on it"},
    "validate.arg.previous": {
        VI: "dữ liệu có kỳ trước, để cảnh báo thay đổi bất thường (một thư mục như data/demo hoặc một tệp "
            "số liệu; mặc định: dữ liệu kèm theo, data/demo)",
        EN: "data holding the previous edition, to warn of implausible jumps (a directory like data/demo or "
            "a values file; default: the bundled data, data/demo)",
    },
    "validate.empty_path": {VI: "PATH để trống; cần đường dẫn của một tệp .csv hoặc .xlsx",
                            EN: "PATH is empty; expected the path of a .csv or .xlsx file"},
    "validate.problems": {VI: "Có {count} lỗi trong {file}; không có gì bị thay đổi.",
                          EN: "{count} problem(s) found in {file}; nothing was changed."},
    "validate.warnings": {
        VI: "{count} cảnh báo ở trên (so với kỳ trước: {previous}): hãy đối chiếu các giá trị được nêu với "
            "nguồn.",
        EN: "{count} warning(s) above (compared with the previous edition: {previous}): check the values they "
            "name against their source.",
    },
    "validate.illustrative": {VI: " (giá trị minh họa)", EN: " (illustrative values)"},
    # --- pii scores -------------------------------------------------------------------------
    "scores.description": {
        VI: "Tính PII của một kỳ và in mỗi dòng một tỉnh × thành phần (chỉ số, trụ cột con, trụ cột, đầu "
            "vào, đầu ra, PII) với giá trị thô, điểm, thứ hạng và nguồn gốc số liệu.",
        EN: "Compute the PII of an edition and print one row per province × element (indicator, "
            "sub-pillar, pillar, input, output, PII) with the raw value, score, rank and provenance.",
    },
    "scores.arg.format": {VI: "định dạng kết quả (mặc định: table)", EN: "output format (default: table)"},
    "scores.arg.element": {VI: "chỉ hiện thành phần có mã này (ví dụ PII, 6.2.4)",
                           EN: "show only this element code (e.g. PII, 6.2.4)"},
    "scores.unknown_element": {VI: "--element {element}: không phải thành phần của khung chỉ số kỳ {edition}",
                               EN: "--element {element}: not an element of the {edition} framework"},
    # --- pii demo ---------------------------------------------------------------------------
    "demo.description": {
        VI: "Tạo bộ dữ liệu PII minh họa, hiệu chỉnh để công cụ tính tái tạo mọi dữ kiện đã công bố đáng "
            "tin cậy; cùng hạt giống cho cùng tệp.",
        EN: "Generate the illustrative PII dataset, calibrated so that the engine reproduces every trusted "
            "published fact; same seed, same bytes.",
    },
    "demo.arg.out": {VI: "thư mục ghi (mặc định: {default})", EN: "output folder (default: {default})"},
    "demo.written": {
        VI: "đã ghi {files} tệp vào {out}; dữ kiện đã công bố được tái tạo: {facts} / {facts_total}; cách đọc "
            "kế hoạch được giữ: {readings} / {readings_total}",
        EN: "wrote {files} files to {out}; published facts reproduced: {facts} of {facts_total}; plan "
            "readings held: {readings} of {readings_total}",
    },
    # --- pii index --------------------------------------------------------------------------
    "index.description": {
        VI: "Chạy các bước ghi trong METHOD.yml trên iData / iMeta (bố cục của COINr) và ghi "
            "stage_<Stage>.csv cho mỗi giai đoạn, treat_details.csv, results.csv (khi phương pháp tổng hợp "
            "tới chỉ số chung) và method_log.yml vào DIR. Không ghi gì nếu dữ liệu vào có lỗi.",
        EN: "Run the steps named in METHOD.yml on iData / iMeta (COINr's layout) and write "
            "stage_<Stage>.csv for every stage, treat_details.csv, results.csv (when the method aggregates "
            "up to the index) and method_log.yml to DIR. Nothing is written if the inputs have problems.",
    },
    "index.arg.idata": {VI: "tệp CSV iData: uCode, nhóm, mẫu số, chỉ số",
                        EN: "iData CSV: uCode, groups, denominators, indicators"},
    "index.arg.imeta": {VI: "tệp CSV iMeta: Level, iCode, Direction, Weight, Parent, Type",
                        EN: "iMeta CSV: Level, iCode, Direction, Weight, Parent, Type"},
    "index.arg.spec": {VI: "các bước và tham số của chúng", EN: "the steps and their parameters"},
    "index.arg.out": {VI: "thư mục ghi (tạo mới nếu chưa có)", EN: "output directory (created if missing)"},
    "index.built": {VI: "Đã dựng {code}: {units} đơn vị, {indicators} chỉ số; các bước: {steps}",
                    EN: "Built {code}: {units} units, {indicators} indicators; steps: {steps}"},
    "index.ran": {VI: "Đã chạy phương pháp: {units} đơn vị, {indicators} chỉ số; các bước: {steps}",
                  EN: "Ran the method: {units} units, {indicators} indicators; steps: {steps}"},
    "index.wrote": {VI: "Đã ghi {stages} giai đoạn, kết quả và nhật ký phương pháp vào {out}",
                    EN: "Wrote {stages} stages, results and method log to {out}"},
    "index.no_aggregate": {
        VI: "Phương pháp không có bước tổng hợp (aggregate) nên không có điểm {code} và không xếp hạng.",
        EN: "The method has no aggregate step, so there is no {code} score and no ranking.",
    },
    "index.wrote_stages": {VI: "Đã ghi {stages} giai đoạn ({names}) và nhật ký phương pháp vào {out}",
                           EN: "Wrote {stages} stages ({names}) and method log to {out}"},
    # Problems with the inputs of `pii index` (piilib.index: files, iMeta, iData, method.yml).
    "index.none": {VI: "không có", EN: "none"},
    "index.file_not_found": {VI: "{path}: không tìm thấy tệp", EN: "{path}: file not found"},
    "index.cannot_read": {
        VI: "{path}: không đọc được ({reason}); kiểm tra đường dẫn và quyền đọc tệp cùng thư mục của nó",
        EN: "{path}: cannot be read ({reason}); check the path and that this account may read the file and "
            "its folder",
    },
    "index.folder": {VI: "{path}: đây là một thư mục, không phải tệp; cần đường dẫn của một tệp CSV",
                     EN: "{path}: this is a folder, not a file; expected the path of a CSV file"},
    "index.no_permission": {
        VI: "{path}: tài khoản này không có quyền đọc tệp; xin quyền đọc hoặc chép tệp vào thư mục của mình",
        EN: "{path}: this account may not read the file; ask for read permission or copy it to your own folder",
    },
    "index.repeated_column": {
        VI: "{path}: cột '{column}' xuất hiện nhiều lần ở dòng tiêu đề (cột thứ {positions}); mỗi tên cột chỉ một lần",
        EN: "{path}: column '{column}' appears more than once in the header row (columns {positions}); expected "
            "each column name once",
    },
    "index.not_csv": {VI: "{path}: không phải tệp CSV đọc được ({reason}); cần một tệp CSV có dòng tiêu đề",
                      EN: "{path}: is not a readable CSV file ({reason}); expected a CSV file with a header row"},
    "index.empty_csv": {VI: "{path}: tệp trống; cần một tệp CSV có dòng tiêu đề",
                        EN: "{path}: the file is empty; expected a CSV file with a header row"},
    "index.csv_not_utf8": {
        VI: "{path}: tệp không phải văn bản UTF-8 (Latin-1 hay bảng mã Windows?); lưu lại dạng CSV UTF-8",
        EN: "{path}: is not UTF-8 text (Latin-1 or a Windows encoding?); save it as CSV UTF-8",
    },
    "index.excel_not_csv": {
        VI: "{path}: đây là sổ tính Excel, không phải CSV; trong Excel chọn File → Save As → CSV UTF-8",
        EN: "{path}: is an Excel workbook, not a CSV file; in Excel use File → Save As → CSV UTF-8",
    },
    "index.meta.where": {VI: "{file} dòng {line}", EN: "{file} line {line}"},
    "index.meta.where_code": {VI: "{file} dòng {line} (iCode '{code}')", EN: "{file} line {line} (iCode '{code}')"},
    "index.meta.missing_columns": {
        VI: "{file}: thiếu cột bắt buộc {missing}; cần các cột {required} (thêm iName, Unit, Denominator nếu có)",
        EN: "{file}: required column(s) {missing} missing; expected columns {required} (plus optional iName, "
            "Unit, Denominator)",
    },
    "index.meta.no_nodes": {VI: "{file}: không dòng nào có Type là 'Indicator' hay 'Aggregate'; không có gì để dựng",
                            EN: "{file}: no row has Type 'Indicator' or 'Aggregate'; nothing to build"},
    "index.meta.empty_code": {VI: "{where}: iCode trống; mỗi chỉ số và mỗi nhóm cần một mã",
                              EN: "{where}: iCode is empty; every indicator and aggregate needs a code"},
    "index.meta.code_again": {
        VI: "{where}: iCode '{code}' bị dùng lại (lần đầu ở dòng {first}); mỗi mã chỉ dùng một lần",
        EN: "{where}: iCode '{code}' is used again (first on line {first}); codes must be unique",
    },
    "index.meta.level": {VI: "{where}: Level là '{value}'; cần một số nguyên >= 1",
                         EN: "{where}: Level is '{value}'; expected a whole number >= 1"},
    "index.meta.indicator_level": {VI: "{where}: một Indicator có Level {level}; chỉ số ở Level 1",
                                   EN: "{where}: an Indicator has Level {level}; indicators are Level 1"},
    "index.meta.aggregate_level": {VI: "{where}: một Aggregate có Level {level}; nhóm ở Level 2 trở lên",
                                   EN: "{where}: an Aggregate has Level {level}; aggregates are Level 2 or higher"},
    "index.meta.weight": {VI: "{where}: Weight là '{value}'; cần một số hữu hạn >= 0",
                          EN: "{where}: Weight is '{value}'; expected a finite number >= 0"},
    "index.meta.direction_indicator": {
        VI: "{where}: Direction là '{value}'; cần 1 (cao hơn là tốt hơn) hoặc -1 (thấp hơn là tốt hơn)",
        EN: "{where}: Direction is '{value}'; expected 1 (higher is better) or -1 (lower is better)",
    },
    "index.meta.direction_aggregate": {VI: "{where}: Direction là '{value}'; cần 1, -1 hoặc để trống",
                                       EN: "{where}: Direction is '{value}'; expected 1, -1 or empty"},
    "index.meta.zero_weights": {
        VI: "{where}: mọi thành phần con đều có Weight 0 ({children}); cần ít nhất một thành phần có Weight > 0",
        EN: "{where}: every child has Weight 0 ({children}); expected at least one with a Weight > 0",
    },
    "index.meta.unknown_parent": {
        VI: "{where}: Parent '{parent}' không phải iCode của dòng Indicator hay Aggregate nào",
        EN: "{where}: Parent '{parent}' is not an iCode of any Indicator or Aggregate row",
    },
    "index.meta.parent_level": {
        VI: "{where}: Level {level} nhưng Parent '{parent}' có Level {parent_level}; nhóm cha phải cao hơn đúng "
            "một bậc ({expected})",
        EN: "{where}: Level {level} but its Parent '{parent}' has Level {parent_level}; a parent must be exactly "
            "one level up ({expected})",
    },
    "index.meta.cycle": {
        VI: "{file}: các liên kết Parent tạo thành vòng ({path}); cây phải kết thúc ở một nhóm trên cùng",
        EN: "{file}: the Parent links form a cycle ({path}); the tree must end at one top aggregate",
    },
    "index.meta.root_listed": {VI: "'{code}' (dòng {line})", EN: "'{code}' (line {line})"},
    "index.meta.roots": {
        VI: "{file}: {count} dòng để trống Parent ({listed}); cần đúng một dòng, chỉ số chung trên cùng",
        EN: "{file}: {count} rows have an empty Parent ({listed}); expected exactly one, the index at the top",
    },
    "index.meta.root_level": {
        VI: "{where}: không có Parent nhưng ở Level {level}, dưới bậc cao nhất {highest}; chỉ nhóm trên cùng "
            "không có Parent",
        EN: "{where}: has no Parent but is at Level {level}, below the highest level {highest}; only the top "
            "aggregate has no Parent",
    },
    "index.meta.no_children": {VI: "{where}: nhóm không có thành phần con (không dòng nào ghi nó là Parent)",
                               EN: "{where}: aggregate has no children (no row names it as Parent)"},
    "index.data.where": {VI: "{file} dòng {line}", EN: "{file} line {line}"},
    "index.data.where_unit": {VI: "{file} dòng {line} (uCode '{unit}'), cột '{column}'",
                              EN: "{file} line {line} (uCode '{unit}'), column '{column}'"},
    "index.data.no_ucode": {VI: "{file}: không có cột '{column}'; cần một cột '{column}' ghi mã riêng của mỗi đơn vị",
                            EN: "{file}: no '{column}' column; expected one column '{column}' with a unique code "
                                "per unit"},
    "index.data.no_units": {VI: "{file}: không có dòng đơn vị nào dưới dòng tiêu đề; cần mỗi đơn vị một dòng",
                            EN: "{file}: no unit rows under the header row; expected one row per unit"},
    "index.data.empty_ucode": {VI: "{where}: uCode trống; mỗi đơn vị cần một mã",
                               EN: "{where}: uCode is empty; every unit needs a code"},
    "index.data.ucode_again": {
        VI: "{where}: uCode '{code}' xuất hiện lại (lần đầu ở dòng {first}); mỗi mã đơn vị chỉ dùng một lần",
        EN: "{where}: uCode '{code}' appears again (first on line {first}); unit codes must be unique",
    },
    "index.data.no_column": {VI: "{meta}: chỉ số '{code}' không có cột trong {data}; cần một cột tên '{code}'",
                             EN: "{meta}: indicator '{code}' has no column in {data}; expected a column named "
                                 "'{code}'"},
    "index.data.denominator": {VI: "{where}: Denominator '{denominator}' không phải một cột của {data}",
                               EN: "{where}: Denominator '{denominator}' is not a column of {data}"},
    "index.data.method_column": {VI: "{file}: thiếu cột '{column}' mà phương pháp cần",
                                 EN: "{file}: column '{column}' needed by the method is missing"},
    "index.data.infinite": {VI: "{where}: giá trị '{value}' là vô cực; cần một số hữu hạn",
                            EN: "{where}: value '{value}' is infinite; expected a finite number"},
    "index.data.not_number": {
        VI: "{where}: giá trị '{value}' không phải số; cần một số, hoặc để trống ô thiếu số liệu",
        EN: "{where}: value '{value}' is not a number; expected a number, or an empty cell for a missing value",
    },
    "index.spec.where": {VI: "{source}, bước {number}", EN: "{source}, step {number}"},
    "index.spec.where_line": {VI: "{source} dòng {line}, bước {number}", EN: "{source} line {line}, step {number}"},
    "index.spec.method": {VI: "{where}: phương pháp '{method}' không thuộc {choices}",
                          EN: "{where}: method '{method}' is not one of {choices}"},
    "index.spec.needs_group": {VI: "{where}: phương pháp {method} cần 'group', cột của iData ghi nhóm của mỗi đơn vị",
                               EN: "{where}: method {method} needs 'group', the iData column holding each "
                                   "unit's group"},
    "index.spec.min_availability": {VI: "{where}: min_availability là '{value}'; cần một số từ 0 đến 1",
                                    EN: "{where}: min_availability is '{value}'; expected a number from 0 to 1"},
    "index.spec.finite": {VI: "{where}: {name} là '{value}'; cần một số hữu hạn",
                          EN: "{where}: {name} is '{value}'; expected a finite number"},
    "index.spec.max_winsorised": {VI: "{where}: max_winsorised là '{value}'; cần một số nguyên >= 0",
                                  EN: "{where}: max_winsorised is '{value}'; expected a whole number >= 0"},
    "index.spec.lower_upper": {VI: "{where}: lower ({lower}) phải nhỏ hơn upper ({upper})",
                               EN: "{where}: lower ({lower}) must be below upper ({upper})"},
    "index.spec.sd": {VI: "{where}: sd là {value}; cần một số > 0", EN: "{where}: sd is {value}; expected a number > 0"},
    "index.spec.weights_mapping": {VI: "{where}: weights phải là một bảng iCode -> trọng số",
                                   EN: "{where}: weights must be a mapping iCode -> weight"},
    "index.spec.weight": {VI: "{where}, weights: trọng số của '{code}' là '{value}'; cần một số hữu hạn >= 0",
                          EN: "{where}, weights: weight of '{code}' is '{value}'; expected a finite number >= 0"},
    "index.spec.not_list": {VI: "{source}: cần một danh sách các bước, không trống",
                            EN: "{source}: expected a non-empty list of steps"},
    "index.spec.step_mapping": {VI: "{where}: cần một bảng có khóa 'step' (một trong {choices})",
                                EN: "{where}: expected a mapping with a 'step' key (one of {choices})"},
    "index.spec.unknown_step": {VI: "{where}: không có bước '{name}'; cần một trong {choices}",
                                EN: "{where}: unknown step '{name}'; expected one of {choices}"},
    "index.spec.step_again": {VI: "{where}: bước '{name}' xuất hiện nhiều lần; mỗi bước chỉ chạy một lần",
                              EN: "{where}: step '{name}' appears more than once; each step may run once"},
    "index.spec.unknown_parameters": {VI: "{where}: tham số không nhận ra {unknown}; được dùng: {allowed}",
                                      EN: "{where}: unknown parameter(s) {unknown}; allowed: {allowed}"},
    "index.spec.aggregate_last": {VI: "{source}: 'aggregate' phải là bước cuối",
                                  EN: "{source}: 'aggregate' must be the last step"},
    "index.spec.too_large": {
        VI: "{name}: lớn hơn {limit} byte, quá nhiều so với một tệp phương pháp; cần một tệp YAML ngắn (xem "
            "mẫu method.yml trong README)",
        EN: "{name}: is larger than {limit} bytes, far more than a method needs; expected a short YAML file "
            "(see the method.yml schema in the README)",
    },
    "index.spec.not_utf8": {
        VI: "{name}, dòng {line}: không phải văn bản UTF-8 (byte 0x{byte}; bảng mã Latin-1 hay Windows?); lưu "
            "lại với bảng mã UTF-8",
        EN: "{name}, line {line}: is not UTF-8 text (byte 0x{byte}; Latin-1 or Windows encoding?); save it "
            "with UTF-8 encoding",
    },
    "index.spec.no_steps": {VI: "{name}: cần một bảng có danh sách 'steps' (xem mẫu method.yml trong README)",
                            EN: "{name}: expected a mapping with a 'steps' list (see the method.yml schema in the "
                                "README)"},
    "index.spec.unknown_keys": {VI: "{name}: khóa cấp trên cùng không nhận ra {unknown}; được dùng: name, steps",
                                EN: "{name}: unknown top-level key(s) {unknown}; allowed: name, steps"},
    "index.spec.not_yaml": {VI: "{name}{where}: không phải YAML hợp lệ ({detail}); cần một tệp phương pháp như "
                                "README hướng dẫn (thụt lề bằng dấu cách, mỗi khóa có dấu hai chấm, dấu ngoặc đã đóng)",
                            EN: "{name}{where}: is not valid YAML ({detail}); expected a method file as the README "
                                "shows (indented with spaces, a colon after each key, brackets and quotes closed)"},
    "index.spec.aliases": {VI: "không được dùng bí danh (*tên) trong tệp phương pháp; ghi rõ từng giá trị",
                           EN: "aliases (*name) are not allowed in a method file; write each value out"},
    "index.note.not_checkable": {
        VI: "treat: không tính được độ lệch/độ nhọn (ít hơn 4 giá trị, hoặc mọi giá trị bằng nhau) cho {codes}; "
            "giữ nguyên, không xử lý",
        EN: "treat: skew/kurtosis cannot be computed (fewer than 4 values, or all values equal) for {codes}; "
            "left untreated",
    },
    "index.note.flat_after_winsorising": {
        VI: "treat: winsorise {codes} sẽ làm mọi giá trị bằng nhau (không xác định được độ lệch/độ nhọn); giữ "
            "nguyên, như COINr",
        EN: "treat: winsorising {codes} would make all values equal (skew/kurtosis undefined); left untreated, "
            "as COINr does",
    },
    "index.note.no_values": {VI: "normalise: {codes} không có giá trị nào; điểm của chúng để trống",
                             EN: "normalise: no values at all for {codes}; their scores are missing"},
    "index.note.constant": {
        VI: "normalise: mọi đơn vị có cùng giá trị ở {codes}; {method} không xác định, nên điểm của chúng để "
            "trống (như COINr) và bước tổng hợp bỏ qua chúng",
        EN: "normalise: all units have the same value for {codes}; {method} is undefined, so their scores are "
            "missing (as in COINr) and aggregation ignores them",
    },
    "index.step.screen_empty": {
        VI: "bước screen: không đơn vị nào có đủ tỷ lệ chỉ số có số liệu min_availability = {share}; giảm "
            "min_availability hoặc bổ sung số liệu",
        EN: "step screen: no unit has the share of indicators with data that min_availability = {share} asks; "
            "lower min_availability or add data",
    },
    "index.step.weight_code": {
        VI: "bước aggregate, weights: '{code}' không phải mã chỉ số hay mã nhóm của chỉ số này",
        EN: "step aggregate, weights: '{code}' is not an indicator or aggregate code of this index",
    },
    "index.step.zero_weights": {
        VI: "bước aggregate, weights: mọi thành phần con của '{parent}' có trọng số 0 ({children}); cần ít nhất "
            "một thành phần có trọng số > 0",
        EN: "step aggregate, weights: every child of '{parent}' weighs 0 ({children}); expected at least one "
            "with a weight > 0",
    },
    "index.step.geometric": {
        VI: "bước aggregate (phương pháp {method}): trung bình nhân cần giá trị > 0 nhưng có giá trị bằng 0 hoặc "
            "âm; chuẩn hóa về một khoảng bắt đầu trên 0 (ví dụ lower: 1) hoặc dùng trung bình cộng",
        EN: "step aggregate (method {method}): the geometric mean needs values > 0, but some are zero or "
            "negative; normalise to a range that starts above 0 (e.g. lower: 1) or use the arithmetic mean",
    },
    # --- pii targets ------------------------------------------------------------------------
    "targets.description": {
        VI: "Với mỗi chỉ số của kế hoạch của tỉnh: giá trị thô cần có để giữ hạng, lên một hạng, đạt trung vị "
            "cả nước, top 10 cả nước, dẫn đầu vùng và bằng tỉnh tương đồng tốt nhất, so với giá trị hiện tại "
            "và giá trị dự báo của các tỉnh khác trên bản đồ mà kỳ sau xếp hạng (với kỳ gốc 2024: 34 đơn vị "
            "sau sáp nhập); thứ hạng, điểm, PII và hạng PII mà mỗi mức mang lại (tính lại toàn bộ chỉ số); xác "
            "suất đạt theo xu hướng; ba mức (giữ vững / khả thi / bứt phá) và mục tiêu đề xuất. Dùng kế hoạch "
            "của chính tỉnh (data/plan); tỉnh chưa có kế hoạch thì không có chỉ tiêu. CSV (mỗi dòng một chỉ "
            "số × ngưỡng) ra màn hình hoặc --out, hoặc sổ tính cho các sở, ngành (.xlsx, mỗi cơ quan chủ trì "
            "một trang).",
        EN: "For every indicator of the province's plan: the raw value the province needs to hold its rank, "
            "go one rank up, reach the national median, the national top 10, the lead of its region and its "
            "best structural peer, against the other provinces' current values and their projected values on "
            "the map the next edition ranks (for base 2024: the 34 units after the merger); the indicator "
            "rank, score, PII and PII rank each gives (the whole index recomputed); the probability of "
            "reaching it on the trend; and tiers (maintain / feasible / breakthrough) with the recommended "
            "target. The province's own plan is used (data/plan); a province without a plan has no targets. "
            "CSV (one row per indicator x threshold) to stdout or --out, or the departments' workbook (.xlsx, "
            "one sheet per lead agency).",
    },
    "targets.arg.peer_formula": {
        VI: "mô hình tỉnh tương đồng, là công thức trên tên các biến cấu trúc (mặc định: "
            "'value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation')",
        EN: "the peer model as a formula over the covariates' names (default: "
            "'value ~ np.log(grdp_per_capita) + np.log(population) + urbanisation')",
    },
    "targets.arg.format": {VI: "định dạng kết quả (mặc định: csv)", EN: "output format (default: csv)"},
    "targets.arg.out": {
        VI: "tệp kết quả (csv: mặc định in ra màn hình; xlsx: mặc định muc-tieu-pii-<kỳ>-<tỉnh>.xlsx)",
        EN: "output file (csv: default stdout; xlsx: default muc-tieu-pii-<edition>-<province>.xlsx)",
    },
    "targets.xlsx_expected": {VI: "--out {out}: cần tên tệp .xlsx khi dùng --format xlsx",
                              EN: "--out {out}: an .xlsx file name is expected with --format xlsx"},
    "targets.no_plan": {
        VI: "--province {name}: tỉnh này chưa có kế hoạch PII trong {plan_dir} (chỉ tiêu được tính cho các chỉ "
            "số của kế hoạch). Hãy thêm tệp {plan_dir}/{key}.yaml theo cùng mẫu với plan88.yaml, hoặc dùng "
            "`pii scores` và `pii outlook` cho tỉnh này",
        EN: "--province {name}: this province has no PII plan in {plan_dir} (targets are computed for the "
            "plan's indicators). Add {plan_dir}/{key}.yaml in the layout of plan88.yaml, or use `pii scores` "
            "and `pii outlook` for this province",
    },
    "targets.wrote_workbook": {VI: "Đã ghi {out}: {agencies} trang cơ quan, {indicators} chỉ số",
                               EN: "Wrote {out}: {agencies} agency sheets, {indicators} indicators"},
    "targets.wrote_csv": {VI: "Đã ghi {out}: {rows} dòng", EN: "Wrote {out}: {rows} rows"},
    # --- pii outlook ------------------------------------------------------------------------
    "outlook.description": {
        VI: "Mô phỏng Monte Carlo trên dự báo chỉ số của mọi tỉnh (khoảng dự báo của xu hướng), tính lại "
            "toàn bộ chỉ số cho mỗi lần: xác suất tỉnh vào top 10 cả nước và dẫn đầu vùng ở kỳ sau, theo xu "
            "hướng và khi đạt các mục tiêu đề xuất (pii targets; chỉ khi tỉnh có kế hoạch).",
        EN: "Monte Carlo over every province's indicator projections (the predictive intervals of their "
            "trends), the whole index recomputed for every draw: the probability that the province is in "
            "the national top 10 and that it leads its region in the next edition, following the trends and "
            "if the recommended targets (pii targets; only for a province with a plan) are met.",
    },
    "outlook.arg.edition": {VI: "kỳ PII gốc, ví dụ 2024", EN: "base PII edition, e.g. 2024"},
    "outlook.arg.draws": {VI: "số lần mô phỏng Monte Carlo (mặc định {default})",
                          EN: "number of Monte Carlo draws (default {default})"},
    "outlook.arg.top": {VI: "top k cả nước (mặc định {default})", EN: "national top k (default {default})"},
    "outlook.arg.no_targets": {VI: "bỏ kịch bản đạt các mục tiêu đề xuất",
                               EN: "skip the scenario in which the recommended targets are met"},
    "outlook.arg.correlation": {
        VI: "tương quan giả định giữa các độ lệch khỏi xu hướng của các chỉ số của một tỉnh (mặc định: ước "
            "lượng từ phần dư của xu hướng)",
        EN: "assumed correlation of a province's indicators' deviations from trend (default: estimated "
            "from the trends' residuals)",
    },
    "outlook.arg.sweep": {VI: "hiện thêm xác suất và khoảng hạng với tương quan 0; 0,1; 0,2; 0,3",
                          EN: "also show the probabilities and rank band for correlations 0, 0.1, 0.2, 0.3"},
    "outlook.arg.cheapest": {
        VI: "tìm thêm lộ trình cải thiện ít nhất (tính bằng độ lệch chuẩn của xu hướng, tối đa 2) cho xác "
            "suất top >= 80%% và dẫn đầu vùng >= 80%%",
        EN: "also search the cheapest indicator improvements (in standard deviations of their trends, at "
            "most 2) that give P(top) >= 80%% and P(lead region) >= 80%%",
    },
    "outlook.bad_correlation": {VI: "--correlation {value}: cần một số trong khoảng [0; 0,95)",
                                EN: "--correlation {value}: expected a number in [0, 0.95)"},
    "outlook.no_plan": {
        VI: "{name} chưa có kế hoạch PII trong data/plan: chỉ có kịch bản theo xu hướng, không có kịch bản "
            "đạt mục tiêu đề xuất.",
        EN: "{name} has no PII plan in data/plan: the trend scenario only, no scenario with recommended "
            "targets.",
    },
    # --- pii robustness ---------------------------------------------------------------------
    "robustness.description": {
        VI: "Phân tích bất định PII như của COINr: chỉ số được tính lại REPLICATIONS lần, mỗi lần trọng số "
            "thay đổi trong ±25%, chuẩn hóa min-max (1-100) hoặc z-score (10 ± 2), trung bình cộng hoặc nhân, "
            "có hoặc không xử lý ngoại lai, và vì 34 trong 52 vị trí chỉ số là do dự án tạm xếp, bỏ một chỉ "
            "số và chuyển một chỉ số tạm xếp sang trụ cột con khác của trụ cột (hoặc không); hạng danh nghĩa, "
            "hạng trung vị và khoảng 5%-95% của mọi tỉnh. Với --province, thêm khoảng hạng khi giữ nguyên "
            "khung chỉ số và giả định nào làm hạng của tỉnh thay đổi nhiều nhất (chỉ số độ nhạy theo phương "
            "sai, khoảng bootstrap 90%).",
        EN: "COINr's uncertainty analysis of the PII: the index is recomputed REPLICATIONS times, each time "
            "with weights perturbed within ±25%, min-max (1-100) or z-score (10 ± 2) normalisation, "
            "arithmetic or geometric mean, treatment on or off, and, because 34 of the 52 indicator "
            "placements are ours and not the plan's, one indicator left out and one provisional indicator "
            "moved to another sub-pillar of its pillar (or none); every province's nominal rank, median rank "
            "and 5th-95th percentile interval. With --province, the interval without the framework's "
            "uncertainty too, and which assumption moves that province's rank most (variance-based "
            "sensitivity indices with bootstrap 90% intervals).",
    },
    "robustness.arg.replications": {VI: "số lần tính lại (mặc định {default})",
                                    EN: "number of replications (default {default})"},
    "robustness.arg.leave_out": {
        VI: "các chỉ số có thể bị bỏ, mỗi lần tính một chỉ số (mặc định all; none: cố định)",
        EN: "indicators that may be left out, one per replication (default all; none: fixed)",
    },
    "robustness.arg.move": {
        VI: "mỗi lần tính, chuyển một chỉ số tạm xếp sang trụ cột con khác của trụ cột (mặc định "
            "provisional; none: cố định)",
        EN: "move one provisional indicator to another sub-pillar of its pillar per replication (default "
            "provisional; none: fixed)",
    },
    "robustness.arg.imputation": {
        VI: "các phương pháp ước tính số liệu thiếu để thay đổi giữa chúng, cách nhau bằng dấu phẩy, trong "
            "số {choices} (nhóm = vùng), ví dụ group_mean,group_median; mặc định: không thay đổi (giá trị "
            "thiếu bị bỏ khỏi phép tổng hợp)",
        EN: "imputation methods to vary between for missing values, comma-separated, from {choices} "
            "(group = region), e.g. group_mean,group_median; default: not varied (missing values are left "
            "out of their aggregate)",
    },
    "robustness.arg.bootstrap": {
        VI: "số lần lấy mẫu lại bootstrap cho khoảng của chỉ số độ nhạy (mặc định {default})",
        EN: "bootstrap replicates for the sensitivity intervals (default {default})",
    },
    "robustness.imputation_failed": {VI: "phương án ước tính số liệu thiếu {label}: {problem}",
                                     EN: "imputation alternative {label}: {problem}"},
    "robustness.imputation_units": {
        VI: "phương án ước tính số liệu thiếu {label} làm đổi các đơn vị được giữ lại ở bước sàng lọc ({units}); "
            "không so sánh được thứ hạng trên những tập đơn vị khác nhau",
        EN: "imputation alternative {label} changes the units the screen step keeps ({units}); ranks over other "
            "units cannot be compared",
    },
    "robustness.too_few_varying": {
        VI: "phân tích độ nhạy cần ít nhất hai giả định thay đổi; hiện chỉ có: {found} (bỏ --leave-out none / "
            "--move none, hoặc thêm --imputation)",
        EN: "a sensitivity analysis needs at least two varying assumptions; found: {found} (drop --leave-out "
            "none / --move none, or add --imputation)",
    },
    "robustness.unknown_unit": {VI: "'{unit}' không thuộc các đơn vị của chỉ số này",
                                EN: "'{unit}' is not among the units of the index"},
    "robustness.bad_imputation": {
        VI: "--imputation {value}: cần từ hai phương pháp khác nhau trở lên, cách nhau bằng dấu phẩy, trong "
            "số {choices}",
        EN: "--imputation {value}: expected two or more different methods, comma-separated, from {choices}",
    },
    # --- official files: where a problem is, and the validation summary ---------------------
    "io.sheet": {VI: 'trang tính "{sheet}"', EN: 'sheet "{sheet}"'},
    "io.row": {VI: "dòng {row}", EN: "row {row}"},
    "io.column": {VI: "cột {column}", EN: "column {column}"},
    "io.problem": {VI: "{where}: {what}.", EN: "{where}: {what}."},
    "io.found": {VI: ' Giá trị ghi: "{found}".', EN: ' Found "{found}".'},
    "io.expected": {VI: " Yêu cầu: {expected}.", EN: " Expected {expected}."},
    "io.more": {VI: "{file}: … và {count} {noun} khác cùng loại ({kind}){where}.",
                EN: "{file}: … and {count} more {noun} of the same kind ({kind}){where}."},
    "io.more.problems": {VI: "lỗi", EN: "problems"},
    "io.more.warnings": {VI: "cảnh báo", EN: "warnings"},
    "io.more.column": {VI: " ở cột {listed}", EN: " in column {listed}"},
    "io.more.columns": {VI: " ở các cột {listed}", EN: " in columns {listed}"},
    "io.more.and": {VI: "{listed} và {count} cột khác", EN: "{listed} and {count} more"},
    "io.more.rows": {VI: ", dòng {first}–{last}", EN: ", rows {first}–{last}"},
    "io.more.row": {VI: ", dòng {row}", EN: ", row {row}"},
    "io.summary.part": {VI: "{provinces} tỉnh × {indicators} chỉ số, kỳ {edition}",
                        EN: "{provinces} provinces × {indicators} indicators, edition {edition}"},
    "io.summary.blank": {VI: " ({count} ô trống: thiếu số liệu, sẽ được ước tính)",
                         EN: " ({count} blank cells: missing data, to be imputed)"},
    "io.summary.ok": {VI: "ĐẠT", EN: "OK"},
    "io.summary.problems": {VI: "{count} lỗi", EN: "{count} problem(s)"},
    "io.summary.warnings": {VI: " kèm {count} cảnh báo", EN: " with {count} warning(s)"},
    "io.summary.no_values": {VI: "không có giá trị nào", EN: "no values"},
    "io.summary": {VI: "{status}: {parts}, tệp {file}", EN: "{status}: {parts}, file {file}"},
    # --- official files: what is wrong and what is expected ---------------------------------
    "io.layout": {
        VI: 'một dòng tiêu đề có các cột tỉnh, chỉ số và giá trị (ví dụ "tỉnh", "mã chỉ số", "giá trị"), '
            'hoặc một dòng có "tỉnh, thành phố" và các mã chỉ số như 1.1.1 làm tiêu đề cột',
        EN: 'a header row with columns for province, indicator and value (e.g. "tỉnh", "mã chỉ số", '
            '"giá trị"), or a row with "tỉnh, thành phố" and indicator codes such as 1.1.1 as column headers',
    },
    "io.empty": {VI: "tệp trống (không ô nào có nội dung)", EN: "the file is empty (no cell has anything in it)"},
    "io.empty.expected": {VI: "một tệp đã điền, có {layout}", EN: "a filled-in file with {layout}"},
    "io.no_header": {
        VI: "không tìm thấy dòng tiêu đề trong {where} (đã xem {rows} dòng đầu)",
        EN: "no header row was found in {where} (looked at the first {rows} rows)",
    },
    "io.no_province_column": {
        VI: "dòng này có mã chỉ số làm tiêu đề cột nhưng không có cột tên tỉnh, thành phố bên trái",
        EN: "this row has indicator codes as column headers but no column of province names to their left",
    },
    "io.no_province_column.expected": {
        VI: "một cột tiêu đề \"Tỉnh, thành phố\" ghi tên tỉnh, thành phố của mỗi dòng, bên trái các cột chỉ số",
        EN: "a column headed \"Tỉnh, thành phố\" with each row's province name, left of the indicator columns",
    },
    "io.no_header.any_sheet": {VI: "trang tính nào", EN: "any sheet"},
    "io.no_header.file": {VI: "tệp", EN: "the file"},
    "io.no_permission": {
        VI: "không mở được tệp: tài khoản này không có quyền đọc tệp hoặc thư mục chứa nó ({path})",
        EN: "the file cannot be opened: this account may not read it or its folder ({path})",
    },
    "io.no_permission.expected": {
        VI: "một tệp mà tài khoản này đọc được: chép tệp vào thư mục của mình, hoặc xin quyền đọc",
        EN: "a file this account can read: copy it to a folder of your own, or ask for read permission",
    },
    "io.cannot_read": {VI: "không đọc được tệp ({reason})", EN: "the file cannot be read ({reason})"},
    "io.cannot_read.expected": {VI: "một tệp trên ổ đĩa máy này mà tài khoản này đọc được",
                                EN: "a file on a local disk that this account can read"},
    "io.missing_file": {VI: "tệp không tồn tại ({path})", EN: "the file does not exist ({path})"},
    "io.broken_link": {VI: "{path} là một liên kết (symlink) không dẫn tới tệp nào (tệp đích đã mất, hoặc "
                          "các liên kết trỏ vòng vào nhau)",
                       EN: "{path} is a link (symlink) that leads to no file (its target is gone, or the "
                           "links point at each other in a loop)"},
    "io.missing_file.expected": {VI: "đường dẫn của một tệp .csv hoặc .xlsx đã có",
                                 EN: "the path of an existing .csv or .xlsx file"},
    "io.folder": {VI: "đây là một thư mục, không phải tệp", EN: "this is a folder, not a file"},
    "io.csv_or_xlsx_path": {VI: "đường dẫn của một tệp .csv hoặc .xlsx", EN: "the path of a .csv or .xlsx file"},
    "io.xls": {VI: "đây là định dạng Excel cũ (.xls), không đọc được",
               EN: "this is the old Excel format (.xls), which cannot be read"},
    "io.xls.expected": {
        VI: "một tệp .xlsx: mở tệp trong Excel rồi chọn Save As, Excel Workbook (.xlsx)",
        EN: "an .xlsx file: open it in Excel and use Save As, Excel Workbook (.xlsx)",
    },
    "io.file_type": {VI: 'không đọc được tệp loại "{suffix}"', EN: 'files of type "{suffix}" cannot be read'},
    "io.no_extension": {VI: "(không có phần mở rộng)", EN: "(no extension)"},
    "io.csv_or_xlsx": {VI: "một tệp .csv hoặc .xlsx", EN: "a .csv or .xlsx file"},
    "io.entities": {
        VI: "sổ tính chứa khai báo thực thể XML hoặc DTD, điều Excel không bao giờ ghi (tệp có thể được tạo "
            "để làm cạn bộ nhớ: {cause}); tệp không được mở",
        EN: "the workbook holds XML entity or DTD declarations, which Excel never writes (the file may have "
            "been made to exhaust memory: {cause}); it was not opened",
    },
    "io.entities.expected": {
        VI: "một sổ tính được lưu bằng Excel hoặc LibreOffice; hãy xin người gửi một bản mới",
        EN: "a workbook saved by Excel or LibreOffice; ask the sender for a fresh copy",
    },
    "io.damaged": {VI: "sổ tính bị hỏng hoặc không thực sự là tệp Excel ({cause})",
                   EN: "the workbook is damaged or is not really an Excel file ({cause})"},
    "io.damaged.expected": {
        VI: "một tệp .xlsx mở được trong Excel; mở tệp rồi Save As Excel Workbook (.xlsx)",
        EN: "an .xlsx file that opens in Excel; open it, then Save As Excel Workbook (.xlsx)",
    },
    "io.merged": {
        VI: "các ô {cells} được gộp (Merge): giá trị hiện trên cả vùng nhưng chỉ được lưu ở ô đầu, các ô còn lại "
            "sẽ bị đọc là ô trống",
        EN: "cells {cells} are merged: the value shows across them but is stored in the first cell only, so the "
            "others would be read as blank",
    },
    "io.merged.expected": {
        VI: "mỗi giá trị một ô: chọn vùng ô, bỏ gộp (Home → Merge & Center) rồi gõ giá trị của từng tỉnh",
        EN: "one value per cell: select the cells, unmerge them (Home → Merge & Center), then type each "
            "province's value",
    },
    "io.encrypted": {
        VI: "tệp được đặt mật khẩu (mã hóa), hoặc là tệp Excel cũ (.xls) đổi tên thành {suffix}, nên không đọc được",
        EN: "the workbook is protected with a password (encrypted), or is an old .xls file renamed to {suffix}, "
            "so it cannot be read",
    },
    "io.encrypted.expected": {
        VI: "một tệp .xlsx không đặt mật khẩu: trong Excel chọn File → Info → Protect Workbook → Encrypt with "
            "Password, xóa mật khẩu, rồi Save As Excel Workbook (.xlsx)",
        EN: "an .xlsx file without a password: in Excel use File → Info → Protect Workbook → Encrypt with "
            "Password, clear the password, then Save As Excel Workbook (.xlsx)",
    },
    "io.html_named_xlsx": {
        VI: "tệp là một trang web (HTML) hoặc XML mang đuôi {suffix} (như một số hệ thống trực tuyến xuất ra), "
            "không phải sổ tính Excel",
        EN: "the file is a web page (HTML) or XML named {suffix} (as some online systems export), not an Excel "
            "workbook",
    },
    "io.text_named_xlsx": {
        VI: "tệp là văn bản (ví dụ CSV) mang đuôi {suffix}, không phải sổ tính Excel",
        EN: "the file is text (e.g. CSV) named {suffix}, not an Excel workbook",
    },
    "io.text_named_xlsx.expected": {
        VI: "đổi đuôi tệp thành .csv, hoặc mở tệp trong Excel rồi Save As Excel Workbook (.xlsx)",
        EN: "the file renamed to .csv, or opened in Excel and saved as Excel Workbook (.xlsx)",
    },
    "io.ods": {
        VI: "tệp là bảng tính LibreOffice (OpenDocument, .ods){named}, lệnh này không đọc được",
        EN: "the file is a LibreOffice (OpenDocument, .ods) spreadsheet{named}, which this command does not read",
    },
    "io.ods.named": {VI: " mang đuôi {suffix}", EN: " named {suffix}"},
    "io.ods.expected": {
        VI: "một tệp .xlsx: trong LibreOffice chọn File → Save As, kiểu tệp Excel 2007-365 (.xlsx)",
        EN: "an .xlsx file: in LibreOffice use File → Save As with file type Excel 2007-365 (.xlsx)",
    },
    "io.csv_split": {VI: "không tách được văn bản CSV thành các ô ({reason})",
                     EN: "the CSV text cannot be split into cells ({reason})"},
    "io.csv_saved": {VI: "một tệp CSV được lưu bằng Excel hoặc LibreOffice",
                     EN: "a CSV file saved by Excel or LibreOffice"},
    "io.binary": {VI: "tệp không phải văn bản (chứa dữ liệu nhị phân)",
                  EN: "the file is not text (it holds binary data)"},
    "io.binary.expected": {
        VI: "một tệp văn bản CSV (UTF-8), hoặc một sổ tính .xlsx lưu với phần mở rộng .xlsx",
        EN: "a CSV text file (UTF-8), or an .xlsx workbook saved with the .xlsx extension",
    },
    "io.stray": {
        VI: "một ô nằm xa bên dưới bảng (quá {rows} dòng trống dưới dòng cuối của bảng) không trống, ví dụ "
            "do gõ nhầm phím",
        EN: "a cell far below the table (more than {rows} blank rows under its last row) is not empty, e.g. "
            "a key pressed by mistake",
    },
    "io.stray.expected": {VI: "không có gì bên dưới bảng: xóa ô đó (chọn ô, nhấn Delete)",
                          EN: "nothing below the table: delete the cell (select it, press Delete)"},
    "io.title_editions": {VI: "các dòng tiêu đề ghi nhiều kỳ PII ({years})",
                          EN: "the title rows name more than one PII edition ({years})"},
    "io.title_editions.expected": {VI: "một kỳ trong các dòng tiêu đề, hoặc chọn một kỳ bằng --edition",
                                   EN: "one edition in the title rows, or choose one with --edition"},
    "io.no_framework": {VI: "không có khung chỉ số PII cho kỳ {edition} ({reason})",
                        EN: "there is no PII framework for edition {edition} ({reason})"},
    "io.no_framework.expected": {VI: "một kỳ mà khung chỉ số có, ví dụ 2023, 2024 hoặc 2025",
                                 EN: "an edition the framework knows, e.g. 2023, 2024 or 2025"},
    "io.edition_not_year": {VI: "kỳ không phải là một năm", EN: "the edition is not a year"},
    "io.edition_not_year.expected": {VI: "một kỳ PII như 2024", EN: "a PII edition such as 2024"},
    "io.edition_mismatch": {VI: "tệp ghi kỳ {year}{rows} nhưng lệnh yêu cầu kỳ {edition}",
                            EN: "the file says edition {year}{rows} but edition {edition} was asked for"},
    "io.edition_mismatch.rows": {VI: " (ở {count} dòng)", EN: " (in {count} rows)"},
    "io.edition_mismatch.expected": {VI: "kỳ {edition}, hoặc chạy lại với --edition {year}",
                                     EN: "edition {edition}, or run again with --edition {year}"},
    "io.no_edition": {VI: "tệp không ghi là số liệu của kỳ PII nào",
                      EN: "the file does not say which PII edition it holds"},
    "io.no_edition.expected": {
        VI: 'một cột kỳ ("năm" hoặc "kỳ"), một tiêu đề như "PII 2024", hoặc --edition 2024',
        EN: 'an edition column ("năm" or "kỳ"), a title such as "PII 2024", or --edition 2024',
    },
    "io.duplicate": {VI: "{name} đã có giá trị của chỉ số {codes} ở {where}",
                     EN: "{name} already has a value for indicator {codes} in {where}"},
    "io.duplicate.where": {VI: "dòng {row}", EN: "row {row}"},
    "io.duplicate.where_sheet": {VI: 'dòng {row} của trang tính "{sheet}"', EN: 'row {row} of sheet "{sheet}"'},
    "io.duplicate.more": {VI: "{listed} và {count} chỉ số khác", EN: "{listed} and {count} more"},
    "io.duplicate.expected": {VI: "mỗi tỉnh × chỉ số một lần; xóa hoặc gộp dòng bị lặp",
                              EN: "each province × indicator once; delete or merge the repeated row"},
    "io.no_province_name": {VI: "dòng này có giá trị nhưng không có tên tỉnh",
                            EN: "this row has values but no province name"},
    "io.no_province_name.expected": {VI: "tên tỉnh, thành phố, ví dụ Cần Thơ", EN: "the province's name, e.g. Cần Thơ"},
    "io.former_province": {VI: "tỉnh này không còn ở kỳ {edition}: {reason}",
                           EN: "this province no longer exists in edition {edition}: {reason}"},
    "io.former_province.expected": {
        VI: "một tỉnh, thành phố của kỳ {edition} (sau sáp nhập ngày 1/7/2025)",
        EN: "one of the provinces of edition {edition} (after the merger of 1 July 2025)",
    },
    "io.unknown_province.expected": {VI: "tên một tỉnh, thành phố của kỳ {edition}, ví dụ Cần Thơ",
                                     EN: "the name of a province of edition {edition}, e.g. Cần Thơ"},
    "io.no_indicator_code": {VI: "dòng này có giá trị nhưng không có mã chỉ số",
                             EN: "this row has a value but no indicator code"},
    "io.no_indicator_code.expected": {VI: "một mã chỉ số như 1.1.1", EN: "an indicator code such as 1.1.1"},
    "io.unknown_indicator": {VI: "chỉ số không có trong kỳ {edition}{hint}",
                             EN: "unknown indicator for edition {edition}{hint}"},
    "io.code_not_text": {
        VI: "tiêu đề cột là {kind}, không phải mã chỉ số (Excel đã đổi mã gõ vào thành {kind}); các giá trị "
            "của cột này chưa được đọc",
        EN: "the column header is {kind}, not an indicator code (Excel turned the code typed there into "
            "{kind}); the values of this column were not read",
    },
    "io.code_not_text.date": {VI: "một ngày tháng", EN: "a date"},
    "io.code_not_text.number": {VI: "một số", EN: "a number"},
    "io.code_not_text.expected": {
        VI: "mã chỉ số dạng văn bản, ví dụ 1.1.1: định dạng ô là Văn bản (Text) rồi gõ lại mã",
        EN: "the indicator code as text, e.g. 1.1.1: format the cell as Text, then type the code again",
    },
    "io.unknown_indicator.hint": {VI: " (gần nhất: {codes})", EN: " (closest: {codes})"},
    "io.unknown_indicator.expected": {VI: "một trong {count} mã chỉ số của kỳ {edition} ({first} … {last})",
                                      EN: "one of the {count} indicator codes of edition {edition} "
                                          "({first} … {last})"},
    "io.excel_error": {VI: "ô hiện lỗi Excel {code}, không phải một số",
                       EN: "the cell shows the Excel error {code}, not a number"},
    "io.excel_error.expected": {
        VI: "chính giá trị đó: sửa công thức hoặc phép tra cứu gây lỗi, hoặc gõ số vào",
        EN: "the value itself: fix the formula or lookup that gives the error, or type the number",
    },
    "io.formula": {
        VI: "ô chứa công thức được lưu mà không có kết quả (chương trình ghi tệp đã không tính nó)",
        EN: "the cell holds a formula saved without its result (the program that wrote the file did not "
            "calculate it)",
    },
    "io.formula.expected": {
        VI: "một số: mở tệp trong Excel hoặc LibreOffice rồi lưu lại, hoặc gõ giá trị vào",
        EN: "a number: open the file in Excel or LibreOffice and save it again, or type the value",
    },
    "io.value_is": {VI: "giá trị là {error}", EN: "the value is {error}"},
    "io.too_large": {
        VI: "giá trị {value} quá lớn đối với mọi chỉ số PII (gõ nhầm hoặc nhầm đơn vị)",
        EN: "the value {value} is far too large for any PII indicator (a typing or unit slip)",
    },
    "io.too_large.expected": {VI: "một giá trị nhỏ hơn {limit} theo đơn vị của chỉ số",
                              EN: "a value below {limit} in the indicator's unit"},
    "io.negative": {VI: "chỉ số {code} (đơn vị: {unit}) không thể âm",
                    EN: "indicator {code} (unit: {unit}) cannot be below zero"},
    "io.negative.expected": {VI: "số 0 hoặc một số dương", EN: "zero or a positive number"},
    "io.out_of_range": {
        VI: "chỉ số {code} (đơn vị: {unit}) nằm ngoài khoảng mà đơn vị của nó cho phép ({range})",
        EN: "indicator {code} (unit: {unit}) is outside the range its unit states ({range})",
    },
    "io.out_of_range.expected": {VI: "một giá trị {range}", EN: "a value {range}"},
    "io.out_of_range.percent": {VI: " (tỷ lệ phần trăm ghi 12,5 cho 12,5 %, không ghi 0,125)",
                                EN: " (a percentage as 12,5 for 12.5 %, not 0,125)"},
    "io.range.at_least": {VI: "từ {lower} trở lên", EN: "{lower} or more"},
    "io.range.at_most": {VI: "từ {upper} trở xuống", EN: "{upper} or less"},
    "io.range.between": {VI: "từ {lower} đến {upper}", EN: "from {lower} to {upper}"},
    "io.jump": {VI: "chỉ số {code} thay đổi từ {earlier} ở kỳ {previous} thành {value}: {reason}",
                EN: "indicator {code} moved from {earlier} in edition {previous} to {value}: {reason}"},
    "io.jump.factor": {VI: "gấp {factor} lần giá trị trước", EN: "{factor} times the previous value"},
    "io.jump.spread": {
        VI: "thay đổi {change}, hơn {multiple} lần độ phân tán giữa các tỉnh (khoảng tứ phân vị {iqr})",
        EN: "a change of {change}, more than {multiple} times the spread between provinces "
            "(interquartile range {iqr})",
    },
    "io.jump.expected": {
        VI: "một giá trị đã đối chiếu với văn bản nguồn (nếu đúng thì không cần làm gì: đây là cảnh báo)",
        EN: "a value checked against its source document (if it is right, nothing to do: this is a warning)",
    },
    "io.fraction": {
        VI: "chỉ số {code} ({name}) tính bằng % nhưng cả {count} giá trị của cột đều nằm trong khoảng 0–1, trong "
            "khi {basis}: giá trị có vẻ là tỷ lệ {fraction} thay vì {percent} %",
        EN: "indicator {code} ({name}) is in % but all {count} values of the column are between 0 and 1, while "
            "{basis}: the values look like fractions, {fraction} instead of {percent} %",
    },
    "io.fraction.previous": {
        VI: "ở kỳ {previous} {above} giá trị lớn hơn 1 (trung vị {median})",
        EN: "in edition {previous} {above} of its values were above 1 (median {median})",
    },
    "io.fraction.typical": {
        VI: "khung chỉ số ghi giá trị thường gặp từ {low} đến {high}",
        EN: "the framework gives its typical values as {low} to {high}",
    },
    "io.fraction.expected": {
        VI: "giá trị tính bằng phần trăm ({fraction} nhập là {percent}; trong Excel: nhân cột với 100 và để ô ở định "
            "dạng số thường, không phải %); nếu chỉ số thật sự nhỏ hơn 1 % thì không cần làm gì: đây là cảnh báo",
        EN: "values in per cent ({fraction} entered as {percent}; in Excel: multiply the column by 100 and "
            "give its cells a plain number format, not %); if the indicator really is below 1 %, nothing to do: this is a warning",
    },
    "io.header_only": {VI: "tệp có dòng tiêu đề nhưng không có giá trị nào bên dưới",
                       EN: "the file has a header row but no values under it"},
    "io.header_only.expected": {VI: "một giá trị cho mỗi tỉnh và chỉ số", EN: "one value per province and indicator"},
    "io.missing_provinces.one": {VI: "{count} trong {total} tỉnh, thành phố của kỳ {edition} không có giá trị: {listed}",
                                 EN: "{count} of the {total} provinces of edition {edition} has no value: {listed}"},
    "io.missing_provinces": {VI: "{count} trong {total} tỉnh, thành phố của kỳ {edition} không có giá trị: {listed}",
                             EN: "{count} of the {total} provinces of edition {edition} have no value: {listed}"},
    "io.missing_provinces.expected": {VI: "ít nhất một giá trị cho mỗi tỉnh (mỗi tỉnh một dòng)",
                                      EN: "at least one value for every province (a row per province)"},
    "io.missing_indicators.one": {VI: "{count} trong {total} chỉ số của kỳ {edition} không có giá trị: {listed}",
                                  EN: "{count} of the {total} indicators of edition {edition} has no value: {listed}"},
    "io.missing_indicators": {VI: "{count} trong {total} chỉ số của kỳ {edition} không có giá trị: {listed}",
                              EN: "{count} of the {total} indicators of edition {edition} have no value: {listed}"},
    "io.missing_indicators.expected": {VI: "ít nhất một giá trị cho mỗi chỉ số (mỗi mã chỉ số một cột)",
                                       EN: "at least one value for every indicator (a column per indicator code)"},
    # Numbers as typed in a cell (piilib.io.numbers): what a value that is not a number is.
    "number.expected": {VI: "một số hữu hạn, ví dụ 12,5 hoặc 1.234,5 (kiểu Việt Nam) hoặc 1234.5",
                        EN: "a finite number, e.g. 12,5 or 1.234,5 (Vietnamese style) or 1234.5"},
    "number.unambiguous": {
        VI: "số được gõ để chỉ đọc được một cách: 1234 (không có dấu phân cách hàng nghìn) hoặc 1,234 (dấu "
            "phẩy cho phần thập phân), hoặc nhập dạng số của Excel thay vì văn bản",
        EN: "the number typed so it reads one way only: 1234 (no thousands separator) or 1,234 (comma for "
            "the decimals), or as an Excel number rather than text",
    },
    "number.boolean": {VI: "một giá trị đúng/sai ({cell}), không phải số",
                       EN: "a true/false value ({cell}), not a number"},
    "number.date": {
        VI: "một ngày hoặc giờ (Excel có thể đã biến số thành ngày): định dạng cột là Number rồi gõ lại giá trị",
        EN: "a date or time (Excel may have turned the number into a date): format the column as Number "
            "and type the value again",
    },
    "number.infinite": {VI: "vô cực", EN: "infinite"},
    "number.excel_error": {VI: "giá trị lỗi Excel {code}, không phải số",
                           EN: "the Excel error value {code}, not a number"},
    "number.hash": {VI: "văn bản bắt đầu bằng # (giống giá trị lỗi Excel), không phải số",
                    EN: "text starting with # (like an Excel error value), not a number"},
    "number.text": {VI: "văn bản, không phải số", EN: "text that is not a number"},
    "number.mixed": {
        VI: "một số đọc được hai cách (tệp trộn kiểu 1.234,5 và 1,234.5); hãy viết không có dấu phân cách "
            "hàng nghìn",
        EN: "a number that can be read two ways (the file mixes 1.234,5 and 1,234.5 styles); write it "
            "without thousands separators",
    },
    "number.two_ways": {
        VI: "một số đọc được hai cách: hàng nghìn (kiểu Việt Nam) hoặc thập phân (kiểu Anh), và không có gì "
            "khác trong tệp cho biết là cách nào",
        EN: "a number that can be read two ways: thousands (Vietnamese style) or decimals (English style), "
            "and nothing else in the file tells which",
    },
    "number.separators": {VI: "một số đặt dấu phân cách sai chỗ", EN: "a number with misplaced separators"},
    # --- province names (piilib.units) and --data / --edition (piilib.bundle) ---------------
    "unit.ambiguous": {
        VI: "tên tỉnh '{name}' chưa rõ ở kỳ {edition}: có thể là {names}. Hãy viết đủ tên.",
        EN: "province name '{name}' is ambiguous in edition {edition}: it could be {names}. Write the full name.",
    },
    "unit.ambiguous_part": {
        VI: "tên tỉnh '{name}' chưa rõ ở kỳ {edition}: là một phần tên của {names}. Hãy viết đủ tên.",
        EN: "province name '{name}' is ambiguous in edition {edition}: it is part of the names of {names}. "
            "Write the full name.",
    },
    "unit.unknown": {
        VI: "không có tỉnh, thành phố tên '{name}' ở kỳ {edition} (cần một trong {count} tỉnh, thành phố của "
            "kỳ đó).{hint}",
        EN: "unknown province name '{name}' for edition {edition} (expected one of the {count} provinces of "
            "that edition).{hint}",
    },
    "unit.unknown.hint": {VI: " Tên gần nhất: {names}.", EN: " Closest matches: {names}."},
    "unit.merged": {
        VI: "{typed}{former} đã sáp nhập vào {merged} từ ngày 1/7/2025 (Nghị quyết 202/2025/QH15), và kỳ "
            "{edition} tính trên {count} tỉnh, thành phố sau sáp nhập: hãy ghi '{merged}' (hình thành từ "
            "{partners}).",
        EN: "{typed}{former} merged into {merged} on 1 July 2025 (Resolution 202/2025/QH15), and edition "
            "{edition} is on the {count} provinces after the merger: write '{merged}' (formed from {partners}).",
    },
    "unit.merged.typed": {VI: "'{name}' là {former}: ", EN: "'{name}' is {former}: "},
    "data.no_permission": {
        VI: "{option} {data}: không đọc được (không có quyền đọc nó hoặc một thư mục trên đường dẫn); hãy chép "
            "dữ liệu vào thư mục của mình hoặc xin quyền đọc",
        EN: "{option} {data}: cannot be read (no permission to read it or a folder on its path); copy the data "
            "to a folder of your own or ask for read permission",
    },
    "data.broken_link": {
        VI: "{option} {data}: đây là một liên kết (symlink) không dẫn tới tệp nào (tệp đích đã mất, hoặc các "
            "liên kết trỏ vòng vào nhau); cần một thư mục dữ liệu như data/demo hoặc một tệp số liệu chính thức",
        EN: "{option} {data}: this is a link (symlink) that leads to no file (its target is gone, or the links "
            "point at each other in a loop); expected a data directory like data/demo or an official values file",
    },
    "data.not_found": {
        VI: "{option} {data}: không tìm thấy tệp (không có tệp hay thư mục này); cần một thư mục dữ liệu như "
            "data/demo hoặc một tệp số liệu chính thức (CSV hoặc .xlsx)",
        EN: "{option} {data}: file not found (no such file or directory); expected a data directory laid out "
            "like data/demo or an official values file (CSV or .xlsx)",
    },
    "data.official_folder": {
        VI: "{problem} (thư mục {folder}; đặt {variable} để dùng thư mục khác)",
        EN: "{problem} (folder {folder}; set {variable} to use another folder)",
    },
    "data.edition_out_of_range": {
        VI: "--edition {edition}: kỳ này nằm ngoài các kỳ chương trình làm được; cần một kỳ từ {first} đến {last}, kỳ {last} là kỳ tiếp theo "
            "sau kỳ mới nhất đã có khung chỉ số hoặc dữ liệu (các kỳ có tệp khung chỉ số riêng: {editions}; "
            "kỳ sau hơn dùng khung của kỳ {framework})",
        EN: "--edition {edition}: outside the editions the program can serve; expected an edition from {first} to {last}, {last} being "
            "the edition after the newest one with a framework or data (editions with their own framework file: "
            "{editions}; a later edition uses the {framework} framework)",
    },
    # --- output paths and refused files (piilib.safe_write) --------------------------------
    "out.input_in_folder": {
        VI: "{label} {out}: tệp này thuộc thư mục dữ liệu vào {source}; dữ liệu vào không bao giờ bị ghi đè, hãy chọn tệp kết quả khác",
        EN: "{label} {out}: this file is part of the input folder {source}; inputs are never overwritten, choose another output file",
    },
    "out.in_official_folder": {
        VI: "{label} {out} nằm trong thư mục số liệu chính thức {folder}: mọi tệp trong đó được đọc như số liệu "
            "chính thức, nên lệnh không ghi vào đó; chọn nơi khác (chép tệp vào thư mục khi đã kiểm tra xong)",
        EN: "{label} {out} is inside the official folder {folder}: every file there is read as official data, "
            "so commands never write into it; choose another place (copy a file in once it is checked)",
    },
    "out.is_input": {
        VI: "{label} {out} là tệp dữ liệu vào {source}; dữ liệu vào không bao giờ bị ghi đè, hãy chọn tệp kết quả khác",
        EN: "{label} {out} is the input file {source}; inputs are never overwritten, choose another output file",
    },
    "out.is_folder": {
        VI: "{label} {out} là một thư mục; hãy ghi tên tệp (một tệp trong thư mục đó hoặc ở nơi khác)",
        EN: "{label} {out} is a folder; give a file name (a file in that folder or elsewhere)",
    },
    "out.parent_is_file": {
        VI: "{label} {out}: {parent} là một tệp, không phải thư mục; hãy chọn đường dẫn khác",
        EN: "{label} {out}: {parent} is a file, not a folder; choose another output path",
    },
    "out.no_folder": {
        VI: "{label} {out}: thư mục {folder} không tồn tại; hãy tạo thư mục trước hoặc chọn thư mục khác",
        EN: "{label} {out}: the folder {folder} does not exist; create it first or choose another folder",
    },
    "out.folder_read_only": {
        VI: "{label} {out}: bạn không có quyền ghi vào thư mục {folder}; hãy chọn thư mục ghi được",
        EN: "{label} {out}: the folder {folder} is read-only for you; choose a folder you can write to",
    },
    "out.file_read_only": {
        VI: "{label} {out}: tệp chỉ đọc; hãy cho phép ghi hoặc chọn tệp kết quả khác",
        EN: "{label} {out}: the file is read-only; make it writable or choose another output file",
    },
    "out.holds_input": {
        VI: "{label} {out} chứa dữ liệu vào {source}; dữ liệu vào không bao giờ bị ghi đè, hãy chọn thư mục kết quả khác",
        EN: "{label} {out} holds the input {source}; inputs are never overwritten, choose another output folder",
    },
    "out.inside_input": {
        VI: "{label} {out} nằm trong thư mục dữ liệu vào {source}; hãy chọn thư mục kết quả bên ngoài nó",
        EN: "{label} {out} is inside the input folder {source}; choose an output folder outside it",
    },
    "out.current_folder": {
        VI: "{label} {out} là thư mục hiện tại hoặc thư mục cha của nó, sẽ bị thay thế; hãy chọn một thư mục mới hoặc trống",
        EN: "{label} {out} is the current folder or one of its parents, which the output would replace; choose a new or empty folder",
    },
    "out.file_not_folder": {
        VI: "{label} {out} là một tệp, không phải thư mục; hãy chọn thư mục kết quả khác",
        EN: "{label} {out} is a file, not a folder; choose another output folder",
    },
    "out.existing_is_file": {
        VI: "{label} {out}: {existing} là một tệp, không phải thư mục; hãy chọn thư mục kết quả khác",
        EN: "{label} {out}: {existing} is a file, not a folder; choose another output folder",
    },
    "os.a_file": {
        VI: "một tệp",
        EN: "a file",
    },
    "os.cannot_write": {
        VI: "không ghi được {name}: {hint}",
        EN: "cannot write {name}: {hint}",
    },
    "os.file": {
        VI: "{name}: {hint}",
        EN: "{name}: {hint}",
    },
    "os.write.disk_full": {
        VI: "ổ đĩa đã đầy; hãy giải phóng dung lượng rồi chạy lại (tệp cũ cùng tên giữ nguyên)",
        EN: "the disk is full; free some space and run again (an earlier file of that name is unchanged)",
    },
    "os.write.quota": {
        VI: "đã dùng hết hạn mức ổ đĩa; hãy giải phóng dung lượng rồi chạy lại (tệp cũ giữ nguyên)",
        EN: "the disk quota is used up; free some space and run again (an earlier file is unchanged)",
    },
    "os.write.no_folder": {
        VI: "thư mục {folder} không tồn tại; hãy tạo thư mục trước hoặc chọn đường dẫn khác",
        EN: "the folder {folder} does not exist; create it first or choose another output path",
    },
    "os.write.no_permission": {
        VI: "không có quyền ghi vào {folder}; hãy chọn thư mục ghi được",
        EN: "no permission to write in {folder}; choose a folder you can write to",
    },
    "os.write.read_only_disk": {
        VI: "{folder} nằm trên ổ đĩa chỉ đọc; hãy chọn thư mục ghi được",
        EN: "{folder} is on a read-only disk; choose a folder you can write to",
    },
    "os.write.is_folder": {
        VI: "đó là một thư mục; hãy ghi tên tệp",
        EN: "it is a folder; give a file name",
    },
    "os.write.not_dir": {
        VI: "một phần của đường dẫn là tệp, không phải thư mục; hãy chọn đường dẫn khác",
        EN: "part of the path is a file, not a folder; choose another output path",
    },
    "os.disk_full": {
        VI: "ổ đĩa đã đầy; hãy giải phóng dung lượng rồi chạy lại",
        EN: "the disk is full; free some space and run again",
    },
    "os.quota": {
        VI: "đã dùng hết hạn mức ổ đĩa; hãy giải phóng dung lượng rồi chạy lại",
        EN: "the disk quota is used up; free some space and run again",
    },
    "os.no_permission": {
        VI: "không có quyền; hãy kiểm tra bạn có được đọc (hoặc ghi) nó không",
        EN: "permission denied; check that you may read (or write) it",
    },
    "os.read_only_disk": {
        VI: "ổ đĩa chỉ đọc; hãy chọn thư mục ghi được",
        EN: "the disk is read-only; choose a folder you can write to",
    },
    "os.not_found": {
        VI: "không có tệp hay thư mục này; hãy kiểm tra đường dẫn",
        EN: "no such file or folder; check the path",
    },
    "os.is_folder": {
        VI: "đó là một thư mục, không phải tệp",
        EN: "it is a folder, not a file",
    },
    "os.not_dir": {
        VI: "một phần của đường dẫn là tệp, không phải thư mục",
        EN: "part of the path is a file, not a folder",
    },
    # --- a build that another build holds up (piilib.report.build) ---------------------------
    "build.locked": {
        VI: "{what} {path} đang được một lần dựng khác sử dụng ({holder}); hãy chờ lần dựng đó xong, hoặc chọn "
            "{option} khác",
        EN: "{what} {path} is in use by another build ({holder}); wait for it to finish, or choose another {option}",
    },
    "build.locked.output": {VI: "thư mục công bố", EN: "output folder"},
    "build.locked.cache": {VI: "bộ nhớ đệm", EN: "cache"},
    "build.holder": {VI: "tiến trình {pid} trên máy {host}, bắt đầu lúc {started}",
                     EN: "pid {pid} on {host}, started {started}"},
    "build.holder.starting": {VI: "một lần dựng vừa bắt đầu", EN: "a build that is just starting"},
    # --- CSV files of a --data folder (piilib.bundle) and the build's data check (report.data) ---
    "csv.no_permission": {
        VI: "{name}: không đọc được (không có quyền đọc tệp hoặc thư mục chứa nó); hãy chép dữ liệu vào thư mục "
            "của mình hoặc xin quyền đọc",
        EN: "{name}: cannot be read (no permission to read it or its folder); copy the data to a folder of your "
            "own or ask for read permission",
    },
    "csv.unreadable": {VI: "{name}: không đọc được ({reason}); hãy chép tệp vào ổ đĩa của máy",
                       EN: "{name}: cannot be read ({reason}); copy it to a local disk"},
    "csv.empty": {
        VI: "{name}: tệp rỗng; cần một tệp CSV có dòng tiêu đề (với tệp giá trị: {columns}), hoặc hãy xóa tệp này",
        EN: "{name}: the file is empty; expected a CSV file with a header row (for values: {columns}), or "
            "remove the file",
    },
    "csv.not_utf8": {
        VI: "{name}, dòng {line}: tệp không phải văn bản UTF-8 (byte 0x{byte}); {save_as}, hoặc chuyển tệp sang "
            "UTF-8",
        EN: "{name}, line {line}: the file is not UTF-8 text (byte 0x{byte}); {save_as}, or convert it to UTF-8",
    },
    "csv.save_as": {VI: 'hãy lưu lại từ Excel bằng "CSV UTF-8 (Comma delimited)"',
                    EN: 'save it from Excel as "CSV UTF-8 (Comma delimited)"'},
    "csv.not_csv": {
        VI: "{name}: không đọc được dưới dạng CSV ({detail}); cần các cột phân cách bằng dấu phẩy, có dòng tiêu "
            "đề; {save_as}",
        EN: "{name}: cannot be read as CSV ({detail}); expected comma-separated columns with a header row; "
            "{save_as}",
    },
    "csv.bad_cell": {VI: "{name}, dòng {line}, cột '{column}': giá trị ghi {found}; cần {expected}",
                     EN: "{name}, line {line}, column '{column}': found {found}; expected {expected}"},
    "csv.expected_year": {VI: "một số nguyên (một năm, ví dụ 2024)",
                          EN: "a whole number (a year such as 2024)"},
    "csv.expected_number": {
        VI: "một số viết với dấu chấm thập phân và không có dấu phân cách hàng nghìn, ví dụ 1234.5, hoặc ô trống "
            "khi thiếu giá trị",
        EN: "a number written with a decimal point and no thousands separator, e.g. 1234.5, or an empty cell "
            "for a missing value",
    },
    "csv.more_not_whole": {
        VI: "{name}: … và {count} ô khác của cột '{column}' không phải số nguyên (dòng {first}–{last})",
        EN: "{name}: … and {count} more cells of column '{column}' that are not whole numbers (lines "
            "{first}–{last})",
    },
    "csv.more_not_numbers": {
        VI: "{name}: … và {count} ô khác của cột '{column}' không phải số (dòng {first}–{last})",
        EN: "{name}: … and {count} more cells of column '{column}' that are not numbers (lines {first}–{last})",
    },
    "csv.more_below_zero": {
        VI: "{name}: … và {count} ô khác của cột '{column}' bằng 0 hoặc âm ở nơi cần số dương (dòng {first}–{last})",
        EN: "{name}: … and {count} more cells of column '{column}' at or below zero where a positive number is "
            "needed (lines {first}–{last})",
    },
    "csv.repeated_column": {
        VI: "{name}: dòng tiêu đề có cột trùng tên ({columns}); mỗi tên cột chỉ một lần",
        EN: "{name}: the header row names a column more than once ({columns}); expected each column name once",
    },
    "csv.duplicate": {
        VI: "{name}, dòng {line}: ({columns}) = ({key}) đã có ở dòng {first}; mỗi bộ ({columns}) chỉ một dòng (xóa "
            "dòng lặp hoặc sửa lại giá trị)",
        EN: "{name}, line {line}: ({columns}) = ({key}) is already in line {first}; expected one row per "
            "({columns}) (delete the repeated row or correct it)",
    },
    "csv.more_duplicates": {VI: "{name}: … và {count} dòng lặp khác", EN: "{name}: … and {count} more repeated rows"},
    "csv.expected_positive": {VI: "một số lớn hơn 0 ({covariate} không thể bằng 0 hay âm)",
                              EN: "a number above 0 ({covariate} cannot be zero or negative)"},
    "csv.expected_non_negative": {VI: "một số không âm ({covariate} không thể âm)",
                                  EN: "a number not below 0 ({covariate} cannot be negative)"},
    "csv.expected_provenance": {VI: "một trong {choices} (nguồn gốc của giá trị)",
                                EN: "one of {choices} (where the value comes from)"},
    "csv.empty_cell": {VI: "(trống)", EN: "(empty)"},
    "csv.expected_unit.edition": {
        VI: "mã một trong {count} tỉnh, thành phố của kỳ {edition} (ví dụ can-tho){hint}",
        EN: "the key of one of the {count} provinces of edition {edition} (e.g. can-tho){hint}",
    },
    "csv.expected_unit.year": {
        VI: "mã một tỉnh, thành phố của bản đồ {count} tỉnh, thành phố mà tệp này dùng cho năm {year} (ví dụ "
            "can-tho){hint}",
        EN: "the key of a province of the {count}-province map this file uses for {year} (e.g. can-tho){hint}",
    },
    "csv.unit_hint.closest": {VI: "; gần nhất: {units}", EN: "; closest: {units}"},
    "csv.unit_hint.merged": {
        VI: "; {unit} là tỉnh trước khi sáp nhập ngày 1/7/2025, trên bản đồ này thuộc {merged}",
        EN: "; {unit} is a province before the merger of 1 July 2025, on this map part of {merged}",
    },
    "csv.unit_hint.later_map": {
        VI: "; {unit} là đơn vị của bản đồ từ ngày 1/7/2025, trên bản đồ này là {formers}",
        EN: "; {unit} is a unit of the map from 1 July 2025, on this map {formers}",
    },
    "csv.more_unknown_units": {
        VI: "{name}: … và {count} ô khác của cột '{column}' không phải mã tỉnh, thành phố (dòng {first}–{last})",
        EN: "{name}: … and {count} more cells of column '{column}' that are not province keys (lines "
            "{first}–{last})",
    },
    "data.path_missing": {
        VI: "không có đường dẫn dữ liệu {path}; cần một thư mục dữ liệu như data/demo hoặc một tệp số liệu chính "
            "thức (CSV hoặc .xlsx)",
        EN: "data path {path} does not exist; expected a data directory laid out like data/demo or an official "
            "values file (CSV or .xlsx)",
    },
    "data.no_values_file": {
        VI: "thư mục {path}: không có tệp giá trị (một tệp CSV có các cột {columns}, như data/demo/values.csv); "
            "cần một thư mục như data/demo{hint}",
        EN: "directory {path}: no values file (a CSV with columns {columns}, like data/demo/values.csv); expected "
            "a directory laid out like data/demo{hint}",
    },
    "data.no_values_file.workbooks": {
        VI: ". Thư mục này chứa sổ tính ({files}): đưa một tệp vào --data (ví dụ --data {first}), hoặc dùng nó "
            "làm thư mục số liệu chính thức: export {variable}={path} và bỏ --data",
        EN: ". This folder holds workbooks ({files}): give one file as --data (e.g. --data {first}), or use it "
            "as the official folder: export {variable}={path} and leave --data out",
    },
    "data.no_edition": {
        VI: "{path} không có giá trị nào của kỳ {edition}; các kỳ có trong dữ liệu: {editions}",
        EN: "{path} holds no values for edition {edition}; editions found: {editions}",
    },
    "data.edition_absent": {VI: "không có giá trị nào của kỳ {edition}; các kỳ có trong dữ liệu: {editions}",
                            EN: "no values for edition {edition}; editions present: {editions}"},
    "data.no_csv": {VI: "đường dẫn dữ liệu {path} không có tệp CSV nào; cần một thư mục như data/demo",
                    EN: "data path {path} holds no CSV file; expected a directory laid out like data/demo"},
    "data.no_provenance_column": {
        VI: "không tệp CSV nào trong {path} có cột '{column}'; mỗi giá trị phải ghi nguồn gốc ({choices})",
        EN: "no CSV file under {path} has a '{column}' column; every value must say where it comes from "
            "({choices})",
    },
    "data.unknown_provenance": {
        VI: "{file}, dòng {line}, cột '{column}': giá trị ghi {found}; cần một trong {choices}",
        EN: "{file}, line {line}, column '{column}': found {found}, expected one of {choices}",
    },
    "data.more_unknown_provenance": {VI: "… và {count} dòng khác có nguồn gốc không nhận ra",
                                     EN: "... and {count} more rows with an unknown provenance"},
    "data.official_file": {VI: "tệp {file} trong thư mục số liệu chính thức: {problems}",
                           EN: "official folder file {file}: {problems}"},
    "data.official_not_read": {
        VI: "{reason}; tệp này không được đọc: chỉ tệp .xlsx và .csv của thư mục được đọc (mở tệp rồi lưu lại dạng "
            "Excel Workbook .xlsx, hoặc chuyển tệp ra khỏi thư mục)",
        EN: "{reason}; the file is not read: only the .xlsx and .csv files of the folder are (open it and save "
            "it as Excel Workbook .xlsx, or move it out of the folder)",
    },
    "data.official_name_edition": {
        VI: "thư mục số liệu chính thức: tên tệp {file} ghi kỳ {named} nhưng nội dung tệp ghi kỳ {stated}; đổi tên "
            "tệp hoặc sửa ô \"Kỳ PII\" cho khớp",
        EN: "official folder: the name {file} says edition {named} but the file states edition {stated}; rename "
            "the file or correct its \"Kỳ PII\" cell",
    },
    "data.official_same_edition": {
        VI: "thư mục số liệu chính thức: {first} và {second} cùng chứa kỳ {edition}; mỗi kỳ chỉ giữ một tệp",
        EN: "official folder: {first} and {second} both hold edition {edition}; keep one file per edition",
    },
    # --- pii build: the province, the progress bar, a chapter that fails (piilib.report) -----
    "build.unknown_province": {
        VI: "tỉnh '{province}' không phải một tỉnh, thành phố của kỳ {edition} (bản đồ {map} tỉnh, thành phố){hint}",
        EN: "province '{province}' is not a unit of edition {edition} ({map}-province map){hint}",
    },
    "build.unknown_province.hint": {VI: "; tên gần nhất: {names}", EN: "; closest: {names}"},
    "build.progress": {VI: "Các chương", EN: "Chapters"},
    "build.progress.unit": {VI: "chương", EN: "chapter"},
    "build.chapter_failed": {
        VI: "chương '{chapter}' bị lỗi trong notebook {notebook}, {where}\n{error}",
        EN: "chapter '{chapter}' failed in notebook {notebook}, {where}\n{error}",
    },
    "build.chapter_failed.cell": {
        VI: "ô {cell} (đếm từ 0), dòng đầu: {first_line}",
        EN: "cell {cell} (counting from 0), first line: {first_line}",
    },
    "build.chapter_failed.before": {VI: "trước khi ô nào được chạy", EN: "before any cell ran"},
    "build.chapter_failed.traceback": {
        VI: "Chi tiết lỗi của Python (cho người viết chương):",
        EN: "Python's account of the error (for the chapter's author):",
    },
    # --- framework files, data/framework/pii_<edition>.csv (piilib.framework) ----------------
    "framework.none": {
        VI: "tệp {path}: không có khung chỉ số cho kỳ {edition}; các kỳ có khung chỉ số: {editions}",
        EN: "file {path}: no framework for edition {edition}; editions with a framework: {editions}",
    },
    "framework.unreadable": {VI: "tệp {file}: không đọc được dưới dạng CSV UTF-8 ({reason})",
                             EN: "file {file}: cannot be read as UTF-8 CSV ({reason})"},
    "framework.missing_column": {VI: "tệp {file}: thiếu cột '{column}'; cần các cột: {columns}",
                                 EN: "file {file}: column '{column}' is missing; expected columns: {columns}"},
    "framework.no_rows": {VI: "tệp {file}: khung chỉ số không có dòng nào",
                          EN: "file {file}: the framework has no rows"},
    "framework.cell": {VI: "tệp {file}, dòng {line}, cột '{column}': giá trị ghi {found}; cần {expected}",
                       EN: "file {file}, line {line}, column '{column}': found {found}; expected {expected}"},
    "framework.expected.edition": {VI: "{edition} (kỳ của tệp này)", EN: "{edition} (the edition of this file)"},
    "framework.expected.code": {VI: "một mã", EN: "a code"},
    "framework.expected.unique_code": {VI: "một mã không trùng (mã này đã dùng ở dòng {line})",
                                       EN: "a unique code (already used on line {line})"},
    "framework.expected.one_of": {VI: "một trong {choices}", EN: "one of {choices}"},
    "framework.expected.name_vi": {VI: "một tên tiếng Việt", EN: "a Vietnamese name"},
    "framework.expected.direction": {VI: "1 (càng cao càng tốt) hoặc -1 (càng thấp càng tốt)",
                                     EN: "1 (higher is better) or -1 (lower is better)"},
    "framework.expected.weight": {VI: "một số lớn hơn 0", EN: "a number greater than 0"},
    "framework.expected.aggregate_blank": {
        VI: "để trống ở dòng của thành phần tổng hợp (công cụ tính tự tính lại các thành phần tổng hợp)",
        EN: "blank on an aggregate row (aggregates are recomputed by the engine)",
    },
    "framework.expected.index_parent": {VI: "để trống (chỉ số chung là gốc của cây)",
                                        EN: "blank (the index is the top of the tree)"},
    "framework.expected.parent": {VI: "mã của một {level}", EN: "the code of a {level}"},
    "framework.expected.parent_listed": {VI: "mã của một {level} có trong tệp",
                                         EN: "the code of a {level} listed in the file"},
    "framework.expected.parent_level": {
        VI: "mã của một {level} (cấp cha của một {child}); '{parent}' là một '{actual}'",
        EN: "the code of a {level} (a {child}'s parent); '{parent}' is a '{actual}'",
    },
    "framework.expected.merge_weight": {
        VI: "đại lượng dùng làm trọng số cho trung bình có trọng số, một trong {choices}",
        EN: "the quantity a weighted mean is weighted by, one of {choices}",
    },
    "framework.expected.merge_weight_blank": {VI: "để trống (quy tắc gộp là {rule})",
                                              EN: "blank (merge rule is {rule})"},
    "framework.expected.note": {VI: "một ghi chú nói vì sao không gộp được chỉ số này",
                                EN: "a note saying why the indicator cannot be combined"},
    "framework.expected.unit": {VI: "đơn vị của chỉ số", EN: "the unit of the indicator"},
    "framework.expected.number_or_blank": {VI: "một số hoặc để trống", EN: "a number or blank"},
    "framework.expected.not_below": {VI: "một số không nhỏ hơn assumed_typical_low ({low})",
                                     EN: "a number not below assumed_typical_low ({low})"},
    "framework.roots": {
        VI: "tệp {file}: có {count} dòng có level 'index' ({codes}); cần đúng một dòng",
        EN: "file {file}: found {count} rows with level 'index' ({codes}); expected exactly one",
    },
    "framework.roots.none": {VI: "không có", EN: "none"},
    "framework.cycle": {
        VI: "tệp {file}, dòng {line}, cột 'parent': chuỗi cấp cha {chain} là một vòng lặp; cần một chuỗi dừng ở "
            "chỉ số chung",
        EN: "file {file}, line {line}, column 'parent': the chain of parents {chain} is a cycle; expected a "
            "chain ending at the index",
    },
    "framework.no_children": {
        VI: "tệp {file}, dòng {line}, cột 'code': {level} '{code}' không có thành phần con nào; mỗi thành phần "
            "tổng hợp cần ít nhất một",
        EN: "file {file}, line {line}, column 'code': the {level} '{code}' has no children; expected every "
            "aggregate to have at least one",
    },
    # --- plan files, data/plan/*.yaml (piilib.plan) --------------------------------------------
    "plan.unreadable": {VI: "tệp {file}: không đọc được dưới dạng kế hoạch YAML UTF-8 ({reason})",
                        EN: "file {file}: cannot be read as a UTF-8 YAML plan ({reason})"},
    "plan.not_yaml": {
        VI: "tệp {file}{where}: không phải YAML hợp lệ ({detail}); cần một kế hoạch theo mẫu plan88.yaml "
            "(thụt lề bằng dấu cách, mỗi khóa có dấu hai chấm, dấu ngoặc kép và ngoặc đã đóng)",
        EN: "file {file}{where}: is not valid YAML ({detail}); expected a plan in the layout of plan88.yaml "
            "(indented with spaces, a colon after each key, quotes and brackets closed)",
    },
    # --- YAML files: where the parser stopped (piilib.yaml_errors) ------------------------------
    "yaml.at": {VI: ", dòng {line}, cột {column}", EN: ", line {line}, column {column}"},
    "yaml.started_at": {VI: " (phần đang đọc bắt đầu ở dòng {line}, cột {column})",
                        EN: " (in the part that starts at line {line}, column {column})"},
    "yaml.detail": {VI: 'PyYAML báo: "{reason}"', EN: 'PyYAML says: "{reason}"'},
    "plan.missing_section": {VI: "tệp {file}: thiếu mục '{section}'", EN: "file {file}: section '{section}' is missing"},
    "plan.control_notes_shape": {
        VI: "tệp {file}, control_notes: cần một danh sách, mỗi mục có indicator, agency_key, extent và reason_vi",
        EN: "file {file}, control_notes: expected a list of entries with indicator, agency_key, extent and "
            "reason_vi",
    },
    "plan.deadline": {
        VI: "tệp {file}, deadline: ghi ngày {day}, tháng {month}; cần một ngày và tháng có thật trên lịch",
        EN: "file {file}, deadline: found day {day}, month {month}; expected a calendar day and month",
    },
    "plan.duplicate_code": {
        VI: "tệp {file}, indicators: mã '{code}' được liệt kê nhiều lần; mỗi mã chỉ ghi một lần",
        EN: "file {file}, indicators: code '{code}' is listed more than once; expected each once",
    },
    "plan.indicator": {VI: "tệp {file}, indicators, mã '{code}': {problem}",
                       EN: "file {file}, indicators, code '{code}': {problem}"},
    "plan.indicator.group": {VI: "nhóm '{group}'; cần một trong {choices}",
                             EN: "group '{group}'; expected one of {choices}"},
    "plan.indicator.agency": {VI: "mã cơ quan '{key}' không có trong agencies",
                              EN: "agency key '{key}' is not in agencies"},
    "plan.indicator.rank": {VI: "rank_2024 {rank}; cần từ 1 đến {rank_of}",
                            EN: "rank_2024 {rank}; expected 1 to {rank_of}"},
    "plan.indicator.weak_without_rank": {
        VI: "chỉ số yếu nhưng không có rank_2024; cần thứ hạng mà kế hoạch ghi",
        EN: "a weak indicator without rank_2024; expected the rank the plan gives",
    },
    "plan.indicator.no_solution": {VI: "không có giải pháp; cần nội dung giải pháp trong phụ lục",
                                   EN: "no solution; expected the appendix's solution text"},
    "plan.footnote_indicator": {
        VI: "tệp {file}, chú thích {number}: chỉ số '{code}' không có trong kế hoạch",
        EN: "file {file}, footnote {number}: indicator '{code}' is not in the plan",
    },
    "plan.solution_agency": {
        VI: "tệp {file}, giải pháp {section}: mã cơ quan '{key}' không có trong agencies",
        EN: "file {file}, solution {section}: agency key '{key}' is not in agencies",
    },
    "plan.solution_indicator": {
        VI: "tệp {file}, giải pháp {section}: chỉ số '{code}' không có trong kế hoạch",
        EN: "file {file}, solution {section}: indicator '{code}' is not in the plan",
    },
    "plan.control_note": {
        VI: "tệp {file}, control_notes, mục {number} (chỉ số '{code}'): {problem}",
        EN: "file {file}, control_notes, entry {number} (indicator '{code}'): {problem}",
    },
    "plan.control_note.not_in_plan": {VI: "chỉ số không có trong kế hoạch", EN: "the indicator is not in the plan"},
    "plan.control_note.agency": {
        VI: "agency_key '{key}'; cần cơ quan chủ trì của chỉ số '{lead}'",
        EN: "agency_key '{key}'; expected the indicator's lead agency '{lead}'",
    },
    "plan.control_note.extent": {VI: "extent '{extent}'; cần một trong {choices}",
                                 EN: "extent '{extent}'; expected one of {choices}"},
    "plan.control_note.reason": {
        VI: "không có reason_vi; cần lý do vì sao mục tiêu nằm ngoài tầm kiểm soát của cơ quan",
        EN: "no reason_vi; expected why the target is outside the agency's control",
    },
    "plan.control_note_twice": {
        VI: "tệp {file}, control_notes: chỉ số '{code}' có nhiều hơn một ghi chú; mỗi chỉ số chỉ một ghi chú",
        EN: "file {file}, control_notes: indicator '{code}' has more than one note; expected one",
    },
    "plan.deadline_recipient": {
        VI: "tệp {file}, deadline: recipient_key '{key}' không có trong agencies",
        EN: "file {file}, deadline: recipient_key '{key}' is not in agencies",
    },
    # --- the peer formula of `pii targets --peer-formula` (piilib.analysis.peers) -------------
    "peers.no_tilde": {
        VI: "công thức tỉnh tương đồng {formula} không có dấu '~'; cần dạng như 'value ~ np.log(population)'",
        EN: "peer formula {formula} has no '~'; expected e.g. 'value ~ np.log(population)'",
    },
    "peers.left_side": {
        VI: "công thức tỉnh tương đồng {formula}: vế trái phải là '{response}' (hoặc {others}), không phải {found}; "
            "ví dụ 'value ~ np.log(population)'",
        EN: "peer formula {formula}: the left-hand side must be '{response}' (or {others}), not {found}; "
            "e.g. 'value ~ np.log(population)'",
    },
    "peers.unreadable": {
        VI: "không đọc được công thức tỉnh tương đồng {formula} ({reason}); cần dạng như "
            "'value ~ np.log(population) + urbanisation'",
        EN: "peer formula {formula} cannot be read ({reason}); expected e.g. "
            "'value ~ np.log(population) + urbanisation'",
    },
    "peers.unknown_covariates": {
        VI: "công thức tỉnh tương đồng {formula} dùng biến cấu trúc {missing} không có trong dữ liệu; các biến "
            "cấu trúc có: {available}",
        EN: "peer formula {formula} uses covariate(s) {missing} not in the data; covariates available: {available}",
    },
    "peers.incomplete_covariates": {
        VI: "'{unit}' thiếu biến cấu trúc (dân số, GRDP bình quân, đô thị hóa, ...) của năm số liệu, hoặc có giá "
            "trị không dùng được; bổ sung hoặc sửa trong tệp covariates",
        EN: "'{unit}' lacks structural covariates (population, GRDP per capita, urbanisation, ...) for the data "
            "year, or has values that cannot be used; add or fix them in the covariates file",
    },
    "peers.none": {VI: "không có", EN: "none"},
    # --- Jupyter Book and LaTeX, and the rules the book must keep (piilib.report.book) ---------
    "book.same_file.chapter": {
        VI: "chương '{key}' ghi tệp {file}, tệp mà chương '{other}' cũng ghi; hãy đặt cho tệp một tên riêng của "
            "chương",
        EN: "chapter '{key}' wrote {file}, which chapter '{other}' also wrote; give the file a name unique to "
            "the chapter",
    },
    "book.same_file.page": {
        VI: "chương '{key}' ghi tệp {file}, đã là một trang hoặc tệp của báo cáo; hãy đặt cho tệp một tên riêng "
            "của chương",
        EN: "chapter '{key}' wrote {file}, which is already a page or asset of the book; give the file a name "
            "unique to the chapter",
    },
    "book.jupyter_book_failed": {VI: "jupyter-book ({builder}) bị lỗi:\n{tail}",
                                 EN: "jupyter-book ({builder}) failed:\n{tail}"},
    "book.not_offline": {
        VI: "bản HTML sẽ tải tài nguyên từ máy khác (nó phải mở được khi không có mạng):\n{resources}",
        EN: "the HTML would load resources from other machines (it must open offline):\n{resources}",
    },
    "book.no_pdf": {VI: "XeLaTeX không tạo ra {pdf}; xem {log}", EN: "XeLaTeX produced no {pdf}; see {log}"},
    "book.missing_glyphs": {
        VI: "phông chữ của PDF thiếu {count} ký tự, các ký tự này sẽ biến mất khỏi trang (xem {log}):\n{lines}",
        EN: "the PDF font lacks {count} character(s), which would vanish from the page (see {log}):\n{lines}",
    },
    # --- the book's table of contents, _toc.yml or --toc (piilib.report.chapters) ------------
    "toc.title_names": {
        VI: "{where}: tiêu đề {title} dùng {names}; tiêu đề chỉ được dùng {allowed}",
        EN: "{where}: the title {title} names {names}; a title may name {allowed}",
    },
    "toc.missing": {VI: "không có tệp mục lục {path}", EN: "the table of contents {path} does not exist"},
    "toc.not_yaml": {VI: "{path} không phải YAML hợp lệ: {error}", EN: "{path} is not valid YAML: {error}"},
    "toc.not_jb_book": {VI: "{path}: cần một mục lục Jupyter Book có 'format: jb-book'",
                        EN: "{path}: expected a Jupyter Book table of contents with 'format: jb-book'"},
    "toc.no_root": {VI: "{path}: thiếu 'root' (trang đầu tiên, ví dụ book/intro)",
                    EN: "{path}: 'root' (the first page, e.g. book/intro) is missing"},
    "toc.no_file": {
        VI: "{toc}: '{entry}' không trỏ tới notebook hay trang nào (đã tìm {notebook} và {page})",
        EN: "{toc}: '{entry}' names no notebook or page (looked for {notebook} and {page})",
    },
    "toc.entry_without_file": {VI: "{toc}: mỗi mục chương cần 'file:', nhưng gặp {entry}",
                               EN: "{toc}: every chapter entry needs 'file:', found {entry}"},
    "toc.unknown_list": {VI: "{toc}: '{entry}' có '{key}: {value}'; các giá trị biết được: {known}",
                         EN: "{toc}: '{entry}' has '{key}: {value}'; known: {known}"},
    "toc.sections": {VI: "{toc}: '{entry}' có sections; mỗi chương của báo cáo là một trang",
                     EN: "{toc}: '{entry}' has sections; the report's chapters are single pages"},
    "toc.repeat_page": {VI: "{toc}: chỉ notebook mới lặp lại được ('{entry}')",
                        EN: "{toc}: only a notebook can be repeated ('{entry}')"},
    "toc.not_a_list": {VI: "{toc}: '{where}' phải là một danh sách", EN: "{toc}: '{where}' must be a list"},
    "toc.root_notebook": {VI: "{toc}: trang gốc phải là trang Markdown, không phải notebook",
                          EN: "{toc}: the root page must be a Markdown page, not a notebook"},
    "toc.part_without_chapters": {VI: "{toc}: mỗi phần cần 'chapters:', nhưng gặp {part}",
                                  EN: "{toc}: every part needs 'chapters:', found {part}"},
    "toc.same_name": {VI: "{toc}: hai trang sẽ trùng tên {names}; hãy đổi tên một notebook hoặc trang",
                      EN: "{toc}: two pages would share the name(s) {names}; rename a notebook or page"},
    "toc.unlisted": {
        VI: "{notebook} không có trong {toc} nên không nằm trong báo cáo; muốn thêm, hãy ghi dòng "
            "'- file: {entry}' vào chỗ của chương",
        EN: "{notebook} is not listed in {toc}, so it is not in the book; to add it, add the line "
            "'- file: {entry}' where the chapter belongs",
    },
    "toc.undeclared_parameters": {
        VI: "{template} được lặp lại cho mỗi chỉ số của kế hoạch, nhưng ô tham số của nó không khai báo {names}: "
            "mọi trang sẽ giống nhau",
        EN: "{template} is repeated for every plan indicator, but its parameters cell does not declare {names}: "
            "every page would be the same",
    },
    # --- values of a --data folder as the index reads them (piilib.pii) ----------------------
    "values.unknown_unit": {
        VI: "kỳ {edition}: '{unit}' không phải mã một tỉnh, thành phố của kỳ này (cột unit, ví dụ can-tho)",
        EN: "edition {edition}: unit '{unit}' is not a province of this edition",
    },
    "values.unknown_indicator": {
        VI: "kỳ {edition}: chỉ số '{code}' không có trong khung chỉ số",
        EN: "edition {edition}: indicator '{code}' is not in the framework",
    },
    "values.missing_units": {
        VI: "kỳ {edition}: {count} trong {total} tỉnh, thành phố không có dòng nào ({units}); cần mọi tỉnh, thành "
            "phố (ô giá trị để trống nếu thiếu số liệu)",
        EN: "edition {edition}: {count} of the {total} provinces have no row at all ({units}); expected every "
            "province (an empty value cell where data are missing)",
    },
    "values.missing_indicators": {
        VI: "kỳ {edition}: {count} trong {total} chỉ số không có dòng nào ({codes}); cần mọi chỉ số của khung "
            "(ô giá trị để trống nếu thiếu số liệu)",
        EN: "edition {edition}: {count} of the {total} indicators have no row at all ({codes}); expected every "
            "indicator of the framework (an empty value cell where data are missing)",
    },
    "values.and_more": {VI: " và {count} khác", EN: " and {count} more"},
    "values.duplicate": {
        VI: "kỳ {edition}: tỉnh '{unit}' có nhiều hơn một giá trị cho chỉ số '{code}'; mỗi tỉnh, mỗi chỉ số chỉ "
            "một giá trị",
        EN: "edition {edition}: unit '{unit}' has more than one value for '{code}'",
    },
}
