// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-log container parser and memmap line matcher. The memmap lines are
 * verbatim from real kernels (kernel-facts.md §1.2/§3.4, vm-notes.md); lines
 * marked "near miss" are made up to sit right next to the real format.
 */
#include <stdlib.h>
#include "klog/klog-record.h"
#include "klog/memmap-line.h"
#include "unit.h"

#define MEMMAP_84 "memmap_init_zone_device initialised 257536 pages in 84ms"

static void parse(const char *line, struct rb_klog_record *rec)
{
	rb_klog_parse(line, strlen(line), rec);
}

static void test_kmsg(void)
{
	struct rb_klog_record r;

	parse("7,123456,987654321,-,caller=T4321;memmap_init_zone_device "
	      "initialised 26214400 pages in 244ms\n", &r);
	CHECK(r.form == RB_KLOG_KMSG, "kmsg: form %s", rb_klog_form_name(r.form));
	CHECK(r.prio == 7, "kmsg: prio %d", r.prio);
	CHECK(r.has_seq && r.seq == 123456, "kmsg: seq");
	CHECK(r.has_ts && r.ts_usec == 987654321, "kmsg: usec");
	CHECK_U64(r.tid, 4321, "kmsg: caller tid");
	CHECK_STRN(r.text, r.text_len, "memmap_init_zone_device initialised "
		   "26214400 pages in 244ms", "kmsg: text without newline");
	CHECK(!r.truncated, "kmsg: complete record");

	parse("7,5,12,-,caller=T1;usb 1-1: new device", &r);
	CHECK(r.form == RB_KLOG_KMSG && r.seq == 5 && r.ts_usec == 12 &&
	      r.tid == 1, "kmsg: real sample with caller=T1");
	CHECK_STRN(r.text, r.text_len, "usb 1-1: new device", "kmsg: text");

	parse("6,1,0,-;Linux version 6.1.0-56-amd64", &r);
	CHECK(r.form == RB_KLOG_KMSG && r.prio == 6 && r.tid == 0,
	      "kmsg: no caller field gives no tid");

	parse("7,9,10,-,caller=T12@C3;x", &r);
	CHECK_U64(r.tid, 12, "kmsg: caller=T12@C3 (vendor form)");
	parse("7,9,10,-,caller=T12:C3;x", &r);
	CHECK_U64(r.tid, 12, "kmsg: caller=T12:C3 (proposed form)");
	parse("7,9,10,-,caller=C3;x", &r);
	CHECK_U64(r.tid, 0, "kmsg: caller=C3 (interrupt) gives no tid");
	parse("7,9,10,c,cpu=1,pid=77,comm=ndctl,caller=T88,newfield=x;y", &r);
	CHECK(r.form == RB_KLOG_KMSG && r.tid == 88,
	      "kmsg: unknown fields around caller are ignored");
	CHECK_STRN(r.text, r.text_len, "y", "kmsg: text after extra fields");
	parse("7,9,10,-,caller=T99999999999;x", &r);
	CHECK_U64(r.tid, 0, "kmsg: tid beyond 32 bits is ignored");
	parse("12,9,10,-;text with ; semicolon, and, commas", &r);
	CHECK_STRN(r.text, r.text_len, "text with ; semicolon, and, commas",
		   "kmsg: text may hold ';' and ','");
	CHECK(r.prio == 12, "kmsg: user-space facility prio kept");

	parse(" SUBSYSTEM=nd", &r);
	CHECK(r.form == RB_KLOG_KMSG_DICT, "kmsg: SUBSYSTEM= continuation");
	parse(" DEVICE=+nd:pfn0.1\n", &r);
	CHECK(r.form == RB_KLOG_KMSG_DICT, "kmsg: DEVICE= continuation");
	parse("  dump_stack_lvl+0x44/0x5c", &r);
	CHECK(r.form == RB_KLOG_PLAIN, "indented non-dictionary line is plain");

	parse("7,123457,98765", &r);
	CHECK(r.form == RB_KLOG_KMSG && r.truncated && r.has_seq &&
	      r.seq == 123457 && !r.has_ts && r.text_len == 0,
	      "kmsg: header cut inside the stamp");
	parse("7,123458,987654400,-,caller=T43", &r);
	CHECK(r.form == RB_KLOG_KMSG && r.truncated && r.has_ts &&
	      r.ts_usec == 987654400, "kmsg: header cut before ';'");
	parse("7,99999999999999999999999,1,-;x", &r);
	CHECK(r.form != RB_KLOG_KMSG, "kmsg: overflowing seq is no record");
}

