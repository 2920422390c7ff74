// SPDX-License-Identifier: GPL-2.0
/*
 * The one output path of the programs (util/file-io.h): regular files are
 * replaced atomically, symbolic links at the name are not followed, FIFOs
 * and character devices stay what they are and get the data, directories
 * are refused, and the pre-run check agrees with the write.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/file-io.h"
#include "unit.h"

static char dir[] = "/tmp/rb-test-output.XXXXXX";

static char *at(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static char *slurp(const char *path)
{
	return rb_read_file(path, 1 << 20, NULL);
}

static void test_regular(void)
{
	char *text = NULL;
	char why[256];

	CHECK(rb_output_check(at("new.json"), why, sizeof(why)) == 0,
	      "check: a new name in a writable folder");
	CHECK(rb_output_write(at("new.json"), "one\n", 4) == 0 &&
		      (text = slurp(at("new.json"))) && !strcmp(text, "one\n"),
	      "write: a new file");
	free(text);
	CHECK(rb_output_write(at("new.json"), "two\n", 4) == 0 &&
		      (text = slurp(at("new.json"))) && !strcmp(text, "two\n"),
	      "write: an existing file is replaced");
	free(text);
	CHECK(rb_output_check("/nonexistent/dir/x.json", why, sizeof(why)) ==
			      -ENOENT &&
		      strstr(why, "/nonexistent/dir"),
	      "check: a missing folder is refused before the run: %s", why);
	CHECK(rb_output_write("/nonexistent/dir/x.json", "x", 1) == -ENOENT,
	      "write: a missing folder fails");
	CHECK(rb_output_check(dir, why, sizeof(why)) == -EISDIR,
	      "check: a directory is refused: %s", why);
	CHECK(rb_output_write(dir, "x", 1) == -EISDIR,
	      "write: a directory is refused");
}

static void test_symlink(void)
{
	struct stat st;
	char *text;

	CHECK(rb_output_write(at("victim"), "precious\n", 9) == 0 &&
		      symlink(at("victim"), at("link.json")) == 0,
	      "symlink: planted at the output name");
	CHECK(rb_output_write(at("link.json"), "report\n", 7) == 0,
	      "symlink: the write succeeds");
	text = slurp(at("victim"));
	CHECK(text && !strcmp(text, "precious\n"),
	      "symlink: its target is untouched");
	free(text);
	CHECK(lstat(at("link.json"), &st) == 0 && S_ISREG(st.st_mode),
	      "symlink: the name now is a regular file of its own");
}

static void *drain(void *path)
{
	char *text = slurp(path);

	return text;
}

static void test_fifo(void)
{
	pthread_t reader;
	struct stat st;
	void *got = NULL;

	if (!CHECK(mkfifo(at("fifo"), 0600) == 0, "fifo: made"))
		return;
	CHECK(rb_output_check(at("fifo"), (char[64]){ 0 }, 64) == 0,
	      "fifo: the check accepts it without opening it");
	pthread_create(&reader, NULL, drain, at("fifo"));
	CHECK(rb_output_write(at("fifo"), "through\n", 8) == 0,
	      "fifo: written");
	pthread_join(reader, &got);
	CHECK(got && !strcmp(got, "through\n"), "fifo: the reader got it");
	free(got);
	CHECK(lstat(at("fifo"), &st) == 0 && S_ISFIFO(st.st_mode),
	      "fifo: still a FIFO");
}

static void test_char_device(void)
{
	struct stat st;

	CHECK(rb_output_write("/dev/null", "gone\n", 5) == 0,
	      "chardev: /dev/null takes the data");
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode),
	      "chardev: /dev/null is still a character device");
}

static void test_open_fd(void)
{
	char *text;
	int fd = open(at("fd-target"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char name[64];

	snprintf(name, sizeof(name), "/dev/fd/%d", fd);
	CHECK(fd >= 0 && rb_output_write(name, "via fd\n", 7) == 0,
	      "fd: %s written in place", name);
	close(fd);
	text = slurp(at("fd-target"));
	CHECK(text && !strcmp(text, "via fd\n"), "fd: the open file has it");
	free(text);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_regular();
	test_symlink();
	test_fifo();
	test_char_device();
	test_open_fd();
	unlink(at("new.json"));
	unlink(at("victim"));
	unlink(at("link.json"));
	unlink(at("fifo"));
	unlink(at("fd-target"));
	rmdir(dir);
	return unit_done();
}
