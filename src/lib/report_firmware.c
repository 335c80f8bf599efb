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
		json_array_append_new(tables, json_pack("{s:s, s:s, s:I, s:i, s:b}",
							"signature", fw->tables[i].signature,
							"path", fw->tables[i].path,
							"length", (json_int_t)fw->tables[i].length,
							"revision", fw->tables[i].revision,
							"checksum_ok", fw->tables[i].checksum_ok));
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
