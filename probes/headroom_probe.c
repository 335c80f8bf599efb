// SPDX-License-Identifier: GPL-2.0
/*
 * headroom_probe: ask the running kernel where request_free_mem_region() puts
 * device-private ranges, as ground truth for headroom.
 *
 *   insmod headroom_probe.ko sizes=1G,16G,80G
 *   cat /sys/module/headroom_probe/parameters/answer
 *   rmmod headroom_probe
 *
 * Every size is requested IN ORDER and KEPT until all sizes were tried, so a
 * later request sees the earlier carves (like drivers registering one after
 * another). Then every region is released: nothing of ours stays in
 * /proc/iomem after init returns.
 *
 * The whole answer, in the "headroom kernel answer" format of
 * tests/vm/README.md (v1; v2 with mode=new), is the read-only parameter
 * "answer" (sysfs, 0444) until rmmod:
 *   # headroom kernel answer v1
 *   release <utsname release>
 *   version <contents of /proc/version>
 *   iomem_end 0x<hex>
 *   direct_map_end 0x<hex> | absent
 *   request 0x<size> 0x<start>-0x<end> | request 0x<size> error <errno>
 * mode=new (answer v2) then registers a device-private pagemap of each size
 * with memremap_device_private_pagemap(), one at a time, measures what it
 * took and releases it:
 *   new_scheme present | absent
 *   pagemap 0x<size> offset 0x<start>-0x<end> | error <errno>
 *           alloc 0x<bytes> memavail <bytes> vmalloc <bytes> slab <bytes> warn yes|no|unknown
 * alloc is nr_pages * sizeof(struct page), what the series kvzalloc()s;
 * memavail, vmalloc and slab are how much MemAvailable fell and the vmalloc
 * and unreclaimable slab counters rose while the pagemap was held (signed
 * decimal bytes; vmalloc -1 where the kernel has no NR_VMALLOC); warn says
 * whether the call set TAINT_WARN (unknown if it was set already).
 * A run that went wrong adds "error <text>" lines; an answer that would not
 * fit in 4096 bytes (the sysfs parameter limit) ends with a line "truncated".
 * A good answer has neither.
 *
 * The same facts and more go to dmesg (one fact per line, prefix
 * "headroom_probe: "):
 *   iomem_end 0x<hex>
 *   direct_map_end 0x<hex> | absent          (+ "direct_map_source <variable or macro>")
 *   request 0x<size> 0x<start>-0x<end>       (end inclusive)
 *   request 0x<size> error <errno>
 *   done requested <n> released <n>
 * Other lines (x86_phys_bits, max_physmem_bits, section_shift, mode=new
 * results) are informational.
 *
 * init always returns 0: busybox insmod retries a failed finit_module() with
 * init_module(), which would run the probe twice.
 *
 * Feature checks only (no version numbers):
 *  - request_free_mem_region() exists when CONFIG_GET_FREE_REGION (5.19+) or,
 *    on older kernels, CONFIG_DEVICE_PRIVATE;
 *  - the direct-map end is a non-exported variable ("direct_map_physmem_end",
 *    formerly "physmem_end"), found via kallsyms_lookup_name, whose address a
 *    kprobe reveals (kallsyms_lookup_name itself is unexported since 5.7);
 *  - HP_HAVE_MEMREMAP_DEVICE_PRIVATE_PAGEMAP / HP_HAVE_FOLIO_FREE /
 *    HP_HAVE_NR_VMALLOC come from a grep of the headers in Kbuild.
 */
#define pr_fmt(fmt) "headroom_probe: " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/ioport.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/fs.h>
#include <linux/utsname.h>
#include <linux/stdarg.h>
#if IS_ENABLED(CONFIG_KPROBES)
#include <linux/kprobes.h>
#endif
#if IS_ENABLED(CONFIG_ZONE_DEVICE)
#include <linux/memremap.h>
#endif
#ifdef CONFIG_X86
#include <asm/processor.h>
#endif

#include "headroom_answer.h"

#if IS_ENABLED(CONFIG_GET_FREE_REGION) || IS_ENABLED(CONFIG_DEVICE_PRIVATE)
#define HP_HAVE_RFMR 1
#endif