static void test_dmesg(void)
{
	struct rb_klog_record r;

	parse("[   12.345678] " MEMMAP_84, &r);
	CHECK(r.form == RB_KLOG_DMESG && r.has_ts && r.ts_usec == 12345678,
	      "dmesg: stamp");
	CHECK_STRN(r.text, r.text_len, MEMMAP_84, "dmesg: text");
	CHECK(r.prio == -1 && !r.has_seq, "dmesg: no prio, no seq");

	parse("[ 5123.5] x", &r);
	CHECK(r.ts_usec == 5123500000ULL, "dmesg: short fraction scaled");
	parse("[   12.345678] [ T4321] " MEMMAP_84, &r);
	CHECK(r.tid == 4321, "dmesg: caller id after the stamp");
	CHECK_STRN(r.text, r.text_len, MEMMAP_84, "dmesg: text after caller");
	parse("[   12.345678][    C1] x", &r);
	CHECK(r.tid == 0 && r.text_len == 1, "console form, cpu caller");

	parse("<7>[   12.345678] " MEMMAP_84, &r);
	CHECK(r.form == RB_KLOG_DMESG_RAW && r.prio == 7 &&
	      r.ts_usec == 12345678, "dmesg -r");
	CHECK_STRN(r.text, r.text_len, MEMMAP_84, "dmesg -r: text");
	parse("<6>pmem0: detected capacity change from 0 to 1054867456", &r);
	CHECK(r.form == RB_KLOG_DMESG_RAW && r.prio == 6 && !r.has_ts,
	      "dmesg -r -t (no stamp)");

	parse("kern  :debug : [   12.345678] " MEMMAP_84, &r);
	CHECK(r.form == RB_KLOG_DMESG && r.prio == 7 && r.has_ts,
	      "dmesg -x: decoded facility and level");
	CHECK_STRN(r.text, r.text_len, MEMMAP_84, "dmesg -x: text");
	parse("[Wed Nov 25 18:00:01 2026] " MEMMAP_84, &r);
	CHECK(r.form == RB_KLOG_DMESG && !r.has_ts, "dmesg -T: no printk ts");
	CHECK_STRN(r.text, r.text_len, MEMMAP_84, "dmesg -T: text");

	parse("[4321] " MEMMAP_84, &r);
	CHECK(r.form == RB_KLOG_PLAIN && !r.has_ts,
	      "a dyndbg tid is not a dmesg stamp");
	parse("[   12.34", &r);
	CHECK(r.form == RB_KLOG_DMESG && r.truncated && r.text_len == 0,
	      "dmesg: stamp cut short");
	parse("[99999999999999999.000000] x", &r);
	CHECK(!r.has_ts, "dmesg: stamp overflowing usec is rejected");
}

static void test_journal(void)
{
	struct rb_klog_record r;

	parse("Nov 25 18:00:01 host kernel: " MEMMAP_84, &r);
	CHECK(r.form == RB_KLOG_JOURNAL && !r.has_ts, "journal short");
	CHECK_STRN(r.text, r.text_len, MEMMAP_84, "journal short: text");
	parse("Nov  5 08:00:01 host kernel: [   12.300000] " MEMMAP_84, &r);
	CHECK(r.form == RB_KLOG_JOURNAL && r.has_ts && r.ts_usec == 12300000,
	      "syslog: printk stamp inside the text");
	CHECK_STRN(r.text, r.text_len, MEMMAP_84, "syslog: text");
	parse("Nov 25 18:00:01.123456 host kernel: x", &r);
	CHECK(r.form == RB_KLOG_JOURNAL, "journal short-precise");
	parse("2026-11-25T18:00:01+0000 host kernel: x", &r);
	CHECK(r.form == RB_KLOG_JOURNAL, "journal short-iso");
	parse("Wed 2026-11-25 18:00:01 UTC host kernel: x", &r);
	CHECK(r.form == RB_KLOG_JOURNAL, "journal short-full");
	parse("[   12.345678] host kernel: x", &r);
	CHECK(r.form == RB_KLOG_JOURNAL && r.ts_usec == 12345678,
	      "journal short-monotonic");
	parse("-- Boot 0123456789abcdef0123456789abcdef --", &r);
	CHECK(r.form == RB_KLOG_BOOT, "journal boot separator");
	parse("Booting paravirtualized kernel: on KVM", &r);
	CHECK(r.form == RB_KLOG_PLAIN, "'kernel:' in plain text");
}

