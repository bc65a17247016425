// SPDX-License-Identifier: GPL-2.0
/*
 * ktext: print the first bytes of kernel functions, read from /proc/kcore.
 *   ktext SYMBOL...
 * prints, for each, "SYMBOL ADDRESS BYTES" (8 bytes in hex, in memory order);
 * exits 1 if a symbol is not in /proc/kallsyms or its text cannot be read.
 * The guest suites use it to see whether a hooked function begins with
 * ENDBR64 (f30f1efa), the landing pad IBT demands of an indirect branch.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NBYTES 8

/* The address of a text symbol of the kernel proper (not of a module). */
static unsigned long long lookup(const char *name)
{
	char line[512], sym[256], type;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f) {
		fprintf(stderr, "ktext: /proc/kallsyms: %s\n", strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '['))
			continue;
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) != 3)
			continue;
		if ((type == 't' || type == 'T') && !strcmp(sym, name)) {
			fclose(f);
			return addr;
		}
	}
	fclose(f);
	return 0;
}

/* Read NBYTES at kernel virtual address @va through kcore's PT_LOAD segments. */
static int read_text(int fd, const Elf64_Ehdr *eh, unsigned long long va,
		     unsigned char *buf)
{
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		off_t off = eh->e_phoff + (off_t)i * eh->e_phentsize;

		if (pread(fd, &ph, sizeof(ph), off) != sizeof(ph))
			return -1;
		if (ph.p_type != PT_LOAD || va < ph.p_vaddr ||
		    va + NBYTES > ph.p_vaddr + ph.p_memsz)
			continue;
		off = ph.p_offset + (va - ph.p_vaddr);
		return pread(fd, buf, NBYTES, off) == NBYTES ? 0 : -1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	Elf64_Ehdr eh;
	int fd, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: ktext SYMBOL...\n");
		return 2;
	}
	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64) {
		fprintf(stderr, "ktext: /proc/kcore: not readable as a 64-bit ELF core\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		unsigned long long va = lookup(argv[i]);
		unsigned char b[NBYTES];

		if (!va) {
			fprintf(stderr, "ktext: %s: not a kernel text symbol\n", argv[i]);
			rc = 1;
			continue;
		}
		if (read_text(fd, &eh, va, b)) {
			fprintf(stderr, "ktext: %s: text at %llx not readable\n", argv[i], va);
			rc = 1;
			continue;
		}
		printf("%s %llx ", argv[i], va);
		for (int j = 0; j < NBYTES; j++)
			printf("%02x", b[j]);
		printf("\n");
	}
	close(fd);
	return rc;
}
