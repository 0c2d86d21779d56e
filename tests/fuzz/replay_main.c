/* Replay driver for fuzz targets outside libFuzzer: feeds every file of the given directories (or the
 * given files) to LLVMFuzzerTestOneInput once, so seed and crash inputs are regression tests. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	int err = ferror(f);
	fclose(f);
	if (err) {
		perror(path);
		return 1;
	}
	/* A heap copy of exactly n bytes lets ASan catch reads past the input's end. */
	uint8_t *copy = malloc(n > 0 ? n : 1);
	if (copy == NULL) {
		return 1;
	}
	memcpy(copy, buf, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	return 0;
}

int main(int argc, char **argv)
{
	int failures = 0;
	int replayed = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			failures += replay_file(argv[i]);
			replayed++;
			continue;
		}
		DIR *dir = opendir(argv[i]);
		if (dir == NULL) {
			perror(argv[i]);
			return 1;
		}
		struct dirent *ent;
		while ((ent = readdir(dir)) != NULL) {
			if (ent->d_name[0] == '.') {
				continue;
			}
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], ent->d_name);
			failures += replay_file(path);
			replayed++;
		}
		closedir(dir);
	}
	printf("replayed %d inputs, %d unreadable\n", replayed, failures);
	return failures == 0 && replayed > 0 ? 0 : 1;
}