static void test_garbage(void)
{
	static const char *const bad[] = {
		"", "\n", "   \t", "<", "<7", "<7>", "<7>[", "<7>[ 1.",
		"<999999999999999999999>x", "[", "[]", "[ .5] x", "7,", ",",
		"7,1,", "7,1,2,", "7,1,2,-", "-- ", "x kernel:", " kernel: x",
		"kern :", "kern  :debug :", "[Wed", "\xff\xfe\x01",
	};
	struct rb_klog_record r;
	unsigned int i, bad_ok = 0, fuzz_ok = 0, nfuzz = 0;
	char buf[512];
	size_t j, len;
	char *big;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = strlen(bad[i]);
		rb_klog_parse(bad[i], len, &r);
		if (r.text >= bad[i] && r.text + r.text_len <= bad[i] + len)
			bad_ok++;
	}
	CHECK(bad_ok == i, "garbage lines: text stays inside the line");

	/* every prefix of real lines, every byte replaced by NUL or 0xff */
	srand(42);
	for (i = 0; i < 20000; i++) {
		static const char *const seed[] = {
			"7,123456,987654321,-,caller=T4321;" MEMMAP_84,
			"<7>[   12.345678] [ T4321] " MEMMAP_84,
			"kern  :debug : [   12.345678] " MEMMAP_84,
			"Nov 25 18:00:01 host kernel: [   12.3] " MEMMAP_84,
		};
		const char *s = seed[i % 4];

		len = strlen(s);
		memcpy(buf, s, len);
		if (i & 1)
			buf[rand() % len] = (i & 2) ? '\0' : '\xff';
		else
			buf[rand() % len] = (char)(rand() & 0xff);
		len = (size_t)rand() % (len + 1);
		rb_klog_parse(buf, len, &r);
		nfuzz++;
		if (r.text >= buf && r.text + r.text_len <= buf + len)
			fuzz_ok++;
	}
	CHECK(fuzz_ok == nfuzz, "%u mutated lines: text inside the line",
	      nfuzz);

	len = 1 << 20;
	big = malloc(len);
	if (!CHECK(big, "malloc"))
		return;
	for (j = 0; j < len; j++)
		big[j] = "0123456789,;[]<> .:T"[j % 20];
	rb_klog_parse(big, len, &r);
	CHECK(r.text + r.text_len <= big + len, "1 MiB line of separators");
	memset(big, '7', len);
	rb_klog_parse(big, len, &r);
	CHECK(r.form == RB_KLOG_PLAIN, "1 MiB of digits is plain text");
	free(big);
}

struct memmap_case {
	const char *text;
	uint64_t pages, ms;
};

static void test_memmap_real(void)
{
	/* vm-notes.md (Debian 6.1.0, QEMU) and kernel-facts.md §1.2 */
	static const struct memmap_case real[] = {
		{ "memmap_init_zone_device initialised 257536 pages in 84ms",
		  257536, 84 },
		{ "memmap_init_zone_device initialised 257536 pages in 8ms",
		  257536, 8 },
		{ "memmap_init_zone_device initialised 262144 pages in 8ms",
		  262144, 8 },
		{ "memmap_init_zone_device initialised 128512 pages in 8ms",
		  128512, 8 },
		{ "memmap_init_zone_device initialised 1031680 pages in 272ms",
		  1031680, 272 },
		{ "memmap_init_zone_device initialised 1031680 pages in 48ms",
		  1031680, 48 },
		{ "memmap_init_zone_device initialised 786432 pages in 48ms",
		  786432, 48 },
		{ "memmap_init_zone_device initialised 1048576 pages in 48ms",
		  1048576, 48 },
		{ "memmap_init_zone_device initialised 2063872 pages in 34ms",
		  2063872, 34 },
		{ "memmap_init_zone_device initialised 8388608 pages in 64ms",
		  8388608, 64 },
		{ "memmap_init_zone_device initialised 512 pages in 0ms",
		  512, 0 },
		{ "memmap_init_zone_device initialised 26214400 pages in 244ms",
		  26214400, 244 },
	};
	struct rb_memmap_line m;
	unsigned int i;

	for (i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		const char *t = real[i].text;

		CHECK(rb_memmap_line_parse(t, strlen(t), &m) ==
			      RB_MEMMAP_MATCH &&
		      m.nr_pages == real[i].pages && m.ms == real[i].ms &&
		      !m.old_form && m.tid == 0,
		      "real line: %s", t);
	}
}

static enum rb_memmap_match match(const char *t, struct rb_memmap_line *m)
{
	return rb_memmap_line_parse(t, strlen(t), m);
}