/* old-style pagemap through memremap_pages(): needs a DEVICE_PRIVATE kernel
 * without the series (which makes it WARN for device-private memory) */
#if IS_ENABLED(CONFIG_DEVICE_PRIVATE) && defined(HP_HAVE_RFMR) && \
	!defined(HP_HAVE_MEMREMAP_DEVICE_PRIVATE_PAGEMAP)
#define HP_HAVE_MEMREMAP_PAGES_PRIVATE 1
#endif

static char *sizes = "1G";
module_param(sizes, charp, 0444);
MODULE_PARM_DESC(sizes, "comma list of sizes (memparse syntax), requested in order and kept until all are done");

static char *mode = "old";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "old: request_free_mem_region only; new: also a device-private pagemap of each size (answer v2)");

static unsigned long long hp_sizes[HR_ANSWER_MAX_SIZES];
static int hp_nsizes;

/*
 * ---- the answer, in kernel-answer v1 format ------------------------------
 * Built during init, read through /sys/module/headroom_probe/parameters/answer
 * (at most HR_ANSWER_MAX bytes: one page of sysfs).
 */
#define HP_TRUNCATED HR_ANSWER_TRUNCATED "\n"
static char hp_answer[HR_ANSWER_MAX];
static size_t hp_answer_len;
static bool hp_answer_truncated;

/* append one whole line, or none: keep room for the "truncated" line */
static __printf(1, 2) void hp_answer_add(const char *fmt, ...)
{
	char line[512];	/* longest line: "version " + 480 bytes of /proc/version */
	va_list ap;
	int n;

	if (hp_answer_truncated)
		return;
	va_start(ap, fmt);
	n = vscnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (hp_answer_len + n + sizeof(HP_TRUNCATED) > sizeof(hp_answer)) {
		memcpy(hp_answer + hp_answer_len, HP_TRUNCATED, sizeof(HP_TRUNCATED));
		hp_answer_len += sizeof(HP_TRUNCATED) - 1;
		hp_answer_truncated = true;
		return;
	}
	memcpy(hp_answer + hp_answer_len, line, n);
	hp_answer_len += n;
	hp_answer[hp_answer_len] = '\0';
}

static int hp_answer_get(char *buffer, const struct kernel_param *kp)
{
	/* hp_answer_len < HR_ANSWER_MAX <= PAGE_SIZE, NUL included */
	memcpy(buffer, hp_answer, hp_answer_len + 1);
	return hp_answer_len;
}

static int hp_answer_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;	/* an output, never an input */
}

static const struct kernel_param_ops hp_answer_ops = {
	.set = hp_answer_set,
	.get = hp_answer_get,
};
module_param_cb(answer, &hp_answer_ops, NULL, 0444);
MODULE_PARM_DESC(answer, "the answer in headroom kernel answer v1 format (read-only; valid once insmod returned)");

/* "version": the text of /proc/version, as the capture records it */
static void hp_answer_version(void)
{
	char buf[480];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	f = filp_open("/proc/version", O_RDONLY, 0);
	if (!IS_ERR(f)) {
		n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
		filp_close(f, NULL);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			hp_answer_add("version %s\n", buf);
			return;
		}
	}
	/* no /proc in this mount namespace: say so rather than guess */
	hp_answer_add("version %s version %s %s\n", utsname()->sysname,
		      utsname()->release, utsname()->version);
	hp_answer_add("error /proc/version unreadable, version line rebuilt from utsname\n");
}

#if IS_ENABLED(CONFIG_KPROBES)
/* kallsyms_lookup_name() is not exported; a kprobe on it tells its address */
static unsigned long hp_lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	unsigned long (*kln)(const char *);

	if (register_kprobe(&kp) < 0)
		return 0;
	kln = (void *)kp.addr;
	unregister_kprobe(&kp);
	return kln ? kln(name) : 0;
}
#else
static unsigned long hp_lookup(const char *name) { return 0; }
#endif

