// SPDX-License-Identifier: GPL-2.0-or-later
/* The firmware's declarations in the reports: "firmware" in JSON, a section in the text. */
#include <stdio.h>

#include "headroom/report.h"

static json_t *addr(uint64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)value);
	return json_string(value ? buf : "0x0");
}

static json_t *bridge_json(const struct hr_host_bridge *b)
{
	json_t *windows = json_array();

	for (size_t i = 0; i < b->n_windows; i++) {
		const struct hr_fw_window *w = &b->windows[i];

		json_array_append_new(windows, json_pack("{s:o, s:o, s:s, s:b, s:o, s:s}",
							 "start", addr(w->start), "end", addr(w->end),
							 "type", hr_window_type_name(w->type),
							 "prefetchable", w->prefetchable,
							 "translation", addr(w->translation),
							 "source", hr_fw_source_name(w->source)));
	}
	return json_pack("{s:s, s:s, s:o, s:b}", "path", b->path, "hid", b->hid, "windows", windows,
			 "windows_unknown", b->windows_unknown);
}

json_t *hr_report_firmware_json(const struct hr_firmware *fw)
{
	json_t *tables = json_array(), *bridges = json_array(), *hotplug = json_array();
	json_t *affinity = json_array(), *cxl = json_array(), *ecam = json_array();

	for (size_t i = 0; i < fw->n_tables; i++)
		json_array_append_new(tables, json_pack("{s:s, s:s, s:I, s:i, s:o}",
							"signature", fw->tables[i].signature,
							"path", fw->tables[i].path,
							"length", (json_int_t)fw->tables[i].length,
							"revision", fw->tables[i].revision,
							"checksum_ok", fw->tables[i].has_checksum
							? json_boolean(fw->tables[i].checksum_ok)
							: json_null()));
	for (size_t i = 0; i < fw->n_bridges; i++)
		json_array_append_new(bridges, bridge_json(&fw->bridges[i]));
	for (size_t i = 0; i < fw->n_affinity; i++) {
		const struct hr_mem_affinity *a = &fw->affinity[i];
		json_t *o = json_pack("{s:o, s:o, s:I}", "start", addr(a->start), "end", addr(a->end),
				      "node", (json_int_t)a->node);

		if (a->hotpluggable)
			json_array_append(hotplug, o);
		json_object_set_new(o, "hotpluggable", json_boolean(a->hotpluggable));
		json_object_set_new(o, "nonvolatile", json_boolean(a->nonvolatile));
		json_array_append_new(affinity, o);
	}
	for (size_t i = 0; i < fw->n_cxl; i++)
		json_array_append_new(cxl, json_pack("{s:o, s:o, s:I, s:I, s:I}",
						     "start", addr(fw->cxl[i].start),
						     "end", addr(fw->cxl[i].end),
						     "interleave_ways", (json_int_t)fw->cxl[i].n_targets,
						     "granularity", (json_int_t)fw->cxl[i].granularity,
						     "restrictions", (json_int_t)fw->cxl[i].restrictions));
	for (size_t i = 0; i < fw->n_ecam; i++)
		json_array_append_new(ecam, json_pack("{s:o, s:o, s:i, s:i, s:i}",
						      "start", addr(fw->ecam[i].start),
						      "end", addr(fw->ecam[i].end),
						      "segment", fw->ecam[i].segment,
						      "bus_start", fw->ecam[i].bus_start,
						      "bus_end", fw->ecam[i].bus_end));
	return json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "tables", tables,
			 "aml", hr_aml_state_name(fw->aml),
			 "host_bridges", bridges,
			 "hotplug", hotplug,
			 "memory_affinity", affinity,
			 "cxl_windows", cxl,
			 "ecam", ecam,
			 "hmat", fw->hmat.present
			 ? json_pack("{s:i, s:i, s:i}", "proximity_domains", fw->hmat.proximity,
				     "latency_bandwidth", fw->hmat.latency,
				     "memory_side_caches", fw->hmat.cache) : json_null(),
			 "srat", json_boolean(fw->have_srat));
}

static void fw_line(FILE *out, const char *indent, uint64_t start, uint64_t end, bool bytes,
		    const char *what)
{
	char sz[32];

	fprintf(out, "%s0x%012llx-0x%012llx %12s  %s\n", indent, (unsigned long long)start,
		(unsigned long long)end, hr_format_size(end - start + 1, bytes, sz, sizeof(sz)), what);
}

static size_t bad_checksums(const struct hr_firmware *fw)
{
	size_t n = 0;

	for (size_t i = 0; i < fw->n_tables; i++)
		n += fw->tables[i].has_checksum && !fw->tables[i].checksum_ok;
	return n;
}

void hr_report_firmware_text(FILE *out, const struct hr_firmware *fw, bool bytes)
{
	char what[200];

	if (!fw->n_tables && !fw->n_bridges)
		return;
	if (fw->n_tables) {
		snprintf(what, sizeof(what), "(%zu ACPI tables, %zu with a bad checksum; host-bridge "
			 "windows: %s)", fw->n_tables, bad_checksums(fw), fw->aml == HR_AML_EVALUATED
			 ? "_CRS evaluated" : fw->aml == HR_AML_NONE ? "no AML"
			 : "unknown, see the findings");
		fputc('\n', out);
		hr_print_wrapped(out, "Firmware ", 2, what);
	} else
		fprintf(out, "\nFirmware (the device tree, %s)\n", HR_FDT_PATH);
	for (size_t i = 0; i < fw->n_bridges; i++) {
		const struct hr_host_bridge *b = &fw->bridges[i];

		fprintf(out, "  host bridge %s (%s)%s\n", b->path, b->hid,
			b->windows_unknown ? ": windows known only on the live machine" : "");
		for (size_t j = 0; j < b->n_windows; j++) {
			const struct hr_fw_window *w = &b->windows[j];

			if (w->type == HR_WIN_IO || w->type == HR_WIN_BUS)
				continue;
			snprintf(what, sizeof(what), "%s%s window (%s)", hr_window_type_name(w->type),
				 w->prefetchable ? " prefetchable" : "", hr_fw_source_name(w->source));
			fw_line(out, "    ", w->start, w->end, bytes, what);
		}
	}
	for (size_t i = 0; i < fw->n_affinity; i++)
		if (fw->affinity[i].hotpluggable) {
			snprintf(what, sizeof(what), "hot-pluggable memory, node %u (%s)",
				 fw->affinity[i].node, fw->affinity[i].source == HR_FW_DT ? "dt" : "SRAT");
			fw_line(out, "  ", fw->affinity[i].start, fw->affinity[i].end, bytes, what);
		}
	for (size_t i = 0; i < fw->n_cxl; i++)
		fw_line(out, "  ", fw->cxl[i].start, fw->cxl[i].end, bytes,
			"CXL fixed memory window (CEDT)");
	for (size_t i = 0; i < fw->n_ecam; i++) {
		snprintf(what, sizeof(what), "ECAM segment %u [bus %02x-%02x] (%s)", fw->ecam[i].segment,
			 fw->ecam[i].bus_start, fw->ecam[i].bus_end,
			 fw->ecam[i].source == HR_FW_DT ? "dt" : "MCFG");
		fw_line(out, "  ", fw->ecam[i].start, fw->ecam[i].end, bytes, what);
	}
}