static void test_memmap_forms(void)
{
	static const char nul_inside[] =
		"memmap_init_zone_device initialised 257536\0pages in 8ms";
	static const char nul_before[] =
		"\0\xff junk memmap_init_zone_device initialised 1 pages in 1ms";
	struct rb_memmap_line m;

	CHECK(match("[4321] memmap_init_zone_device initialised 26214400 "
		    "pages in 244ms", &m) == RB_MEMMAP_MATCH &&
	      m.tid == 4321 && m.nr_pages == 26214400 && m.ms == 244,
	      "dyndbg +pt decoration gives the tid");
	CHECK(match("mm_init:memmap_init_zone_device:353: memmap_init_zone_device"
		    " initialised 257536 pages in 8ms", &m) == RB_MEMMAP_MATCH &&
	      m.nr_pages == 257536 && m.tid == 0,
	      "dyndbg +pmfl decoration");
	CHECK(match("[77] mm_init:memmap_init_zone_device:353: "
		    "memmap_init_zone_device initialised 262144 pages in 8ms",
		    &m) == RB_MEMMAP_MATCH && m.tid == 77,
	      "dyndbg +ptmfl decoration");
	CHECK(match("<intr> memmap_init_zone_device initialised 512 pages in 0ms",
		    &m) == RB_MEMMAP_MATCH && m.tid == 0,
	      "dyndbg <intr> decoration");

	CHECK(match("pfn0.1 initialised, 257536 pages in 84ms", &m) ==
		      RB_MEMMAP_MATCH && m.old_form && m.nr_pages == 257536 &&
	      m.ms == 84, "v4.20..v5.3 form");
	CHECK_STRN(m.dev, m.dev_len, "pfn0.1", "old form device name");
	CHECK(match("dax0.0 initialised, 2063872 pages in 34ms", &m) ==
		      RB_MEMMAP_MATCH, "old form, dax device");
	CHECK_STRN(m.dev, m.dev_len, "dax0.0", "old form dax device name");

	CHECK(match("memmap_init_zone_device initialised 18446744073709551615 "
		    "pages in 4294967295ms", &m) == RB_MEMMAP_MATCH &&
	      m.nr_pages == UINT64_MAX, "largest 64-bit page count");
	CHECK(match("memmap_init_zone_device initialised 18446744073709551616 "
		    "pages in 8ms", &m) == RB_MEMMAP_INVALID,
	      "page count overflowing 64 bits");
	CHECK(match("memmap_init_zone_device initialised 1 pages in "
		    "99999999999999999999999ms", &m) == RB_MEMMAP_INVALID,
	      "ms overflowing 64 bits");

	CHECK(match("memmap_init_zone_device initialised 2575", &m) ==
		      RB_MEMMAP_TRUNCATED, "cut inside the page count");
	CHECK(match("memmap_init_zone_device initialised 257536 pages in 8",
		    &m) == RB_MEMMAP_TRUNCATED, "cut before 'ms'");
	CHECK(match("memmap_init_zone_device initia", &m) ==
		      RB_MEMMAP_TRUNCATED, "cut inside 'initialised'");
	CHECK(match("pfn0.1 initialised, 257536 pa", &m) ==
		      RB_MEMMAP_TRUNCATED, "old form cut inside 'pages'");
	CHECK(rb_memmap_line_parse(nul_inside, sizeof(nul_inside) - 1, &m) ==
		      RB_MEMMAP_NONE, "NUL inside the line");
	CHECK(rb_memmap_line_parse(nul_before, sizeof(nul_before) - 1, &m) ==
		      RB_MEMMAP_MATCH && m.nr_pages == 1,
	      "NUL and junk before the line");
	CHECK(rb_memmap_line_parse(NULL, 0, &m) == RB_MEMMAP_NONE,
	      "empty text");
}

static void test_memmap_noise(void)
{
	static const char *const noise[] = {
		"virtio_mem virtio0: added new 256 MB chunk",
		"nd_pmem pfn0.1: unable to guarantee persistence of writes",
		"pmem0: detected capacity change from 0 to 1054867456",
		"dax_pmem dax0.1: unable to guarantee persistence of writes",
		"On node 0, zone DMA: 1 pages in unavailable ranges",
		"percpu: Embedded 56 pages/cpu s192512 r8192 d28672 u262144",
		"Bluetooth: HCI socket layer initialized",
		"EDAC MC: Ver: 3.0.0",
		" memmap_init_zone_device+0x1a4/0x2b0",
		"memmap_init_zone_device: memmap_init_zone_device",
		/* near misses */
		"mei_me 0000:00:16.0: FW initialised, 4 clients in 12ms",
		"sdhci-pci 0000:00:1e.6: SDHCI controller initialised, 1 slots",
		"foo initialised, 3",
		"initialised, 257536 pages in 84ms",
		"memmap_init_zone_device initialised -5 pages in 8ms",
		"memmap_init_zone_device initialised 257536 pages in 8msec",
		"memmap_init_zone_device initialised 257536 pages, 8ms",
	};
	struct rb_memmap_line m;
	unsigned int i;

	for (i = 0; i < sizeof(noise) / sizeof(noise[0]); i++)
		CHECK(match(noise[i], &m) == RB_MEMMAP_NONE, "not memmap: %s",
		      noise[i]);
}

int main(void)
{
	test_kmsg();
	test_dmesg();
	test_journal();
	test_garbage();
	test_memmap_real();
	test_memmap_forms();
	test_memmap_noise();
	return unit_done();
}