/*
 * The end the search stops at: the variable behind DIRECT_MAP_PHYSMEM_END
 * (x86 with RANDOMIZE_MEMORY; unexported, found through kallsyms), else the
 * compile-time macro where it is a value a module can evaluate (arm64:
 * __pa(PAGE_END - 1) from 6.12, 2^MAX_PHYSMEM_BITS - 1 before; the generic
 * default elsewhere). "absent" where the kernel has neither (before the clamp).
 */
static void hp_report_limits(void)
{
	static const char *const names[] = { "direct_map_physmem_end", "physmem_end" };
	unsigned long addr = 0;
	unsigned long long end = 0;
	const char *source = NULL;
	int i;

	pr_info("iomem_end 0x%llx\n", (unsigned long long)iomem_resource.end);
	hp_answer_add("iomem_end 0x%llx\n", (unsigned long long)iomem_resource.end);
	for (i = 0; i < ARRAY_SIZE(names) && !addr; i++) {
		addr = hp_lookup(names[i]);
		if (addr) {
			end = *(phys_addr_t *)addr;	/* both are phys_addr_t variables */
			source = names[i];
		}
	}
#if !(defined(CONFIG_X86) && defined(CONFIG_RANDOMIZE_MEMORY))
#if defined(DIRECT_MAP_PHYSMEM_END)
	if (!source) {
		end = DIRECT_MAP_PHYSMEM_END;
		source = "macro DIRECT_MAP_PHYSMEM_END";
	}
#elif defined(PHYSMEM_END)
	if (!source) {
		end = PHYSMEM_END;
		source = "macro PHYSMEM_END";
	}
#endif
#endif
	if (source) {
		pr_info("direct_map_end 0x%llx\n", end);
		pr_info("direct_map_source %s\n", source);
		hp_answer_add("direct_map_end 0x%llx\n", end);
	} else {
		pr_info("direct_map_end absent\n");
		hp_answer_add("direct_map_end absent\n");
	}
#ifdef CONFIG_X86
	pr_info("x86_phys_bits %u\n", boot_cpu_data.x86_phys_bits);
#endif
#ifdef MAX_PHYSMEM_BITS
	pr_info("max_physmem_bits %u\n", (unsigned int)MAX_PHYSMEM_BITS);
#endif
#ifdef PA_SECTION_SHIFT
	pr_info("section_shift %u\n", (unsigned int)PA_SECTION_SHIFT);
#endif
}

/* the sizes, in order, into hp_sizes[]; bad ones are reported and skipped */
static void hp_parse_sizes(void)
{
	char *buf, *p, *tok, *end;

	buf = kstrdup(sizes, GFP_KERNEL);
	if (!buf) {
		pr_info("error out of memory\n");
		hp_answer_add("error out of memory\n");
		return;
	}
	for (p = buf; (tok = strsep(&p, ",")) != NULL;) {
		unsigned long long size;

		if (!*tok)
			continue;
		if (hp_nsizes == HR_ANSWER_MAX_SIZES) {
			pr_info("error too many sizes (max %d)\n", HR_ANSWER_MAX_SIZES);
			hp_answer_add("error too many sizes (max %d)\n", HR_ANSWER_MAX_SIZES);
			break;
		}
		size = memparse(tok, &end);
		if (*end || !size) {
			pr_info("error bad size \"%s\"\n", tok);
			hp_answer_add("error bad size \"%s\"\n", tok);
			continue;
		}
		hp_sizes[hp_nsizes++] = size;
	}
	kfree(buf);
}

#ifdef HP_HAVE_RFMR
static struct resource *hp_res[HR_ANSWER_MAX_SIZES];

