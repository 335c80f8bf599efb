-- SPDX-License-Identifier: GPL-2.0-or-later
-- Load headroom's JSON Lines into SQLite and query them with its JSON functions (SQLite >= 3.38,
-- Debian 12's sqlite3 package). Collect one line per machine:
--     headroom --request 16G --format jsonl >> fleet.jsonl
-- then, in the directory that holds fleet.jsonl:
--     sqlite3 fleet.db < fleet-sqlite.sql
-- Tables: report (one row per line), request (report.requests[]), finding (report.findings[]), and
-- the view verdict (fits, fails or inconclusive by the rule of headroom's exit status). Addresses
-- stay "0x..." strings as in the schema (reports/report-v1.schema.json); sizes are integers below
-- 2^63 and, like addresses, text from there on (a whole 64-bit space: typeof(size) = 'text').
-- The same columns map one to one onto DuckDB's read_json or ClickHouse's JSONEachRow.

DROP TABLE IF EXISTS raw;
CREATE TABLE raw(line TEXT);
-- One line per row: no column separator can occur in compact JSON (control characters are escaped).
.mode ascii
.separator "\037" "\n"
.import fleet.jsonl raw

DROP TABLE IF EXISTS report;
CREATE TABLE report AS
SELECT rowid AS id,
       line ->> '$.host' AS host,
       line ->> '$.generated_at' AS generated_at,
       line ->> '$.tool_version' AS tool_version,
       line ->> '$.input' AS input,
       line ->> '$.machine.arch' AS arch,
       line ->> '$.machine.kernel_release' AS kernel_release,
       line ->> '$.machine.kernel_version' AS kernel_version,
       line ->> '$.machine.phys_bits' AS phys_bits,
       line ->> '$.machine.hypervisor' AS hypervisor,
       line ->> '$.kernel.device_private' AS device_private,
       line ->> '$.kernel.new_scheme' AS new_scheme,
       line ->> '$.kernel.search_top' AS search_top,
       line ->> '$.kernel.direct_map_end' AS direct_map_end,
       line ->> '$.free.total' AS free_total,
       line ->> '$.free.largest.size' AS largest_gap,
       line ->> '$.inconclusive' AS inconclusive,
       line ->> '$.scheme' AS scheme,
       line ->> '$.verdict.possible' AS possible,
       line ->> '$.verdict.fix.change' AS fix,
       (SELECT count(*) FROM json_each(line, '$.gpus') WHERE value ->> '$.fails') AS failing_gpus
FROM raw WHERE json_valid(line) AND line ->> '$.schema' = 'headroom/report-v1';

DROP TABLE IF EXISTS request;
CREATE TABLE request AS
SELECT raw.rowid AS report_id, r.key + 1 AS n,
       r.value ->> '$.size' AS size,
       r.value ->> '$.legacy.verdict' AS legacy_verdict,
       r.value ->> '$.legacy.start' AS legacy_start,
       r.value ->> '$.new_scheme.verdict' AS new_scheme_verdict,
       r.value ->> '$.new_scheme.ram_cost' AS ram_cost
FROM raw, json_each(raw.line, '$.requests') AS r WHERE raw.rowid IN (SELECT id FROM report);

DROP TABLE IF EXISTS finding;
CREATE TABLE finding AS
SELECT raw.rowid AS report_id, f.value ->> '$.code' AS code, f.value ->> '$.severity' AS severity,
       f.value ->> '$.message' AS message
FROM raw, json_each(raw.line, '$.findings') AS f WHERE raw.rowid IN (SELECT id FROM report);

DROP VIEW IF EXISTS verdict;
-- The rule of headroom's exit status: no device-private memory fails whatever else; then unknowns;
-- then a failing GPU; with no request, whether it is possible at all; then the requests under the
-- report's scheme.
CREATE VIEW verdict AS
SELECT report.id, report.host,
       CASE WHEN device_private = 0 THEN 'fails'
            WHEN inconclusive THEN 'inconclusive'
            WHEN failing_gpus > 0 THEN 'fails'
            WHEN NOT EXISTS (SELECT 1 FROM request WHERE report_id = report.id)
            THEN CASE possible WHEN 1 THEN 'fits' WHEN 0 THEN 'fails' ELSE 'inconclusive' END
            WHEN EXISTS (SELECT 1 FROM request WHERE report_id = report.id AND
                         CASE report.scheme WHEN 'new' THEN new_scheme_verdict ELSE legacy_verdict END <> 'fits')
            THEN 'fails'
            ELSE 'fits' END AS verdict
FROM report;

.mode column
.headers on
-- Hosts by verdict and kernel.
SELECT verdict, kernel_release, count(*) AS hosts
FROM verdict JOIN report USING (id) GROUP BY verdict, kernel_release ORDER BY hosts DESC;
-- The one change that fixes the most failing hosts (each report's verdict.fix).
SELECT fix, count(*) AS hosts FROM verdict JOIN report USING (id)
WHERE verdict = 'fails' AND fix IS NOT NULL GROUP BY fix ORDER BY hosts DESC LIMIT 5;
-- The advice the most failing hosts carry: the same text is the same change.
SELECT code, count(*) AS hosts, message
FROM finding JOIN verdict ON verdict.id = finding.report_id
WHERE verdict = 'fails' AND code LIKE 'advice-%' GROUP BY code, message ORDER BY hosts DESC LIMIT 5;
-- Requests of 16 GiB or more that get no physical address space, by phys-bits.
SELECT phys_bits, count(*) AS requests
FROM request JOIN report ON report.id = request.report_id
WHERE size >= 16 * 1024 * 1024 * 1024 AND legacy_verdict <> 'fits' GROUP BY phys_bits ORDER BY phys_bits;
