/* Runs the tutorial cell exported by `jitc.export(cell, (x, h), "cell")` with no Python:
 *   cc -I. run_cell.c cell.so -o run_cell -Wl,-rpath,. && ./run_cell x.bin h.bin
 * x.bin and h.bin hold raw float32 arrays (e.g. numpy's x.astype(np.float32).tofile("x.bin")).
 * Prints the new hidden state, one value per line. */
#include <stdio.h>
#include <stdlib.h>

#include "cell.h"

static int read_floats(const char *path, float *dst, size_t n) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t got = fread(dst, sizeof(float), n, f);
    fclose(f);
    if (got != n) {
        fprintf(stderr, "%s: expected %zu floats, read %zu\n", path, n, got);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    float x[CELL_X_SIZE], h[CELL_H_SIZE], out0[CELL_OUT0_SIZE], out1[CELL_OUT1_SIZE];
    if (argc != 3) {
        fprintf(stderr, "usage: %s x.bin h.bin\n", argv[0]);
        return 2;
    }
    if (read_floats(argv[1], x, CELL_X_SIZE) || read_floats(argv[2], h, CELL_H_SIZE)) {
        return 1;
    }
    int status = cell(x, h, out0, out1);
    if (status != 0) {
        fprintf(stderr, "cell() failed with status %d\n", status);
        return 1;
    }
    for (int i = 0; i < CELL_OUT0_SIZE; i++) {
        printf("%.9g\n", out0[i]);
    }
    return 0;
}