static void hp_run_sizes(void)
{
	int n, got = 0, released = 0, i;

	for (n = 0; n < hp_nsizes; n++) {
		unsigned long long size = hp_sizes[n];
		struct resource *res;

		res = request_free_mem_region(&iomem_resource, size, "headroom_probe");
		if (IS_ERR_OR_NULL(res)) {
			pr_info("request 0x%llx error %ld\n", size,
				res ? PTR_ERR(res) : -ENOMEM);
			hp_answer_add("request 0x%llx error %ld\n", size,
				      res ? PTR_ERR(res) : -ENOMEM);
			hp_res[n] = NULL;
			continue;
		}
		pr_info("request 0x%llx 0x%llx-0x%llx\n", size,
			(unsigned long long)res->start, (unsigned long long)res->end);
		hp_answer_add("request 0x%llx 0x%llx-0x%llx\n", size,
			      (unsigned long long)res->start, (unsigned long long)res->end);
		hp_res[n] = res;
		got++;
	}
	/* release in reverse order; release_mem_region frees the resource */
	for (i = n - 1; i >= 0; i--) {
		if (!hp_res[i])
			continue;
		release_mem_region(hp_res[i]->start, resource_size(hp_res[i]));
		hp_res[i] = NULL;
		released++;
	}
	pr_info("done requested %d ok %d released %d\n", n, got, released);
	if (released != got)
		hp_answer_add("error released %d of %d regions\n", released, got);
}
#else
static void hp_run_sizes(void)
{
	pr_info("error request_free_mem_region unavailable (no CONFIG_GET_FREE_REGION/CONFIG_DEVICE_PRIVATE)\n");
	hp_answer_add("error request_free_mem_region unavailable\n");
	pr_info("done requested 0 ok 0 released 0\n");
}
#endif

/* ---- mode=new: device-private pagemaps ------------------------------ */
#if defined(HP_HAVE_MEMREMAP_DEVICE_PRIVATE_PAGEMAP) || defined(HP_HAVE_MEMREMAP_PAGES_PRIVATE)
static int hp_owner;	/* any unique address serves as pgmap->owner */

#ifdef HP_HAVE_FOLIO_FREE
static void hp_folio_free(struct folio *folio) { }
#else
static void hp_page_free(struct page *page) { }
#endif
static vm_fault_t hp_migrate_to_ram(struct vm_fault *vmf) { return VM_FAULT_SIGBUS; }

static const struct dev_pagemap_ops hp_pgmap_ops = {
#ifdef HP_HAVE_FOLIO_FREE
	.folio_free = hp_folio_free,
#else
	.page_free = hp_page_free,
#endif
	.migrate_to_ram = hp_migrate_to_ram,
};
#endif

#ifdef HP_HAVE_MEMREMAP_DEVICE_PRIVATE_PAGEMAP
/* What the running kernel has free or in use, for the cost of one pagemap. */
struct hp_mem {
	long long avail, vmalloc, slab;	/* bytes */
};

static void hp_mem_now(struct hp_mem *m)
{
	m->avail = (long long)si_mem_available() << PAGE_SHIFT;
#ifdef HP_HAVE_NR_VMALLOC
	m->vmalloc = (long long)global_node_page_state(NR_VMALLOC) << PAGE_SHIFT;
#else
	m->vmalloc = 0;
#endif
	m->slab = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B) << PAGE_SHIFT;
}

/* Register one pagemap of size bytes, measure it, release it: one answer line. */
static void hp_pagemap(unsigned long long size)
{
	struct dev_pagemap *pgmap = kzalloc(sizeof(*pgmap), GFP_KERNEL);
	unsigned long long alloc = (size >> PAGE_SHIFT) * sizeof(struct page);
	struct hp_mem before, held;
	char place[64];
	bool tainted = test_taint(TAINT_WARN);
	const char *warn;
	long rc;

	if (!pgmap) {
		hp_answer_add("error out of memory\n");
		return;
	}
	pgmap->type = MEMORY_DEVICE_PRIVATE;
	pgmap->nr_pages = size >> PAGE_SHIFT;
	pgmap->ops = &hp_pgmap_ops;
	pgmap->owner = &hp_owner;
	hp_mem_now(&before);
	/* v6 returns an errno in an unsigned long; (long) reads every revision */
	rc = (long)memremap_device_private_pagemap(pgmap, NUMA_NO_NODE);
	hp_mem_now(&held);
	warn = tainted ? "unknown" : test_taint(TAINT_WARN) ? "yes" : "no";
	if (IS_ERR_VALUE(rc))
		snprintf(place, sizeof(place), "error %ld", rc);
	else
		snprintf(place, sizeof(place), "offset 0x%llx-0x%llx",
			 (unsigned long long)pgmap->range.start,
			 (unsigned long long)pgmap->range.end);
	pr_info("pagemap 0x%llx %s alloc 0x%llx warn %s\n", size, place, alloc, warn);
	hp_answer_add("pagemap 0x%llx %s alloc 0x%llx memavail %lld vmalloc %lld slab %lld warn %s\n",
		      size, place, alloc, before.avail - held.avail,
#ifdef HP_HAVE_NR_VMALLOC
		      held.vmalloc - before.vmalloc,
#else
		      -1LL,
#endif
		      held.slab - before.slab, warn);
	if (!IS_ERR_VALUE(rc))
		memunmap_device_private_pagemap(pgmap);
	kfree(pgmap);
}

static void hp_run_pagemaps(void)
{
	int i;

	hp_answer_add("new_scheme present\n");
	for (i = 0; i < hp_nsizes; i++)
		hp_pagemap(hp_sizes[i]);
}
#else
static void hp_run_pagemaps(void)
{
	pr_info("new memremap_device_private_pagemap absent\n");
	hp_answer_add("new_scheme absent\n");
}
#endif

#ifdef HP_HAVE_MEMREMAP_PAGES_PRIVATE
/* the pre-series way: carve physical space, then memremap_pages() */
static void hp_memremap_pages(unsigned long long size)
{
	struct dev_pagemap *pgmap = kzalloc(sizeof(*pgmap), GFP_KERNEL);
	struct resource *res;
	void *addr;

	if (!pgmap) {
		pr_info("new memremap_pages error %d\n", -ENOMEM);
		return;
	}
	res = request_free_mem_region(&iomem_resource, size, "headroom_probe");
	if (IS_ERR_OR_NULL(res)) {
		pr_info("new memremap_pages 0x%llx request error %ld\n", size,
			res ? PTR_ERR(res) : -ENOMEM);
		kfree(pgmap);
		return;
	}
	pgmap->type = MEMORY_DEVICE_PRIVATE;
	pgmap->range.start = res->start;
	pgmap->range.end = res->end;
	pgmap->nr_range = 1;
	pgmap->ops = &hp_pgmap_ops;
	pgmap->owner = &hp_owner;
	addr = memremap_pages(pgmap, NUMA_NO_NODE);
	if (IS_ERR_OR_NULL(addr)) {
		pr_info("new memremap_pages 0x%llx at 0x%llx-0x%llx error %ld\n", size,
			(unsigned long long)res->start, (unsigned long long)res->end,
			addr ? PTR_ERR(addr) : -ENOMEM);
	} else {
		pr_info("new memremap_pages 0x%llx at 0x%llx-0x%llx ok\n", size,
			(unsigned long long)res->start, (unsigned long long)res->end);
		memunmap_pages(pgmap);
	}
	release_mem_region(res->start, resource_size(res));
	kfree(pgmap);
}
#else
static void hp_memremap_pages(unsigned long long size)
{
	pr_info("new memremap_pages not tried (no CONFIG_DEVICE_PRIVATE, or the series is in)\n");
}
#endif

static int __init hp_init(void)
{
	bool new_mode = !strcmp(mode, "new");

	pr_info("begin mode %s sizes %s\n", mode, sizes);
	hp_answer_add(new_mode ? HR_ANSWER_MAGIC_V2 "\n" : HR_ANSWER_MAGIC "\n");
	hp_answer_add("release %s\n", utsname()->release);
	hp_answer_version();
	hp_report_limits();
	hp_parse_sizes();
	hp_run_sizes();
	if (new_mode) {
		hp_run_pagemaps();
		/* the pre-series way, for information (dmesg only) */
		if (hp_nsizes)
			hp_memremap_pages(hp_sizes[0]);
	} else if (strcmp(mode, "old")) {
		pr_info("error unknown mode \"%s\"\n", mode);
		hp_answer_add("error unknown mode \"%s\"\n", mode);
	}
	if (hp_answer_truncated)
		pr_info("error answer truncated at %zu bytes\n", hp_answer_len);
	pr_info("end\n");
	return 0;
}

static void __exit hp_exit(void)
{
	/* nothing held: every region was released in init */
}

module_init(hp_init);
module_exit(hp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("report where request_free_mem_region() places device-private ranges");
